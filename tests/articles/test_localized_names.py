"""
Districts and sources have a Chinese name: the Chinese interface shows it wherever a name is
shown, the English one shows the name, and a missing Chinese name falls back to the name.
"""

from contextlib import nullcontext
from xml.etree import ElementTree

import pytest
from django.db import IntegrityError, transaction
from django.utils import translation

from articles.editorial import diff
from articles.models import District
from pagecache import fragments
from tests.factories import make_article, make_district, make_source, make_superuser
from tests.htmlcheck import parse, text

pytestmark = pytest.mark.django_db

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def page_cache_on(settings):
    """The whole-page cache as in production (conftest turns it off for other tests)."""
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 600


@pytest.fixture
def story(db):
    wuqing = make_district(name="Wuqing", name_zh="武清区", slug="wuqing")
    hexi = make_district(name="Hexi", name_zh="河西区", slug="hexi")
    daily = make_source(name="Tianjin Daily", name_zh="天津日报", slug="daily")
    return make_article(title="Rail link opens", districts=[wuqing, hexi], source=daily)


def test_the_name_follows_the_language():
    """``display_name`` and ``str()``: the Chinese name in Chinese, else the name."""
    named = District(name="Wuqing", name_zh="武清区")
    unnamed = District(name="Langfang (Hebei)")
    with translation.override("zh-hans"):
        assert (named.display_name, str(named)) == ("武清区", "武清区")
        assert unnamed.display_name == "Langfang (Hebei)"
    with translation.override("en"):
        assert (named.display_name, str(named)) == ("Wuqing", "Wuqing")
    with translation.override(None):
        assert named.display_name == "Wuqing"


def test_two_districts_cannot_share_a_chinese_name():
    """A Chinese name is unique, as the name is; any number may have none."""
    make_district(name_zh="武清区")
    make_district(), make_district()
    with pytest.raises(IntegrityError), transaction.atomic():
        make_district(name_zh="武清区")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_source(name_zh="天津日报"), make_source(name_zh="天津日报")


def names_shown(content, selector):
    """The text of each element of ``class`` ``selector`` in a page."""
    return [text(el) for el in parse(content).iter() if selector in (el.get("class") or "")]


def test_public_pages_name_them_in_the_readers_language(
    client, story, page_cache_on, django_assert_num_queries
):
    """
    Cards, the story page, district and source pages and indexes, the lists' filters and the
    page titles show the Chinese names in Chinese and the names in English; the second time
    each comes from the page cache, still in its own language.
    """
    district, source = story.districts.get(slug="wuqing"), story.source
    both = [("武清区", "Wuqing"), ("天津日报", "Tianjin Daily")]
    pages = [
        ("/", both),
        ("/articles/", both),
        (story.get_absolute_url(), both),
        ("/districts/", both[:1]),
        (district.get_absolute_url(), both),
        ("/sources/", both[1:]),
        (source.get_absolute_url(), both),
        ("/search/?q=rail", both),
    ]
    for cached in (False, True):
        for url, names in pages:
            with django_assert_num_queries(0) if cached else nullcontext():
                chinese = client.get(url, **ZH).content.decode()
                english = client.get(url, **EN).content.decode()
            for chinese_name, name in names:
                assert chinese_name in chinese and name not in chinese, url
                assert name in english and chinese_name not in english, url
    chinese = client.get("/", **ZH).content
    assert names_shown(chinese, "card__districts") == ["河西区、武清区"]
    assert names_shown(chinese, "card__source") == ["天津日报"]
    assert names_shown(client.get("/", **EN).content, "card__districts") == ["Hexi, Wuqing"]
    title = parse(client.get(district.get_absolute_url(), **ZH).content).find(".//title")
    assert "武清区" in text(title)
    options = parse(client.get("/articles/", **ZH).content).iter("option")
    assert {"武清区", "河西区", "天津日报"} <= {text(option) for option in options}


def test_a_new_chinese_name_shows_at_once_on_cached_pages(client, story, page_cache_on):
    """Changing a Chinese name makes the cached Chinese pages that show it stale."""
    assert "武清区" in client.get("/districts/", **ZH).content.decode()
    district = District.objects.get(slug="wuqing")
    district.name_zh = "武清"
    district.save()
    chinese = client.get("/districts/", **ZH).content.decode()
    assert ">武清</a>" in chinese and "武清区" not in chinese
    assert ">Wuqing</a>" in client.get("/districts/", **EN).content.decode()


def test_a_missing_chinese_name_shows_the_name(client):
    """A district without a Chinese name keeps its name in the Chinese interface."""
    langfang = make_district(name="Langfang (Hebei)", slug="langfang")
    make_article(districts=[langfang])
    assert "Langfang (Hebei)" in client.get("/districts/langfang/", **ZH).content.decode()


