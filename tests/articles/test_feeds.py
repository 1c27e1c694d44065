from datetime import timedelta

import feedparser
import pytest
from django.utils import timezone

from tests.articles.test_search import HIDDEN_STATES
from tests.factories import make_article, make_district, make_source
from tests.htmlcheck import parse, text
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


@pytest.mark.parametrize(
    ("url", "label", "rss", "atom"),
    [
        ("/articles/", "Follow the latest stories in a feed reader:", "/feeds/rss/", "/feeds/atom/"),
        ("/articles/{year}/", "Follow the latest stories in a feed reader:", "/feeds/rss/",
         "/feeds/atom/"),
        ("/districts/wuqing/", "Follow the stories about Wuqing in a feed reader:",
         "/districts/wuqing/rss/", "/districts/wuqing/atom/"),
        ("/sources/daily/", "Follow the stories from Tianjin Daily in a feed reader:",
         "/sources/daily/rss/", "/sources/daily/atom/"),
    ],
)  # fmt: skip
def test_lists_show_readers_their_feeds(client, settings, url, label, rss, atom):
    """List, archive, district and source pages show visible links to their feeds, in both
    languages."""
    article = make_article(
        districts=[make_district(name="Wuqing", slug="wuqing")],
        source=make_source(name="Tianjin Daily", slug="daily"),
    )
    url = url.format(year=timezone.localtime(article.published_at).year)
    document = parse(client.get(url).content)
    [follow] = [p for p in document.iter("p") if p.get("class") == "follow"]
    assert text(follow) == f"{label} RSS Atom"
    links = {a.get("type"): a.get("href") for a in follow.iter("a")}
    assert links == {"application/rss+xml": rss, "application/atom+xml": atom}
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    document = parse(client.get(url).content)
    [follow] = [p for p in document.iter("p") if p.get("class") == "follow"]
    assert "阅读器" in text(follow), text(follow)


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
    "url",
    ["/feeds/rss/", "/feeds/atom/", "/districts/wuqing/rss/", "/districts/wuqing/atom/",
     "/sources/daily/rss/", "/sources/daily/atom/"],
)  # fmt: skip
@pytest.mark.parametrize("reader", ["en", "zh-hans"])
def test_each_entry_declares_its_own_language(client, settings, url, reader):
    """
    A feed is in the reader's language; each story in it says its own: a Chinese story in an
    English feed is Chinese (Atom: xml:lang on the entry; RSS: dc:language on the item).
    """
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = reader
    wuqing = make_district(name="Wuqing", slug="wuqing")
    daily = make_source(slug="daily")
    chinese = make_article(
        title="武清区推进京津冀协同发展", language="zh-hans", districts=[wuqing], source=daily
    )
    english = make_article(
        title="Wuqing opens a greenway", language="en", districts=[wuqing], source=daily
    )
    feed = fetch_feed(client, url)
    assert feed.feed.language.lower() == reader
    languages = {}
    for entry in feed.entries:
        # feedparser reads xml:lang into each text's language, dc:language into the entry's.
        language = entry.title_detail.language if "atom" in url else entry.language
        languages[entry.title] = language
    assert languages == {chinese.title: "zh-Hans", english.title: "en"}


def test_rss_declares_the_dublin_core_module(client):
    """dc:language is namespaced, as RSS 2.0 requires of elements it does not define."""
    make_article(language="zh-hans")
    content = client.get("/feeds/rss/").content.decode()
    assert 'xmlns:dc="http://purl.org/dc/elements/1.1/"' in content
    assert "<dc:language>zh-Hans</dc:language>" in content


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
