from datetime import timedelta

import feedparser
import pytest
from django.utils import timezone

from tests.articles.test_search import HIDDEN_STATES
from tests.factories import make_article, make_district, make_source
from tests.querycounts import assert_constant_queries

pytestmark = pytest.mark.django_db

FEEDS = {
    "/feeds/rss/": "application/rss+xml",
    "/feeds/atom/": "application/atom+xml",
}


def fetch_feed(client, url):
    """The parsed feed at ``url``, which must be well-formed and of a feed content type."""
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].split(";")[0] in FEEDS.values()
    feed = feedparser.parse(response.content)
    assert feed.bozo == 0, feed.get("bozo_exception")
    return feed


@pytest.mark.parametrize("url", FEEDS)
def test_latest_feed_carries_each_story(client, url):
    """An entry has title, summary, link, published and updated dates and districts."""
    wuqing = make_district(name="Wuqing", slug="wuqing")
    tongzhou = make_district(name="Tongzhou", slug="tongzhou")
    published = timezone.now() - timedelta(days=3)
    updated = timezone.now() - timedelta(days=1)
    article = make_article(
        title="Wuqing works with neighbouring areas",
        summary="Projects from Beijing arrive.",
        districts=[wuqing, tongzhou],
        published_at=published,
        public_updated_at=updated,
    )
    feed = fetch_feed(client, url)
    assert feed.feed.title == "Tianjin Updates: latest stories"
    (entry,) = feed.entries
    assert entry.title == article.title
    assert entry.summary == article.summary
    assert entry.link == "http://testserver" + article.get_absolute_url()
    assert {tag.term for tag in entry.tags} == {"Wuqing", "Tongzhou"}
    assert timezone.datetime(*entry.published_parsed[:6]) == published.replace(
        tzinfo=None, microsecond=0
    )
    if "atom" in url:
        # Atom has an updated time per entry: the public "Updated:" time.
        assert timezone.datetime(*entry.updated_parsed[:6]) == updated.replace(
            tzinfo=None, microsecond=0
        )


@pytest.mark.parametrize("url", FEEDS)
def test_feed_lists_only_published_stories_newest_first(client, url):
    """Drafts, scheduled, withdrawn and removed stories stay out; the newest comes first."""
    older = make_article(title="Older", published_at=timezone.now() - timedelta(days=2))
    newer = make_article(title="Newer", published_at=timezone.now() - timedelta(days=1))
    for i, state in enumerate(HIDDEN_STATES):
        make_article(title=f"Hidden {i}", **state)
    feed = fetch_feed(client, url)
    assert [entry.title for entry in feed.entries] == [newer.title, older.title]


def test_feed_keeps_the_newest_thirty(client):
    """A feed carries the 30 newest stories, not the whole archive."""
    source = make_source()
    for n in range(32):
        make_article(title=f"Story {n}", source=source)
    assert len(fetch_feed(client, "/feeds/rss/").entries) == 30


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_district_feed_has_only_its_stories(client, kind):
    """A district's feed lists its stories and no others; an unknown district is a 404."""
    wuqing = make_district(name="Wuqing", slug="wuqing")
    mine = make_article(title="Wuqing story", districts=[wuqing])
    make_article(title="Other story", districts=[make_district()])
    make_article(title="Draft Wuqing story", districts=[wuqing], status="draft")
    feed = fetch_feed(client, f"/districts/wuqing/{kind}/")
    assert [entry.title for entry in feed.entries] == [mine.title]
    assert "Wuqing" in feed.feed.title
    assert client.get(f"/districts/nowhere/{kind}/").status_code == 404


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_source_feed_has_only_its_stories(client, kind):
    """A source's feed lists its stories and no others; an unknown source is a 404."""
    daily = make_source(name="Tianjin Daily", slug="tianjin-daily")
    mine = make_article(title="Daily story", source=daily)
    make_article(title="Other story")
    feed = fetch_feed(client, f"/sources/tianjin-daily/{kind}/")
    assert [entry.title for entry in feed.entries] == [mine.title]
    assert client.get(f"/sources/nowhere/{kind}/").status_code == 404


@pytest.mark.parametrize("url", FEEDS)
def test_feed_survives_hostile_text(client, url):
    """Markup, ampersands, Chinese and control characters in a story still give a valid feed."""
    make_article(
        title="<b>Heat</b> & light\x0b in 武清区 \U0001f525",
        summary="Costs < 5 yuan & more\x1f.",
        districts=[make_district(name="A & B <district>")],
    )
    (entry,) = fetch_feed(client, url).entries
    assert entry.title == "<b>Heat</b> & light in 武清区 \U0001f525"
    assert entry.tags[0].term == "A & B <district>"


def test_feeds_send_last_modified(client):
    """Feeds say when they last changed, so readers can ask for changes only."""
    make_article()
    assert "Last-Modified" in client.get("/feeds/rss/")


def test_pages_advertise_their_feeds(client):
    """Every page links the site feeds in its head; district and source pages their own."""
    wuqing = make_district(name="Wuqing", slug="wuqing")
    source = make_source(slug="daily")
    make_article(districts=[wuqing], source=source)
    home = client.get("/").content.decode()
    assert '<link rel="alternate" type="application/rss+xml"' in home
    assert 'href="/feeds/rss/"' in home and 'href="/feeds/atom/"' in home
    district = client.get("/districts/wuqing/").content.decode()
    assert 'href="/districts/wuqing/rss/"' in district
    assert 'href="/districts/wuqing/atom/"' in district
    assert 'href="/feeds/rss/"' in district
    page = client.get("/sources/daily/").content.decode()
    assert 'href="/sources/daily/rss/"' in page and 'href="/sources/daily/atom/"' in page


@pytest.mark.parametrize(
    "url", ["/feeds/rss/", "/feeds/atom/", "/districts/wuqing/rss/", "/sources/daily/atom/"]
)
def test_feeds_run_a_fixed_number_of_queries(client, django_assert_num_queries, url):
    """A feed runs the same queries for 2 stories as for 40."""
    wuqing = make_district(slug="wuqing")
    source = make_source(slug="daily")

    def grow():
        for _ in range(38):
            make_article(districts=[wuqing, make_district()], source=source)

    make_article(districts=[wuqing], source=source)
    make_article(districts=[wuqing], source=source)
    assert_constant_queries(
        django_assert_num_queries, lambda: fetch_feed(client, url), grow, most=3
    )
