"""
What `make bench` measures: one row per page, each a name and the URL paths it rotates through.

Add a row for each new public page (search, feeds, sitemap, API): a list of paths, or a
function returning them that may query the database (it runs under Django, after seeding).
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class Page:
    name: str
    paths: list[str] | Callable[[], list[str]]
    # Which cache-off target applies: "list" (8 % of the floor), "detail" (30 %), "search"
    # (8 %, p99 under 100 ms instead of 50 ms) or "other" (feeds, sitemap, API: p99 only).
    kind: str = "list"
    # Compared with page 1 of the list for the "deep pages no slower than 2x" target.
    deep: bool = False

    def resolve(self):
        return list(self.paths() if callable(self.paths) else self.paths)


def detail_paths(count=200):
    """``count`` published stories spread over the whole archive, newest to oldest."""
    from articles.models import Article

    slugs = list(Article.objects.published().newest_first().values_list("slug", flat=True))
    step = max(1, len(slugs) // count)
    return [f"/articles/{slug}/" for slug in slugs[::step][:count]]


def list_page(number):
    """Page ``number`` of the list, or its last page when a small run has fewer."""

    def paths():
        from articles.models import Article

        last = max(1, -(-Article.objects.published().count() // 20))
        return [f"/articles/?page={min(number, last)}"]

    return paths


# Words the generated stories really contain (demo/content.py), so every search finds some.
SEARCH_WORDS_EN = ["water", "health", "roads", "winter", "graduates", "river", "investment"]
SEARCH_WORDS_ZH = ["协同", "供水", "道路", "招聘", "服务", "投资", "绿化"]


PAGES = [
    Page("home", ["/"]),
    Page("list, page 1", ["/articles/"]),
    Page("list, page 50", ["/articles/?page=50"], deep=True),
    Page("list, page 4,000", list_page(4000), deep=True),
    Page("district page", ["/districts/wuqing/"]),
    Page("detail, 200 stories in rotation", detail_paths, kind="detail"),
    Page("search, English words", [f"/search/?q={w}" for w in SEARCH_WORDS_EN], kind="search"),
    Page("search, Chinese words", [f"/search/?q={w}" for w in SEARCH_WORDS_ZH], kind="search"),
    Page("RSS feed", ["/feeds/rss/"], kind="other"),
    Page(
        "sitemap", ["/sitemap.xml", "/sitemap-articles.xml?p=1", "/sitemap-news.xml"], kind="other"
    ),
    Page("API list", ["/api/articles/"], kind="other"),
]
