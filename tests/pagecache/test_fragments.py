"""
Memos and memoised fragments with the whole-page cache off (every page rendered).

The masthead, footer, notices and list filters (``{% memoised %}``), the related stories of a
story and the lists' options are kept between requests, in the shared cache and in each
process, under the content generation: they must be exactly as fresh as a rendered page.
"""

import time
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from articles import editorial
from articles.models import AlertBanner, Article, SiteSettings
from pagecache import generation, memo
from tests.factories import make_article, make_district, make_source, make_superuser

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def every_page_rendered(settings):
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 0


@pytest.fixture
def clock(monkeypatch):
    """Moves time.time() and timezone.now() forward together (the memos' clocks)."""

    class Clock:
        offset = 0.0

        def advance(self, seconds):
            self.offset += seconds

    clock = Clock()
    real_time, real_now = time.time, timezone.now
    monkeypatch.setattr(time, "time", lambda: real_time() + clock.offset)
    monkeypatch.setattr(timezone, "now", lambda: real_now() + timedelta(seconds=clock.offset))
    return clock


def page(client, url, **headers):
    response = client.get(url, **headers)
    assert response.status_code == 200, url
    return response.content.decode()


def test_site_settings_show_at_once_in_the_memoised_masthead_and_footer(client):
    make_article()
    for url in ["/", "/articles/", "/districts/"]:
        assert "Binhai Bulletin Board" not in page(client, url)
    settings = SiteSettings.load()
    settings.site_name = "Binhai Bulletin Board"
    settings.copyright = "Copyright 2026 Binhai Bulletin"
    settings.save()
    for url in ["/", "/articles/", "/districts/"]:
        content = page(client, url)
        assert '<span class="brand__name">Binhai Bulletin Board</span>' in content, url
        assert "Copyright 2026 Binhai Bulletin" in content, url


def test_a_new_banner_shows_at_once_and_a_timed_one_starts_and_ends_on_time(client, clock):
    make_article()
    assert "alert--" not in page(client, "/articles/")
    AlertBanner.objects.create(message="Boil water before drinking.", severity="warning")
    assert "Boil water before drinking." in page(client, "/articles/")
    now = timezone.now()
    AlertBanner.objects.create(
        message="Roads closed for the marathon.",
        starts_at=now + timedelta(seconds=60),
        ends_at=now + timedelta(seconds=120),
    )
    assert "Roads closed" not in page(client, "/articles/")
    clock.advance(61)
    assert "Roads closed" in page(client, "/articles/")
    clock.advance(60)
    assert "Roads closed" not in page(client, "/articles/")


def test_fragments_are_kept_per_language(client):
    make_article()
    english = page(client, "/articles/", HTTP_ACCEPT_LANGUAGE="en")
    chinese = page(client, "/articles/", HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9")
    assert ">Home</a>" in english and ">首页</a>" not in english
    assert ">首页</a>" in chinese and ">Home</a>" not in chinese


def test_the_masthead_marks_the_current_page_and_keeps_the_search_words(client):
    article = make_article(title="Water works")
    assert 'href="/articles/" aria-current="page"' in page(client, "/articles/")
    assert 'aria-current="page"' not in page(client, article.get_absolute_url())
    assert 'href="/" aria-current="page"' in page(client, "/")
    assert 'name="q" maxlength="200" value="water"' in page(client, "/search/?q=water")
    assert 'name="q" maxlength="200" value="roads"' in page(client, "/search/?q=roads")


def test_list_filters_show_each_request_s_choices(client):
    one, two = make_district(name="Heping", slug="heping"), make_district(name="Hexi", slug="hexi")
    make_article(districts=[one]), make_article(districts=[two])
    assert '<option value="heping" selected>' in page(client, "/articles/?district=heping")
    content = page(client, "/articles/?district=hexi")
    assert '<option value="hexi" selected>' in content
    assert '<option value="heping" selected>' not in content
    assert '<option value="" selected>All districts' in page(client, "/articles/")
    # A year's archive has no year and month fields; its form posts to its own address.
    archive = page(client, f"/articles/{timezone.localdate().year}/")
    assert 'name="year"' not in archive and 'name="district"' in archive
    # A month without a year is refused with a message, not served from another's memo.
    assert "Choose a year as well as a month." in page(client, "/articles/?month=3")
    assert "Choose a year as well as a month." not in page(client, "/articles/?month=")


def test_renaming_a_district_or_source_refreshes_the_memoised_filters(client):
    district, source = make_district(name="Old District"), make_source(name="Old Daily")
    make_article(districts=[district], source=source)
    assert "Old District" in page(client, "/articles/") and "Old Daily" in page(
        client, "/articles/"
    )
    district.name, source.name = "New District", "New Daily"
    district.save(), source.save()
    generation.content_changed()  # what the admin does after saving either
    content = page(client, "/articles/")
    assert "New District" in content and "Old District" not in content
    assert "New Daily" in content and "Old Daily" not in content


def test_related_stories_follow_publication_and_withdrawal(client):
    district = make_district()
    story = make_article(title="Main story", districts=[district])
    assert "Neighbour story" not in page(client, story.get_absolute_url())
    neighbour = make_article(
        title="Neighbour story", districts=[district], status=Article.Status.IN_REVIEW
    )
    editor = make_superuser()
    editorial.approve(neighbour, by=editor)
    assert "Neighbour story" in page(client, story.get_absolute_url())
    editorial.withdraw(neighbour, by=editor, explanation="Published in error.")
    assert "Neighbour story" not in page(client, story.get_absolute_url())


def test_a_scheduled_story_joins_the_related_stories_at_its_time(client, clock):
    district = make_district()
    story = make_article(title="Main story", districts=[district])
    make_article(
        title="Later story",
        districts=[district],
        published_at=timezone.now() + timedelta(seconds=90),
    )
    assert "Later story" not in page(client, story.get_absolute_url())
    clock.advance(91)
    assert "Later story" in page(client, story.get_absolute_url())


def test_a_process_drops_its_local_memos_when_another_server_changes_content():
    computed = []

    def compute():
        computed.append(1)
        return len(computed)

    assert memo.memoise("test", "key", compute) == 1
    assert memo.memoise("test", "key", compute) == 1  # kept
    # Another app server bumps the shared generation: this process must not serve its copy.
    generation._bump_generation()
    assert memo.memoise("test", "key", compute) == 2


def test_without_a_shared_generation_nothing_is_kept_locally(monkeypatch):
    monkeypatch.setattr(memo, "current_generation", lambda: None)
    monkeypatch.setattr(cache, "get", lambda *args, **kwargs: None)  # an unreachable cache
    computed = []
    memo.memoise("test", "unreachable", lambda: computed.append(1))
    memo.memoise("test", "unreachable", lambda: computed.append(1))
    assert len(computed) == 2
