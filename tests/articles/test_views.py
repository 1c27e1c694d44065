import re
from datetime import timedelta

import html5lib
import pytest
from django.utils import timezone

from articles.editorial import scheduling
from articles.models import AlertBanner, Article, SiteSettings
from tests.factories import make_article, make_district, make_source

pytestmark = pytest.mark.django_db

HIDDEN_STATES = [
    {"status": Article.Status.DRAFT},
    {"status": Article.Status.IN_REVIEW},
    {"status": Article.Status.PUBLISHED, "published_at": timezone.now() + timedelta(days=1)},
    {"status": Article.Status.WITHDRAWN, "published_at": timezone.now() - timedelta(days=1)},
    {"status": Article.Status.REMOVED, "published_at": timezone.now() - timedelta(days=1)},
]


def assert_valid_html5(content):
    """Parse as the HTML5 spec says, failing on any parse error."""
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    parser.parse(content)


def test_home_lists_published_stories_newest_first(client):
    """Home shows published stories, newest first, and nothing unpublished."""
    older = make_article(title="Older story", published_at=timezone.now() - timedelta(days=2))
    newer = make_article(title="Newer story", published_at=timezone.now() - timedelta(days=1))
    hidden = [make_article(title=f"Hidden {i}", **state) for i, state in enumerate(HIDDEN_STATES)]
    response = client.get("/")
    assert response.status_code == 200
    content = response.content.decode()
    assert content.index(newer.title) < content.index(older.title)
    for article in hidden:
        assert article.title not in content


def test_list_paginates_twenty_per_page(client):
    """The list has 20 stories a page and links onward keeping the query string."""
    source = make_source()
    for _ in range(25):
        make_article(source=source)
    first = client.get("/articles/")
    assert len(first.context["object_list"]) == 20
    assert 'href="?page=2"' in first.content.decode()
    second = client.get("/articles/", {"page": 2})
    assert len(second.context["object_list"]) == 5
    assert client.get("/articles/", {"page": "last"}).context["page_obj"].number == 2


@pytest.mark.parametrize("page", ["3", "0", "-1", "abc", "1.5", "", "9" * 30, "\x00"])
def test_list_bad_page_is_404_not_500(client, page):
    """A page out of range or not a number (a NUL byte too) is a 404."""
    make_article()
    expected = 200 if page == "" else 404
    assert client.get("/articles/", {"page": page}).status_code == expected


def test_detail_shows_the_story(client):
    """The detail page has title, summary, source link, dates, districts and body."""
    wuqing = make_district(name="Wuqing", slug="wuqing")
    source = make_source(name="exploringtianjin.com", slug="exploringtianjin-com")
    article = make_article(
        title="Wuqing works with other areas",
        summary="Projects from Beijing arrive.",
        body="<p>111 new projects were introduced.</p>",
        source=source,
        source_url="http://www.exploringtianjin.com/story",
        districts=[wuqing],
        published_at=timezone.make_aware(timezone.datetime(2020, 11, 20, 9)),
        public_updated_at=timezone.make_aware(timezone.datetime(2020, 11, 24, 9)),
    )
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    content = response.content.decode()
    assert '<h1 class="story__title">Wuqing works with other areas</h1>' in content
    assert "Projects from Beijing arrive." in content
    assert '<a href="http://www.exploringtianjin.com/story" rel="noopener noreferrer">' in content
    assert "exploringtianjin.com</a>" in content
    assert "Updated:" in content and ">2020-11-24</time>" in content
    assert ">2020-11-20</time>" in content
    assert '<a href="/districts/wuqing/">Wuqing</a>' in content
    assert "<p>111 new projects were introduced.</p>" in content


def test_detail_without_source_url_links_the_source_page(client):
    article = make_article(source=make_source(name="Tianjin Daily", slug="tianjin-daily"))
    content = client.get(article.get_absolute_url()).content.decode()
    assert '<a href="/sources/tianjin-daily/">Tianjin Daily</a>' in content


@pytest.mark.parametrize(
    "state",
    # Withdrawn and removed articles answer differently: tests/articles/editorial/test_workflow_public.py.
    [s for s in HIDDEN_STATES if s["status"] not in {"withdrawn", "removed"}],
)
def test_unpublished_detail_is_404(client, state):
    """Drafts, articles in review and scheduled articles are a 404 to the public."""
    article = make_article(**state)
    assert client.get(article.get_absolute_url()).status_code == 404


