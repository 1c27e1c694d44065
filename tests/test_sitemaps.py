from datetime import timedelta
from xml.etree import ElementTree

import pytest
from django.utils import timezone

from articles.sitemaps import ArticleSitemap
from tests.factories import make_article, make_district, make_source
from tests.querycounts import assert_constant_queries
from tests.test_search import HIDDEN_STATES

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


def test_sitemap_index_lists_the_sections(client):
    """/sitemap.xml is an index of the pages, articles, districts and sources sitemaps."""
    make_article()
    root = fetch_xml(client, "/sitemap.xml")
    assert root.tag == f"{{{NS['sm']}}}sitemapindex"
    assert locations(root) == [
        "http://testserver/sitemap-pages.xml",
        "http://testserver/sitemap-articles.xml",
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
    """The index's articles entry carries the newest public update time."""
    newest = timezone.now() - timedelta(hours=3)
    week_ago = timezone.now() - timedelta(days=7)
    make_article(published_at=week_ago, public_updated_at=timezone.now() - timedelta(days=4))
    make_article(published_at=week_ago, public_updated_at=newest)
    root = fetch_xml(client, "/sitemap.xml")
    lastmods = [el.text for el in root.iterfind(".//sm:lastmod", NS)]
    assert lastmods == [timezone.localtime(newest).isoformat()]


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
    """Districts, sources and the fixed pages each have a sitemap."""
    district = make_district(slug="wuqing")
    source = make_source(slug="daily")
    assert locations(fetch_xml(client, "/sitemap-districts.xml")) == [
        "http://testserver" + district.get_absolute_url()
    ]
    assert locations(fetch_xml(client, "/sitemap-sources.xml")) == [
        "http://testserver" + source.get_absolute_url()
    ]
    assert "http://testserver/articles/" in locations(fetch_xml(client, "/sitemap-pages.xml"))
    assert client.get("/sitemap-nothing.xml").status_code == 404


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


def test_news_sitemap_language_follows_the_site(client, settings):
    """A site in Simplified Chinese declares zh-cn, the code Google News expects."""
    settings.LANGUAGE_CODE = "zh-hans"
    make_article()
    root = fetch_xml(client, "/sitemap-news.xml")
    assert root.find(".//news:language", NS).text == "zh-cn"


def test_robots_txt_points_at_the_sitemaps(client):
    """robots.txt is plain text, keeps crawlers out of admin and search, names both sitemaps."""
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert lines[0] == "User-agent: *"
    assert "Disallow: /admin/" in lines and "Disallow: /search/" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    assert "Sitemap: http://testserver/sitemap-news.xml" in lines
    assert client.post("/robots.txt").status_code == 405


@pytest.mark.parametrize(
    "url", ["/sitemap.xml", "/sitemap-articles.xml", "/sitemap-news.xml", "/robots.txt"]
)
def test_sitemaps_run_a_fixed_number_of_queries(client, django_assert_num_queries, url):
    """Each sitemap runs the same queries for 2 stories as for 40."""
    source = make_source()

    def grow():
        for _ in range(38):
            make_article(source=source, districts=[make_district()])

    make_article(source=source)
    make_article(source=source)
    assert_constant_queries(django_assert_num_queries, lambda: client.get(url), grow, most=4)
