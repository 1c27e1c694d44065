"""What search engines and sharing see: titles, descriptions, canonical URLs, cards, JSON-LD."""

import json
from datetime import datetime

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone

from articles.models import SiteSettings
from tests.factories import give_lead_image, make_article, make_district, make_source
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
    [image] = data["image"]  # a story without a lead image: the site's share image
    assert image["@type"] == "ImageObject"
    assert image["url"].startswith("http://testserver/static/img/share.")
    assert image["url"].endswith(".png")
    assert (image["width"], image["height"]) == (1200, 630)
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


def with_lead_image(size=(2400, 1500), **fields):
    return give_lead_image(make_article(**fields), size=size)


def test_a_story_with_a_lead_image_shares_it(client):
    """
    Shared, a story shows its lead image, not the site's picture: its largest rendition
    (absolute, in JPEG) with its size and the editor's alt text, as Open Graph and Twitter
    tags and as the JSON-LD image.
    """
    story = with_lead_image(lead_image_alt="Ferries moored at Binhai in fog")
    document = parse(client.get(story.get_absolute_url()).content)
    image = meta(document, "og:image")
    stem = story.lead_image.name.rsplit(".", 1)[0]
    assert image == f"http://testserver/media/renditions/{stem}-w1600.jpg"
    assert default_storage.exists(f"renditions/{stem}-w1600.jpg")
    assert meta(document, "og:image:width") == "1600"
    assert meta(document, "og:image:height") == "1000"
    assert meta(document, "og:image:alt") == "Ferries moored at Binhai in fog"
    assert meta(document, "twitter:card") == "summary_large_image"
    assert meta(document, "twitter:image") == image
    assert meta(document, "twitter:image:alt") == "Ferries moored at Binhai in fog"
    assert json_ld(document)["image"] == [
        {"@type": "ImageObject", "url": image, "width": 1600, "height": 1000}
    ]


def test_a_small_lead_image_is_shared_at_its_own_size(client):
    """A picture narrower than the largest rendition is shared as it is, never enlarged."""
    story = with_lead_image(size=(800, 600), lead_image_alt="A narrow picture")
    document = parse(client.get(story.get_absolute_url()).content)
    assert meta(document, "og:image").endswith("-w800.jpg")
    assert (meta(document, "og:image:width"), meta(document, "og:image:height")) == ("800", "600")


def test_a_decorative_lead_image_is_shared_without_alt_text(client):
    """A picture marked decorative is shared, with no alt text to announce."""
    story = with_lead_image(lead_image_decorative=True)
    document = parse(client.get(story.get_absolute_url()).content)
    assert "/media/renditions/" in meta(document, "og:image")
    assert meta(document, "og:image:alt") is None
    assert meta(document, "twitter:image:alt") is None


def test_pages_without_a_story_share_the_site_picture_with_its_name(client, story):
    """Lists and indexes share the site's picture, described by the site's name."""
    for url in ["/", "/articles/", "/districts/"]:
        document = parse(client.get(url).content)
        assert meta(document, "og:image").startswith("http://testserver/static/img/share"), url
        assert meta(document, "og:image:alt") == "Tianjin Updates", url
        assert (meta(document, "og:image:width"), meta(document, "og:image:height")) == (
            "1200",
            "630",
        )


@pytest.mark.parametrize("reader", ["en", "zh-hans"])
def test_a_chinese_story_page_declares_chinese(client, settings, reader):
    """
    Whatever the reader's language, a Chinese story's page says it is Chinese: its title and
    description, og:locale, JSON-LD inLanguage and the story itself; the page's own words stay
    in the reader's language.
    """
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = reader
    story = make_article(
        title="武清区推进京津冀协同发展", summary="武清区与北京、河北加强合作。", language="zh-hans"
    )
    document = parse(client.get(story.get_absolute_url()).content)
    assert document.get("lang") == {"en": "en", "zh-hans": "zh-Hans"}[reader]
    title = document.find(".//title")
    description = next(el for el in document.iter("meta") if el.get("name") == "description")
    expected = None if reader == "zh-hans" else "zh-Hans"  # inherited from <html> otherwise
    assert title.get("lang") == expected and description.get("lang") == expected
    assert meta(document, "og:locale") == "zh_CN"
    assert json_ld(document)["inLanguage"] == "zh-Hans"
    assert document.find(".//article[@class='story']").get("lang") == "zh-Hans"


def test_an_english_story_page_declares_english_to_a_chinese_reader(client, settings, story):
    """The other way round: an English story read with the site in Chinese."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    document = parse(client.get(story.get_absolute_url()).content)
    assert document.find(".//title").get("lang") == "en"
    assert meta(document, "og:locale") == "en_US"
    # Pages that are not one story are described in the reader's language.
    assert meta(parse(client.get("/").content), "og:locale") == "zh_CN"