def test_unknown_article_is_a_styled_404(client):
    response = client.get("/articles/no-such-story/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_chinese_slug_detail(client):
    """A Chinese slug works in the URL."""
    article = make_article(title="北辰区举办秋季招聘会")
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert "北辰区举办秋季招聘会" in response.content.decode()


def test_district_page_lists_its_published_stories(client):
    """A district page lists that district's published stories only."""
    wuqing, heping = make_district(slug="wuqing"), make_district(slug="heping")
    mine = make_article(title="In Wuqing", districts=[wuqing])
    other = make_article(title="In Heping", districts=[heping])
    draft = make_article(title="Draft in Wuqing", status=Article.Status.DRAFT, districts=[wuqing])
    content = client.get("/districts/wuqing/").content.decode()
    assert mine.title in content
    assert other.title not in content and draft.title not in content


def test_source_page_lists_its_published_stories(client):
    daily, other_source = make_source(slug="daily"), make_source(slug="other")
    mine = make_article(title="From the daily", source=daily)
    other = make_article(title="From elsewhere", source=other_source)
    content = client.get("/sources/daily/").content.decode()
    assert mine.title in content and other.title not in content


@pytest.mark.parametrize("url", ["/districts/nowhere/", "/sources/nobody/"])
def test_unknown_district_or_source_is_404(client, url):
    assert client.get(url).status_code == 404


def test_district_page_paginates(client):
    district = make_district()
    for _ in range(21):
        make_article(districts=[district])
    url = district.get_absolute_url()
    assert len(client.get(url, {"page": 2}).context["object_list"]) == 1
    assert client.get(url, {"page": 3}).status_code == 404


def test_district_index_lists_districts(client):
    make_district(name="Binhai New Area", slug="binhai-new-area")
    assert '<a href="/districts/binhai-new-area/">Binhai New Area</a>' in (
        client.get("/districts/").content.decode()
    )


def _build_site(n_articles, n_districts):
    districts = [make_district() for _ in range(n_districts)]
    source = make_source()
    articles = [make_article(source=source, districts=districts) for _ in range(n_articles)]
    return districts, articles


@pytest.mark.parametrize(("n_articles", "n_districts"), [(2, 1), (30, 5)])
def test_query_counts_do_not_grow(
    client, django_assert_num_queries, settings, n_articles, n_districts
):
    """Public pages run a fixed number of queries, whatever the number of rows."""
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 0  # render every time
    districts, articles = _build_site(n_articles, n_districts)
    # Warm caches cost no query: settings, banners, the next scheduled change.
    SiteSettings.load(), AlertBanner.showing(), scheduling.apply_due_changes()
    urls = ["/", "/articles/", articles[0].get_absolute_url(), districts[0].get_absolute_url()]
    for url in urls:
        # Warms the memos (next scheduled go-live, list counts), kept until content changes.
        client.get(url)
    with django_assert_num_queries(3):  # featured + newest + their districts
        client.get("/")
    # stories + their districts; the count, first year, districts and sources are memoised
    with django_assert_num_queries(2):
        client.get("/articles/")
    # story with source + its districts + its change notes (related stories are memoised)
    with django_assert_num_queries(3):
        client.get(articles[0].get_absolute_url())
    with django_assert_num_queries(2):  # stories + their districts (the district is memoised)
        client.get(districts[0].get_absolute_url())


def test_pages_are_valid_html5_and_self_contained(client):
    """Every page is valid HTML5 with a lang, and loads nothing from other hosts."""
    district = make_district()
    article = make_article(districts=[district])
    for url in ["/", "/articles/", article.get_absolute_url(), "/districts/",
                district.get_absolute_url(), article.source.get_absolute_url(), "/nope/"]:  # fmt: skip
        response = client.get(url)
        content = response.content.decode()
        assert_valid_html5(content)
        assert re.search(r'<html lang="en">', content), url
        assert '<meta name="viewport"' in content
        # Canonical and share links name this site absolutely; nothing is loaded from a host.
        loads = re.sub(r'<link rel="canonical"[^>]*>', "", content)
        assert not re.search(r'<(script|link|img)[^>]+(src|href)="(https?:)?//', loads), url


def test_footer_has_copyright_and_filing_numbers(client, settings):
    settings.NEWSROOM_COPYRIGHT = "Copyright © Example City. All rights reserved."
    settings.NEWSROOM_ICP_FILING = "津ICP备12345678号-1"
    content = client.get("/").content.decode()
    assert "Copyright © Example City. All rights reserved." in content
    assert "津ICP备12345678号-1" in content


def test_body_renders_only_sanitised_html(client):
    """Even a body written around save() is rendered from what the sanitiser kept."""
    article = make_article(body='<p>ok</p><script>alert("x")</script><img src=x onerror=alert(1)>')
    content = client.get(article.get_absolute_url()).content.decode()
    assert "<script>alert" not in content and "onerror" not in content
