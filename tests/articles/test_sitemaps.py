from datetime import UTC, datetime, timedelta
from xml.etree import ElementTree

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.http import http_date

from articles.models import Article
from articles.pagination import NewsroomPaginator
from articles.sitemaps import ArticleSitemap, news_language
from tests.articles.test_search import HIDDEN_STATES
from tests.factories import make_article, make_district, make_source
from tests.querycounts import assert_constant_queries

pytestmark = pytest.mark.django_db

NS = {
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "news": "http://www.google.com/schemas/sitemap-news/0.9",
}


def fetch_xml(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    return ElementTree.fromstring(response.content)


def locations(root):
    return [loc.text for loc in root.iterfind(".//sm:loc", NS)]


def dated_sections(root):
    """The index's sections that carry a lastmod, by name: {"articles": "2024-…", …}."""
    return {
        entry.find("sm:loc", NS).text.rsplit("sitemap-", 1)[1].removesuffix(".xml"): (
            entry.find("sm:lastmod", NS).text
        )
        for entry in root.iterfind("sm:sitemap", NS)
        if entry.find("sm:lastmod", NS) is not None
    }


def late_evening_utc(days_ago):
    """23:30 UTC ``days_ago`` days back: already the next day in Asia/Shanghai."""
    day = (timezone.now() - timedelta(days=days_ago)).date()
    return datetime(day.year, day.month, day.day, 23, 30, tzinfo=UTC)


def test_sitemap_index_lists_the_sections(client):
    """/sitemap.xml is an index of the pages, articles, archives, districts and sources sitemaps."""
    make_article()
    root = fetch_xml(client, "/sitemap.xml")
    assert root.tag == f"{{{NS['sm']}}}sitemapindex"
    assert locations(root) == [
        "http://testserver/sitemap-pages.xml",
        "http://testserver/sitemap-articles.xml",
        "http://testserver/sitemap-archives.xml",
        "http://testserver/sitemap-districts.xml",
        "http://testserver/sitemap-sources.xml",
    ]


def test_article_sitemap_lists_published_stories_with_lastmod(client):
    """Only published stories are listed, each with lastmod from its public update time."""
    updated = timezone.now() - timedelta(days=5)
    article = make_article(
        published_at=timezone.now() - timedelta(days=9), public_updated_at=updated
    )
    hidden = [make_article(**state) for state in HIDDEN_STATES]
    root = fetch_xml(client, "/sitemap-articles.xml")
    (url,) = root.findall("sm:url", NS)
    assert url.find("sm:loc", NS).text == "http://testserver" + article.get_absolute_url()
    assert url.find("sm:lastmod", NS).text == timezone.localtime(updated).date().isoformat()
    content = ElementTree.tostring(root, encoding="unicode")
    for other in hidden:
        assert other.slug not in content


def test_index_lastmod_is_the_newest_update(client):
    """The index's articles and archives entries carry the newest public update time."""
    newest = timezone.now() - timedelta(hours=3)
    week_ago = timezone.now() - timedelta(days=7)
    make_article(published_at=week_ago, public_updated_at=timezone.now() - timedelta(days=4))
    make_article(published_at=week_ago, public_updated_at=newest)
    root = fetch_xml(client, "/sitemap.xml")
    newest_text = timezone.localtime(newest).isoformat()
    assert dated_sections(root) == {"articles": newest_text, "archives": newest_text}


def test_large_article_sitemaps_are_split_into_pages(client, monkeypatch):
    """Past the per-file limit the index lists further pages (?p=2)."""
    monkeypatch.setattr(ArticleSitemap, "limit", 2)
    source = make_source()
    for _ in range(3):
        make_article(source=source)
    root = fetch_xml(client, "/sitemap.xml")
    assert "http://testserver/sitemap-articles.xml?p=2" in locations(root)
    assert len(locations(fetch_xml(client, "/sitemap-articles.xml?p=2"))) == 1
    assert client.get("/sitemap-articles.xml?p=3").status_code == 404


def test_district_source_and_page_sitemaps(client):
    """Districts, sources and the fixed pages (home, list, both indexes) each have a sitemap."""
    district = make_district(slug="wuqing")
    source = make_source(slug="daily")
    assert locations(fetch_xml(client, "/sitemap-districts.xml")) == [
        "http://testserver" + district.get_absolute_url()
    ]
    assert locations(fetch_xml(client, "/sitemap-sources.xml")) == [
        "http://testserver" + source.get_absolute_url()
    ]
    assert locations(fetch_xml(client, "/sitemap-pages.xml")) == [
        "http://testserver/",
        "http://testserver/articles/",
        "http://testserver/districts/",
        "http://testserver/sources/",
    ]
    assert client.get("/sitemap-nothing.xml").status_code == 404


def test_archive_sitemap_lists_each_year_and_month_with_stories(client):
    """
    Every archive page with stories is listed, a year before its months, newest first, each
    dated by its stories' newest public update; months are those of Asia/Shanghai, and every
    address listed answers with the archive.
    """
    # 23:30 UTC on 31 October 2024 is 1 November in Asia/Shanghai.
    make_article(published_at=datetime(2024, 10, 31, 23, 30, tzinfo=UTC))
    make_article(
        published_at=datetime(2024, 3, 5, 2, 0, tzinfo=UTC),
        public_updated_at=datetime(2024, 12, 20, 2, 0, tzinfo=UTC),
    )
    make_article(published_at=datetime(2023, 7, 9, 2, 0, tzinfo=UTC))
    for state in HIDDEN_STATES:
        make_article(**state)
    root = fetch_xml(client, "/sitemap-archives.xml")
    entries = [
        (url.find("sm:loc", NS).text.removeprefix("http://testserver"),
         url.find("sm:lastmod", NS).text)
        for url in root.findall("sm:url", NS)
    ]  # fmt: skip
    assert entries == [
        ("/articles/2024/", "2024-12-20"),
        ("/articles/2024/11/", "2024-11-01"),
        ("/articles/2024/03/", "2024-12-20"),
        ("/articles/2023/", "2023-07-09"),
        ("/articles/2023/07/", "2023-07-09"),
    ]
    for location, _ in entries:
        assert client.get(location).status_code == 200, location


def test_news_sitemap_has_the_last_two_days(client):
    """The Google News sitemap lists stories of the last two days with the news: fields."""
    fresh = make_article(
        title="Fresh <story> & 武清\x0b", published_at=timezone.now() - timedelta(hours=5)
    )
    make_article(title="Old story", published_at=timezone.now() - timedelta(days=3))
    for state in HIDDEN_STATES:
        make_article(**state)
    root = fetch_xml(client, "/sitemap-news.xml")
    (url,) = root.findall("sm:url", NS)
    assert url.find("sm:loc", NS).text == "http://testserver" + fresh.get_absolute_url()
    news = url.find("news:news", NS)
    assert news.find("news:publication/news:name", NS).text == "Tianjin Updates"
    assert news.find("news:publication/news:language", NS).text == "en"
    assert news.find("news:title", NS).text == "Fresh <story> & 武清"
    published = news.find("news:publication_date", NS).text
    assert timezone.datetime.fromisoformat(published) == fresh.published_at


def test_news_sitemap_gives_each_story_its_language(client):
    """
    Each story declares its own language, whatever the site's: a Chinese story zh-cn (the
    code Google News expects for Simplified Chinese), an English one en.
    """
    chinese = make_article(title="武清区推进京津冀协同发展", language="zh-hans")
    english = make_article(title="Hexi opens a riverside greenway", language="en")
    root = fetch_xml(client, "/sitemap-news.xml")
    languages = {
        url.find("sm:loc", NS).text: url.find(".//news:language", NS).text
        for url in root.findall("sm:url", NS)
    }
    assert languages == {
        "http://testserver" + chinese.get_absolute_url(): "zh-cn",
        "http://testserver" + english.get_absolute_url(): "en",
    }


@pytest.mark.parametrize(
    ("code", "expected"),
    [("en", "en"), ("zh-hans", "zh-cn"), ("zh-Hans", "zh-cn"), ("zh-hant", "zh-tw"),
     ("en-gb", "en"), ("fr", "fr")],
)  # fmt: skip
def test_news_language_codes(code, expected):
    """Google News takes ISO 639 codes, with zh-cn and zh-tw for the two Chinese scripts."""
    assert news_language(code) == expected


def test_robots_txt_points_at_the_sitemaps(client):
    """
    robots.txt is plain text, keeps crawlers out of search, names both sitemaps, and does not
    name the admin (it would tell everyone where it lives; its pages say noindex themselves).
    """
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert lines[0] == "User-agent: *"
    assert "Disallow: /search/" in lines
    assert not any("admin" in line for line in lines)
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    assert "Sitemap: http://testserver/sitemap-news.xml" in lines
    assert client.post("/robots.txt").status_code == 405


@pytest.mark.parametrize(
    "url",
    [
        "/sitemap.xml",
        "/sitemap-articles.xml",
        "/sitemap-archives.xml",
        "/sitemap-news.xml",
        "/robots.txt",
    ],
)
def test_sitemaps_run_a_fixed_number_of_queries(client, django_assert_num_queries, url):
    """Each sitemap runs the same queries for 2 stories as for 40."""
    source = make_source()

    def grow():
        # Over many months, so the archives grow too.
        for n in range(38):
            make_article(
                source=source,
                districts=[make_district()],
                published_at=timezone.now() - timedelta(days=20 * n + 1),
            )

    make_article(source=source)
    make_article(source=source)
    assert_constant_queries(django_assert_num_queries, lambda: client.get(url), grow, most=4)


@pytest.mark.parametrize("slug", ["harbour-reopens", "武清区-新闻", "road_works-2"])
def test_sitemap_locations_are_the_story_urls(client, slug):
    """Each story's loc is its get_absolute_url(), Chinese slugs percent-encoded alike."""
    article = make_article(slug=slug)
    expected = "http://testserver" + article.get_absolute_url()
    assert locations(fetch_xml(client, "/sitemap-articles.xml")) == [expected]
    assert locations(fetch_xml(client, "/sitemap-news.xml")) == [expected]


def test_sitemap_dates_are_in_the_site_time_zone(client):
    """A story updated at 23:30 UTC has the next day's date (Asia/Shanghai) in both sitemaps."""
    published = late_evening_utc(days_ago=1)
    make_article(published_at=published - timedelta(hours=2), public_updated_at=published)
    shanghai_day = (published + timedelta(hours=8)).date()

    article_url = fetch_xml(client, "/sitemap-articles.xml").find("sm:url", NS)
    assert article_url.find("sm:lastmod", NS).text == shanghai_day.isoformat()

    news_url = fetch_xml(client, "/sitemap-news.xml").find("sm:url", NS)
    assert news_url.find("sm:lastmod", NS).text == f"{shanghai_day.isoformat()}T07:30:00+08:00"
    published_text = news_url.find("news:news/news:publication_date", NS).text
    assert published_text == f"{shanghai_day.isoformat()}T05:30:00+08:00"


def test_a_story_without_update_time_uses_its_publication_time(client):
    """A story whose public update time is empty (a bulk import) dates from its publication."""
    published = late_evening_utc(days_ago=1)
    article = make_article(published_at=published)
    Article.objects.filter(pk=article.pk).update(public_updated_at=None)
    shanghai_day = (published + timedelta(hours=8)).date().isoformat()
    article_url = fetch_xml(client, "/sitemap-articles.xml").find("sm:url", NS)
    assert article_url.find("sm:lastmod", NS).text == shanghai_day
    news_url = fetch_xml(client, "/sitemap-news.xml").find("sm:url", NS)
    assert news_url.find("sm:lastmod", NS).text == f"{shanghai_day}T07:30:00+08:00"
    index = fetch_xml(client, "/sitemap.xml")
    published_text = timezone.localtime(published).isoformat()
    assert dated_sections(index) == {"articles": published_text, "archives": published_text}


def test_news_titles_drop_characters_xml_cannot_carry(client):
    """Control characters are dropped from news titles; markup characters are escaped."""
    make_article(title='Bus\x08 routes\x1f change & "more" <today>')
    response = client.get("/sitemap-news.xml")
    assert b"\x08" not in response.content and b"\x1f" not in response.content
    root = ElementTree.fromstring(response.content)
    assert root.find(".//news:title", NS).text == 'Bus routes change & "more" <today>'


def test_sitemap_entries_are_escaped_and_dated_in_the_site_time_zone():
    """Markup characters in a location are escaped; a lastmod is a day of Asia/Shanghai."""
    late = datetime(2024, 5, 1, 23, 30, tzinfo=UTC)
    urlset = [
        {"location": "http://testserver/?a=1&b=<2>", "lastmod": None},
        {"location": "http://testserver/x/", "lastmod": late},
        {"location": "http://testserver/y/", "lastmod": late.date()},
    ]
    xml = render_to_string("includes/sitemap_urls.xml", {"urlset": urlset})
    assert xml == (
        "\n<url><loc>http://testserver/?a=1&amp;b=&lt;2&gt;</loc></url>\n"
        "<url><loc>http://testserver/x/</loc><lastmod>2024-05-02</lastmod></url>\n"
        "<url><loc>http://testserver/y/</loc><lastmod>2024-05-01</lastmod></url>\n"
    )


def test_withdrawn_and_scheduled_stories_stay_out(client):
    """Scheduled, withdrawn and unpublished stories are in no sitemap and date no index."""
    shown = make_article(
        published_at=timezone.now() - timedelta(hours=3),
        public_updated_at=timezone.now() - timedelta(hours=2),
    )
    hidden = [make_article(**state) for state in HIDDEN_STATES]
    expected = ["http://testserver" + shown.get_absolute_url()]
    assert locations(fetch_xml(client, "/sitemap-articles.xml")) == expected
    assert locations(fetch_xml(client, "/sitemap-news.xml")) == expected
    for other in hidden:
        assert other.slug not in client.get("/sitemap-articles.xml").content.decode()
    # The scheduled story has the newest time of all; the index must not announce it, and no
    # archive of a month has only hidden stories.
    index = fetch_xml(client, "/sitemap.xml")
    shown_text = timezone.localtime(shown.public_updated_at).isoformat()
    assert dated_sections(index) == {"articles": shown_text, "archives": shown_text}
    shown_month = timezone.localtime(shown.published_at)
    assert locations(fetch_xml(client, "/sitemap-archives.xml")) == [
        f"http://testserver/articles/{shown_month:%Y}/",
        f"http://testserver/articles/{shown_month:%Y/%m}/",
    ]


def test_sitemaps_send_last_modified_from_the_newest_story(client):
    """Last-Modified is the newest lastmod of the stories listed."""
    newest = timezone.now() - timedelta(hours=1)
    make_article(published_at=newest - timedelta(hours=5), public_updated_at=newest)
    make_article(published_at=timezone.now() - timedelta(hours=8))
    for url in ["/sitemap-articles.xml", "/sitemap-news.xml"]:
        assert client.get(url)["Last-Modified"] == http_date(newest.timestamp())


def test_deep_article_sitemap_pages_list_every_story_once(client, monkeypatch):
    """Pages reached by seeking from an anchor list the same stories, in order, as offsets."""
    monkeypatch.setattr(ArticleSitemap, "limit", 2)
    monkeypatch.setattr(NewsroomPaginator, "anchor_rows", 2)
    source = make_source()
    start = timezone.now() - timedelta(days=30)
    articles = [
        make_article(source=source, published_at=start + timedelta(days=i)) for i in range(7)
    ]
    expected = ["http://testserver" + a.get_absolute_url() for a in reversed(articles)]
    pages = [locations(fetch_xml(client, f"/sitemap-articles.xml?p={p}")) for p in (1, 2, 3, 4)]
    assert [loc for page in pages for loc in page] == expected
    assert client.get("/sitemap-articles.xml?p=5").status_code == 404


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the query plan of PostgreSQL's partial index"
)
def test_index_lastmod_is_read_from_the_partial_index(client):
    """
    The index's newest update is a query the partial index serves. The test table is tiny, so
    sequential scans and sorts are switched off, which leaves an index giving the order as the
    only plan (at 100,000 stories the planner picks it by itself: make bench checks the plans).
    """
    make_article()
    with CaptureQueriesContext(connection) as queries:
        client.get("/sitemap.xml")
    # The archives' grouping by month reads every story, once per content change (memoised).
    (sql,) = [
        q["sql"]
        for q in queries.captured_queries
        if "COALESCE" in q["sql"] and "GROUP BY" not in q["sql"]
    ]
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("EXPLAIN " + sql)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "article_published_lastmod_idx" in plan, plan
