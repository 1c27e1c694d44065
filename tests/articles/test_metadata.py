"""What search engines and sharing see: titles, descriptions, canonical URLs, cards, JSON-LD."""

import json
from datetime import datetime

import pytest
from django.utils import timezone

from articles.models import SiteSettings
from tests.factories import make_article, make_district, make_source
from tests.htmlcheck import link_href, meta, parse, text

pytestmark = pytest.mark.django_db


@pytest.fixture
def story():
    return make_article(
        title="Wuqing works with neighbouring areas",
        summary="Projects from Beijing are arriving in Wuqing.",
        source=make_source(name="exploringtianjin.com", url="http://www.exploringtianjin.com/"),
        source_url="http://www.exploringtianjin.com/story",
        districts=[
            make_district(name="Wuqing", slug="wuqing"),
            make_district(name="Langfang (Hebei)", slug="langfang-hebei"),
        ],
        published_at=timezone.make_aware(datetime(2020, 11, 20, 9)),
        public_updated_at=timezone.make_aware(datetime(2020, 11, 24, 9)),
    )


def json_ld(document):
    scripts = [s for s in document.iter("script") if s.get("type") == "application/ld+json"]
    assert len(scripts) == 1
    return json.loads(scripts[0].text)


def page_urls(story):
    district = story.districts.first()
    return [
        "/",
        "/articles/",
        "/articles/2020/",
        "/articles/2020/11/",
        story.get_absolute_url(),
        "/districts/",
        district.get_absolute_url(),
        "/sources/",
        story.source.get_absolute_url(),
    ]


def test_every_page_has_title_description_canonical_and_cards(client, story):
    """Each public page has its own title, a description, a canonical URL and share tags."""
    seen_titles = set()
    for url in page_urls(story):
        document = parse(client.get(url).content)
        title = text(document.find(".//title"))
        assert title.endswith("Tianjin Updates"), url
        seen_titles.add(title)
        assert meta(document, "description"), url
        canonical = link_href(document, "canonical")
        assert canonical.startswith("http://testserver/"), url
        assert meta(document, "og:url") == canonical, url
        for key in ["og:title", "og:description", "og:type", "og:image", "og:site_name"]:
            assert meta(document, key), (url, key)
        assert meta(document, "twitter:card") == "summary_large_image", url
        assert meta(document, "og:image").startswith("http://testserver/static/img/share"), url
    assert len(seen_titles) == len(page_urls(story))


def test_story_page_metadata(client, story):
    """A story's title, summary and dates describe it to search engines and when shared."""
    document = parse(client.get(story.get_absolute_url()).content)
    assert (
        text(document.find(".//title")) == "Wuqing works with neighbouring areas · Tianjin Updates"
    )
    assert meta(document, "description") == "Projects from Beijing are arriving in Wuqing."
    assert meta(document, "og:type") == "article"
    assert meta(document, "og:title") == "Wuqing works with neighbouring areas"
    assert meta(document, "twitter:description") == "Projects from Beijing are arriving in Wuqing."
    assert meta(document, "article:published_time") == "2020-11-20T09:00:00+08:00"
    assert meta(document, "article:modified_time") == "2020-11-24T09:00:00+08:00"
    assert link_href(document, "canonical") == f"http://testserver{story.get_absolute_url()}"


def test_canonical_url_of_a_filtered_list_keeps_only_known_filters(client, story):
    """Filters and the page number are part of the list's canonical URL; noise is not."""
    for _ in range(21):
        make_article(districts=[story.districts.first()], published_at=story.published_at)
    document = parse(
        client.get(
            "/articles/",
            {"utm_source": "x", "page": "2", "source": "", "district": "langfang-hebei"},
        ).content
    )
    assert (
        link_href(document, "canonical")
        == "http://testserver/articles/?district=langfang-hebei&page=2"
    )


def test_story_structured_data_is_a_news_article(client, story):
    """JSON-LD NewsArticle: headline, dates, image, publisher and districts as places."""
    SiteSettings(organisation_name="Tianjin Municipal People's Government").save()
    data = json_ld(parse(client.get(story.get_absolute_url()).content))
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == "Wuqing works with neighbouring areas"
    assert data["description"] == "Projects from Beijing are arriving in Wuqing."
    assert data["datePublished"] == "2020-11-20T09:00:00+08:00"
    assert data["dateModified"] == "2020-11-24T09:00:00+08:00"
    assert data["inLanguage"] == "en"
    assert data["mainEntityOfPage"]["@id"] == f"http://testserver{story.get_absolute_url()}"
    [image] = data["image"]  # the site's share image until articles get lead images
    assert image.startswith("http://testserver/static/img/share.") and image.endswith(".png")
    assert data["publisher"]["@type"] == "GovernmentOrganization"
    assert data["publisher"]["name"] == "Tianjin Municipal People's Government"
    assert data["publisher"]["logo"]["url"].startswith("http://testserver/static/img/logo")
    assert data["author"] == {
        "@type": "Organization",
        "name": "exploringtianjin.com",
        "url": "http://www.exploringtianjin.com/",
    }
    assert data["isBasedOn"] == "http://www.exploringtianjin.com/story"
    assert data["spatialCoverage"] == [
        {"@type": "Place", "name": "Langfang (Hebei)", "url": "http://testserver/districts/langfang-hebei/"},
        {"@type": "Place", "name": "Wuqing", "url": "http://testserver/districts/wuqing/"},
    ]  # fmt: skip


def test_publisher_falls_back_to_the_site_name(client, story):
    """Without an organisation name, the site's name is the publisher."""
    data = json_ld(parse(client.get(story.get_absolute_url()).content))
    assert data["publisher"]["name"] == "Tianjin Updates"


def test_structured_data_cannot_be_broken_out_of(client):
    """A title with </script> and HTML stays data: escaped in the page, intact as JSON."""
    hostile = '</script><script>alert("x")</script><!-- & "quotes"'
    article = make_article(title=hostile, summary=hostile)
    content = client.get(article.get_absolute_url()).content.decode()
    assert "<script>alert" not in content
    assert content.count("</script>") == content.count("<script")
    data = json_ld(parse(content))
    assert data["headline"] == hostile and data["description"] == hostile


def test_only_story_pages_carry_structured_data(client, story):
    """JSON-LD NewsArticle appears on story pages only."""
    content = client.get("/").content.decode()
    assert "application/ld+json" not in content