def test_cards_are_kept_per_language(story):
    """The card fragments are keyed by the language and by the names they show."""
    from articles.templatetags.newsroom import story_card

    fragments.forget_fragments()
    story = type(story).objects.for_listing().get(pk=story.pk)
    with translation.override("zh-hans"):
        chinese = story_card(story)
    with translation.override("en"):
        english = story_card(story)
    assert "河西区、武清区" in chinese and "Hexi, Wuqing" in english
    with translation.override("zh-hans"):
        assert story_card(story) is chinese  # from the fragment memo


def feed_title(content):
    """The feed's own title (the first in the document, RSS or Atom)."""
    return next(
        el.text for el in ElementTree.fromstring(content).iter() if el.tag.endswith("title")
    )


@pytest.mark.parametrize("kind", ["districts", "sources"])
def test_feeds_of_a_district_or_source_are_titled_in_the_readers_language(client, story, kind):
    """A district's or source's feed names it, in Chinese for a Chinese reader."""
    slug, chinese_name = {"districts": ("wuqing", "武清区"), "sources": ("daily", "天津日报")}[kind]
    for feed in ("rss", "atom"):
        chinese = feed_title(client.get(f"/{kind}/{slug}/{feed}/", **ZH).content)
        english = feed_title(client.get(f"/{kind}/{slug}/{feed}/", **EN).content)
        assert chinese_name in chinese and chinese_name not in english
    rss = client.get("/feeds/rss/", **ZH).content.decode()
    assert "<category>武清区</category>" in rss


# The admin


@pytest.fixture
def admin_client(client):
    client.force_login(make_superuser())
    return client


def picker(client, term, field="districts", **headers):
    response = client.get(
        "/admin/autocomplete/",
        {"app_label": "articles", "model_name": "article", "field_name": field, "term": term},
        **headers,
    )
    return [result["text"] for result in response.json()["results"]]


def test_the_pickers_find_them_by_either_name(admin_client, story):
    """武清 finds Wuqing, and so does "wuq"; each shows the name of the admin's language."""
    assert picker(admin_client, "武清", **ZH) == ["武清区"]
    assert picker(admin_client, "wuq", **ZH) == ["武清区"]
    assert picker(admin_client, "武清", **EN) == ["Wuqing"]
    assert picker(admin_client, "天津日报", field="source", **EN) == ["Tianjin Daily"]
    found = admin_client.get("/admin/articles/district/", {"q": "武清"}, **ZH).content.decode()
    assert "武清区" in found and "河西区" not in found


def test_the_article_list_names_them_in_the_admins_language(admin_client, story):
    """The article list's districts column, its filters and the source column."""
    chinese = admin_client.get("/admin/articles/article/", **ZH).content.decode()
    document = parse(chinese)
    filters = [text(a) for a in document.iter("a") if "districts__id__exact" in a.get("href", "")]
    assert sorted(filters) == ["武清区", "河西区"]
    assert "河西区、武清区" in chinese and "天津日报" in chinese
    english = admin_client.get("/admin/articles/article/", **EN).content.decode()
    assert "Hexi, Wuqing" in english and "武清区" not in english


def test_the_district_form_asks_for_the_chinese_name(admin_client):
    """Adding a district takes its Chinese name, which the help text explains."""
    form = admin_client.get("/admin/articles/district/add/", **ZH).content.decode()
    assert "中文名称" in form and "在中文界面中显示" in form
    response = admin_client.post(
        "/admin/articles/district/add/",
        {"name": "Baodi", "name_zh": "宝坻区", "slug": "baodi", "description": ""},
    )
    assert response.status_code == 302
    assert District.objects.get(slug="baodi").name_zh == "宝坻区"
    again = admin_client.post(
        "/admin/articles/district/add/",
        {"name": "Baodi 2", "name_zh": "宝坻区", "slug": "baodi-2", "description": ""},
        **ZH,
    )
    assert "已有区域使用此中文名称。" in again.content.decode()


def test_comparing_revisions_names_them_in_the_admins_language(story):
    """
    A snapshot keeps the English name of its time; a comparison shows the district's or
    source's name as the interface does now, or the stored one when it no longer exists.
    """
    hexi, wuqing = District.objects.get(slug="hexi"), District.objects.get(slug="wuqing")
    old = {
        "districts": [{"id": hexi.pk, "name": "Hexi"}],
        "source": {"id": story.source_id, "name": "Tianjin Daily"},
    }
    new = {
        "districts": [{"id": wuqing.pk, "name": "Wuqing"}, {"id": 0, "name": "Gone"}],
        "source": {"id": 0, "name": "Old source"},
    }
    with translation.override("zh-hans"):
        changes = {change.field: change.segments for change in diff.compare(old, new)}
    assert [text for text, kind in changes["districts"] if kind] == ["河西区", "Gone", "武清区"]
    assert [text for text, kind in changes["source"] if kind] == ["天津日报", "Old source"]
