"""The public pages: home, the filtered list, the archive, a story, the indexes, error pages."""

from datetime import datetime, timedelta

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import timezone

from articles.models import Article
from newsroom.errors import page_error as server_error
from pagecache import fragments
from tests.factories import give_lead_image, make_article, make_district, make_source
from tests.htmlcheck import parse, text

pytestmark = pytest.mark.django_db


def local(*args):
    """An aware datetime in the site's time zone (Asia/Shanghai)."""
    return timezone.make_aware(datetime(*args))


def days_ago(days):
    return timezone.now() - timedelta(days=days)


def titles(response):
    """Story titles in the order the page shows them."""
    document = parse(response.content)
    return [text(el) for el in document.iter() if el.get("class", "").startswith("card__title")]


# Home


def test_home_leads_with_featured_stories_newest_first(client):
    """Featured stories lead the home page, newest first; the rest follow as latest."""
    old_featured = make_article(title="Old featured", featured=True, published_at=days_ago(30))
    new_featured = make_article(title="New featured", featured=True, published_at=days_ago(3))
    newest = make_article(title="Newest plain", published_at=days_ago(1))
    older = make_article(title="Older plain", published_at=days_ago(5))
    response = client.get("/")
    assert response.context["lead"] == new_featured
    # One slot left: the newest story that is not featured fills it.
    assert response.context["featured"] == [old_featured, newest]
    assert response.context["latest"] == [older]
    assert titles(response) == ["New featured", "Old featured", "Newest plain", "Older plain"]


def test_home_without_featured_stories_leads_with_the_newest(client):
    """With nothing featured, the three newest lead and the next ones are the latest."""
    stories = [make_article(published_at=days_ago(n)) for n in range(1, 6)]
    response = client.get("/")
    assert [response.context["lead"], *response.context["featured"]] == stories[:3]
    assert response.context["latest"] == stories[3:]


def test_home_shows_at_most_three_featured_and_never_twice(client):
    """Only the three newest featured lead; older featured ones are in the latest, once."""
    featured = [make_article(featured=True, published_at=days_ago(n)) for n in range(1, 6)]
    response = client.get("/")
    assert [response.context["lead"], *response.context["featured"]] == featured[:3]
    assert response.context["latest"] == featured[3:]


def test_home_never_features_an_unpublished_story(client):
    """A featured draft or scheduled story stays off the home page."""
    make_article(title="Featured draft", featured=True, status=Article.Status.DRAFT)
    make_article(title="Featured future", featured=True, published_at=timezone.now() + timedelta(1))
    public = make_article(title="Public story")
    response = client.get("/")
    assert response.context["lead"] == public
    content = response.content.decode()
    assert "Featured draft" not in content and "Featured future" not in content


def test_home_links_to_districts_and_sources(client):
    """Home offers every district and source as a way in."""
    make_district(name="Wuqing", slug="wuqing")
    make_source(name="Tianjin Daily", slug="tianjin-daily")
    content = client.get("/").content.decode()
    assert '<a href="/districts/wuqing/">Wuqing</a>' in content
    assert '<a href="/sources/tianjin-daily/">Tianjin Daily</a>' in content


def test_empty_home_says_so(client):
    """A new site with no stories shows a calm message, not an error."""
    response = client.get("/")
    assert response.status_code == 200
    assert "No stories yet." in response.content.decode()


# The list and its filters


@pytest.fixture
def filter_site():
    wuqing = make_district(name="Wuqing", slug="wuqing")
    heping = make_district(name="Heping", slug="heping")
    daily = make_source(name="Tianjin Daily", slug="daily")
    gov = make_source(name="Municipal Government", slug="gov")
    stories = {
        "wuqing-daily-2020-11": make_article(
            districts=[wuqing], source=daily, published_at=local(2020, 11, 24, 9)
        ),
        "wuqing-gov-2020-11": make_article(
            districts=[wuqing], source=gov, published_at=local(2020, 11, 2, 9)
        ),
        "heping-daily-2020-10": make_article(
            districts=[heping], source=daily, published_at=local(2020, 10, 5, 9)
        ),
        "wuqing-daily-2021-11": make_article(
            districts=[wuqing, heping], source=daily, published_at=local(2021, 11, 3, 9)
        ),
        "citywide-gov-2021-01": make_article(source=gov, published_at=local(2021, 1, 1, 0, 30)),
    }
    make_article(
        districts=[wuqing], source=daily, status=Article.Status.DRAFT, title="Draft in Wuqing"
    )
    return stories


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, ["wuqing-daily-2021-11", "citywide-gov-2021-01", "wuqing-daily-2020-11",
              "wuqing-gov-2020-11", "heping-daily-2020-10"]),
        ({"district": "wuqing"}, ["wuqing-daily-2021-11", "wuqing-daily-2020-11",
                                  "wuqing-gov-2020-11"]),
        ({"source": "daily"}, ["wuqing-daily-2021-11", "wuqing-daily-2020-11",
                               "heping-daily-2020-10"]),
        ({"district": "wuqing", "source": "daily"}, ["wuqing-daily-2021-11",
                                                     "wuqing-daily-2020-11"]),
        ({"year": "2020"}, ["wuqing-daily-2020-11", "wuqing-gov-2020-11", "heping-daily-2020-10"]),
        ({"year": "2020", "month": "11"}, ["wuqing-daily-2020-11", "wuqing-gov-2020-11"]),
        ({"year": "2020", "month": "11", "source": "gov"}, ["wuqing-gov-2020-11"]),
        ({"district": "heping", "year": "2021", "month": "11"}, ["wuqing-daily-2021-11"]),
        ({"district": "heping", "year": "2021", "month": "1"}, []),
    ],
)  # fmt: skip
def test_list_filters_combine(client, filter_site, query, expected):
    """District, source, year and month narrow the list together, newest first."""
    response = client.get("/articles/", query)
    assert response.status_code == 200
    assert list(response.context["object_list"]) == [filter_site[key] for key in expected]


def test_year_and_month_follow_the_site_time_zone(client, filter_site):
    """Half past midnight on 1 January in Tianjin is in the new year, though UTC says not."""
    response = client.get("/articles/", {"year": "2021", "month": "1"})
    assert list(response.context["object_list"]) == [filter_site["citywide-gov-2021-01"]]


def test_filters_survive_paging(client):
    """Page links keep the filters, and the second page is still filtered."""
    wuqing = make_district(slug="wuqing")
    other = make_district(slug="other")
    for _ in range(22):
        make_article(districts=[wuqing])
    make_article(districts=[other])
    first = client.get("/articles/", {"district": "wuqing"})
    assert 'href="?district=wuqing&amp;page=2"' in first.content.decode()
    second = client.get("/articles/", {"district": "wuqing", "page": "2"})
    assert len(second.context["object_list"]) == 2
    assert all(wuqing in a.districts.all() for a in second.context["object_list"])


@pytest.mark.parametrize(
    "query",
    [
        {"district": "nowhere"},
        {"source": "nobody"},
        {"year": "abc"},
        {"year": "1800"},
        {"year": "99999999999999999999"},
        {"year": "2020", "month": "13"},
        {"year": "2020", "month": "0"},
        {"year": "2020", "month": "abc"},
        {"month": "-1"},
        {"district": "wuqing", "page": "-1"},
        {"district": "wuqing", "page": "abc"},
        {"district": "wuqing", "page": "99"},
        {"district": "<script>"},
        {"district": "\x00"},
    ],
)
def test_bad_filter_values_are_404_not_500(client, filter_site, query):
    """A value the filters do not offer is a 404, never an error."""
    assert client.get("/articles/", query).status_code == 404


def test_unknown_parameters_are_ignored(client, filter_site):
    """Parameters the list does not know change nothing."""
    response = client.get("/articles/", {"utm_source": "feed", "q": "x"})
    assert response.status_code == 200
    assert len(response.context["object_list"]) == 5


def test_month_without_year_asks_for_a_year(client, filter_site):
    """A month chosen without a year is explained to the reader, not applied, not a 404."""
    response = client.get("/articles/", {"month": "11", "district": "wuqing"})
    assert response.status_code == 200
    assert "Choose a year as well as a month." in response.content.decode()
    assert len(response.context["object_list"]) == 3  # the district still applies


def test_filter_form_is_labelled_and_keeps_the_choices(client, filter_site):
    """Each filter has a label, and the chosen values stay selected."""
    document = parse(client.get("/articles/", {"district": "wuqing", "year": "2020"}).content)
    form = next(f for f in document.iter("form") if "filters" in f.get("class", ""))
    labels = {label.get("for") for label in form.iter("label")}
    selects = list(form.iter("select"))
    assert {s.get("id") for s in selects} == labels == {
        "id_district", "id_source", "id_year", "id_month"
    }  # fmt: skip
    chosen = {
        s.get("name"): o.get("value")
        for s in selects
        for o in s.iter("option")
        if o.get("selected") is not None
    }
    assert chosen["district"] == "wuqing" and chosen["year"] == "2020"


def test_list_counts_the_stories(client, filter_site):
    """The list says how many stories match the filters."""
    content = client.get("/articles/", {"source": "gov"}).content.decode()
    assert "2 stories" in content


# Archive


def test_year_archive_lists_that_year_with_its_months(client, filter_site):
    """/articles/2020/ lists 2020's stories and links to the months that have some."""
    response = client.get("/articles/2020/")
    assert response.status_code == 200
    assert list(response.context["object_list"]) == [
        filter_site["wuqing-daily-2020-11"],
        filter_site["wuqing-gov-2020-11"],
        filter_site["heping-daily-2020-10"],
    ]
    content = response.content.decode()
    assert "<h1>Stories from 2020</h1>" in content
    assert '<a href="/articles/2020/11/">November 2020</a>' in content
    assert '<a href="/articles/2020/10/">October 2020</a>' in content
    assert "/articles/2020/09/" not in content


def test_month_archive_lists_that_month(client, filter_site):
    """/articles/2020/11/ lists November 2020's stories under a dated heading."""
    response = client.get("/articles/2020/11/")
    assert list(response.context["object_list"]) == [
        filter_site["wuqing-daily-2020-11"],
        filter_site["wuqing-gov-2020-11"],
    ]
    assert "<h1>Stories from November 2020</h1>" in response.content.decode()


def test_archive_follows_the_site_time_zone(client, filter_site):
    """Half past midnight on 1 January in Tianjin is in the new year's archive, not the old one's."""
    new_year = filter_site["citywide-gov-2021-01"]
    assert list(client.get("/articles/2021/01/").context["object_list"]) == [new_year]
    assert (
        '<a href="/articles/2021/01/">January 2021</a>'
        in client.get("/articles/2021/").content.decode()
    )
    old_year = client.get("/articles/2020/")
    assert new_year not in old_year.context["object_list"]
    assert "/articles/2020/12/" not in old_year.content.decode()


def test_archive_takes_district_and_source_filters(client, filter_site):
    """The archive filters by district and source too; an empty result is a page, not a 404."""
    response = client.get("/articles/2020/11/", {"source": "gov"})
    assert list(response.context["object_list"]) == [filter_site["wuqing-gov-2020-11"]]
    empty = client.get("/articles/2020/10/", {"district": "wuqing"})
    assert empty.status_code == 200 and not empty.context["object_list"]


@pytest.mark.parametrize(
    "url",
    [
        "/articles/2020/13/",
        "/articles/2020/00/",
        "/articles/2019/",  # before the first story
        "/articles/2020/09/",  # a month with no stories
        f"/articles/{timezone.now().year + 1}/",  # the future
        "/articles/0000/",
        "/articles/2020/11/?district=nowhere",
    ],
)
def test_empty_or_impossible_archive_is_404(client, filter_site, url):
    """An impossible month, a year outside the stories or an empty period is a 404."""
    assert client.get(url).status_code == 404


def test_a_slug_of_digits_never_hides_behind_the_archive(client):
    """A title like "2020" gets a slug that is not a year; a typed digits-only slug is refused."""
    article = make_article(title="2020")
    assert article.slug == "story-2020"
    assert client.get(article.get_absolute_url()).status_code == 200
    article.slug = "2021"
    with pytest.raises(ValidationError) as error:
        article.full_clean()
    assert "slug" in error.value.message_dict


# A story


def test_detail_shows_source_dates_and_districts(client):
    """Source line links the original; first publication and "Updated:" dates; district links."""
    wuqing = make_district(name="Wuqing", slug="wuqing")
    article = make_article(
        source=make_source(name="exploringtianjin.com"),
        source_url="http://www.exploringtianjin.com/story",
        districts=[wuqing],
        published_at=local(2020, 11, 20, 9),
        public_updated_at=local(2020, 11, 24, 9),
    )
    document = parse(client.get(article.get_absolute_url()).content)
    meta = next(el for el in document.iter("div") if el.get("class") == "story__meta")
    assert text(meta).startswith(
        "Source: exploringtianjin.com Published: 2020-11-20 Updated: 2020-11-24 Wuqing"
    )
    links = {a.get("href"): text(a) for a in meta.iter("a")}
    assert links == {
        "http://www.exploringtianjin.com/story": "exploringtianjin.com",
        "/districts/wuqing/": "Wuqing",
    }


def test_related_stories_share_a_district_newest_first(client):
    """Related: public stories sharing a district, newest first, never the story itself."""
    wuqing, heping, jinnan = make_district(), make_district(), make_district()
    article = make_article(districts=[wuqing, heping], published_at=days_ago(1))
    older = make_article(districts=[heping], published_at=days_ago(9))
    newer = make_article(districts=[wuqing, heping], published_at=days_ago(2))
    make_article(districts=[jinnan], title="Elsewhere")
    make_article(districts=[wuqing], status=Article.Status.DRAFT, title="Draft")
    make_article(title="City-wide")
    response = client.get(article.get_absolute_url())
    assert list(response.context["related"]) == [newer, older]
    related = next(el for el in parse(response.content).iter("aside"))
    assert [a.get("href") for a in related.iter("a")] == [
        newer.get_absolute_url(),
        older.get_absolute_url(),
    ]


def test_related_stories_are_capped_at_five(client):
    """At most five related stories, whatever the district holds."""
    district = make_district()
    article = make_article(districts=[district])
    for _ in range(7):
        make_article(districts=[district])
    assert len(client.get(article.get_absolute_url()).context["related"]) == 5


def test_city_wide_story_relates_to_city_wide_stories(client):
    """A story without districts is related to the other city-wide stories."""
    article = make_article(published_at=days_ago(1))
    other = make_article(published_at=days_ago(2))
    make_article(districts=[make_district()])
    assert list(client.get(article.get_absolute_url()).context["related"]) == [other]


def test_story_without_related_stories_has_no_empty_section(client):
    """With nothing related, the section is left out rather than shown empty."""
    article = make_article(districts=[make_district()])
    assert "Related stories" not in client.get(article.get_absolute_url()).content.decode()


def test_story_and_cards_carry_the_article_language(client):
    """A Chinese story is marked lang="zh-Hans" on its page and on its card."""
    article = make_article(title="北辰区举办秋季招聘会", language="zh-hans")
    detail = parse(client.get(article.get_absolute_url()).content)
    story = next(el for el in detail.iter("article"))
    assert story.get("lang") == "zh-Hans"
    home = parse(client.get("/").content)
    card = next(el for el in home.iter("article") if "card" in el.get("class", ""))
    assert card.get("lang") == "zh-Hans"


def story_with_picture(size=(2000, 1250), alt="Ferries moored at Binhai", **fields):
    """A published story with a lead image."""
    return give_lead_image(make_article(lead_image_alt=alt, **fields), size=size)


def card_element(document, article):
    """The card (or search result) of ``article`` in a parsed page."""
    href = article.get_absolute_url()
    return next(
        el
        for el in document.iter("article")
        if "card" in el.get("class", "") and el.find(f".//a[@href='{href}']") is not None
    )


def card_pages(article):
    """Every kind of page that shows ``article`` as a card or search result."""
    when = timezone.localtime(article.published_at)
    return [
        "/",
        "/articles/",
        f"/articles/{when:%Y}/",
        f"/articles/{when:%Y/%m}/",
        article.districts.get().get_absolute_url(),
        article.source.get_absolute_url(),
        "/search/?q=harbour",
    ]


def test_cards_show_the_lead_image_small_rendition(client):
    """
    On the home page, the lists, the archives, district, source and search pages, a story's
    card shows its lead image: the smallest rendition (WebP, JPEG fallback) with its size, lazy
    loading and the editor's alt text, after the headline in the source.
    """
    story = story_with_picture(
        title="Harbour ferries return", districts=[make_district(slug="binhai")]
    )
    stem = story.lead_image.name.rsplit(".", 1)[0]
    for url in card_pages(story):
        card = card_element(parse(client.get(url).content), story)
        [picture] = card.iter("picture")
        assert picture.get("class") == "card__picture", url
        [source] = picture.iter("source")
        assert source.get("type") == "image/webp"
        assert source.get("srcset").split()[0] == f"/media/renditions/{stem}-w480.webp"
        [img] = picture.iter("img")
        assert img.get("src") == f"/media/renditions/{stem}-w480.jpg", url
        assert (img.get("width"), img.get("height")) == ("480", "300"), url
        assert img.get("loading") == "lazy"
        assert img.get("alt") == "Ferries moored at Binhai", url
        assert list(card)[-1] is picture, "the picture comes after the headline and text"


def test_only_the_front_page_lead_offers_larger_renditions(client):
    """The home page's lead card shows the picture large: every width, for the browser to pick."""
    story = story_with_picture(featured=True)
    home = parse(client.get("/").content)
    [img] = card_element(home, story).iter("img")
    assert [part.split()[1] for part in img.get("srcset").split(", ")] == ["480w", "960w", "1600w"]
    assert img.get("sizes")
    listing = parse(client.get("/articles/").content)
    [img] = card_element(listing, story).iter("img")
    assert img.get("srcset") is None


def test_a_decorative_lead_image_has_empty_alt_in_its_card(client):
    """A picture the editor marked decorative is skipped by screen readers: alt=""."""
    story = story_with_picture(alt="", lead_image_decorative=True)
    [img] = card_element(parse(client.get("/articles/").content), story).iter("img")
    assert img.get("alt") == ""


def test_cards_without_a_readable_picture_show_none(client):
    """No lead image, or one whose file is gone: the card has no picture, and the page works."""
    plain = make_article()
    missing = make_article(lead_image="lead-images/gone.jpg", lead_image_alt="Gone")
    document = parse(client.get("/articles/").content)
    assert list(card_element(document, plain).iter("picture")) == []
    assert list(card_element(document, missing).iter("picture")) == []


def test_a_card_changes_with_its_picture_alt_text(client):
    """The card's memo is keyed by its picture too: a corrected alt text shows at once."""
    story = story_with_picture(alt="Ferris at Binhai")
    client.get("/articles/")
    Article.objects.filter(pk=story.pk).update(lead_image_alt="Ferries at Binhai")
    [img] = card_element(parse(client.get("/articles/").content), story).iter("img")
    assert img.get("alt") == "Ferries at Binhai"


def test_a_list_looks_up_its_pictures_at_once(client, monkeypatch):
    """A list's pictures cost one cache lookup for the page, however many cards have one."""
    for _ in range(4):
        story_with_picture(size=(600, 400))
    client.get("/articles/")  # the renditions are made and their sizes cached
    lookups = []
    original = cache.get_many
    monkeypatch.setattr(cache, "get_many", lambda keys: lookups.append(keys) or original(keys))
    client.get("/articles/")
    assert [len(keys) for keys in lookups] == [4]


@pytest.mark.parametrize("reader", ["en", "zh-hans"])
def test_a_chinese_story_is_chinese_in_every_list_and_search(client, settings, reader):
    """
    A Chinese story's card and search result are lang="zh-Hans" wherever they appear; their
    date, source and districts line is in the reader's language, and says so when it differs.
    """
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = reader
    story = make_article(
        title="北辰区 harbour 招聘会",
        language="zh-hans",
        districts=[make_district(slug="beichen")],
    )
    for url in card_pages(story):
        card = card_element(parse(client.get(url).content), story)
        assert card.get("lang") == "zh-Hans", url
        meta_line = next(el for el in card.iter("p") if "meta" in el.get("class", ""))
        assert meta_line.get("lang") == {"en": "en", "zh-hans": None}[reader], url


def card_of(response, article):
    """The text of ``article``'s card on the page."""
    document = parse(response.content)
    href = article.get_absolute_url()
    cards = [el for el in document.iter("article") if "card" in el.get("class", "")]
    return next(text(card) for card in cards if card.find(f".//a[@href='{href}']") is not None)


def test_a_changed_story_re_renders_its_own_card_only(client):
    """A story changed without a new version (a queryset update) shows at once in its card."""
    changed, unchanged = make_article(), make_article()
    client.get("/")
    kept = fragments.fragment_count()
    Article.objects.filter(pk=changed.pk).update(title="Roads reopen <today>", summary="")
    home = client.get("/")
    assert "Roads reopen <today>" in card_of(home, changed)
    assert "Summary of story" not in card_of(home, changed)
    assert unchanged.title in card_of(home, unchanged)
    assert fragments.fragment_count() == kept + 1


def test_renaming_a_district_or_source_changes_the_cards_that_show_it(client):
    """Cards name districts and sources as they are now; other cards are left as they were."""
    district, source = make_district(name="Hexi"), make_source(name="Water Bureau")
    shown = make_article(districts=[district])
    from_source = make_article(source=source)
    other = make_article()
    client.get("/")
    kept = fragments.fragment_count()
    district.name = "Hexi District"
    district.save()
    source.name = "Tianjin Water Authority"
    source.save()
    home = client.get("/")
    assert "Hexi District" in card_of(home, shown)
    assert "Tianjin Water Authority" in card_of(home, from_source)
    assert other.source.name in card_of(home, other)
    assert fragments.fragment_count() == kept + 2


# Indexes


def test_sources_index_lists_every_source(client):
    """/sources/ links to every source's page."""
    make_source(name="Tianjin Daily", slug="tianjin-daily")
    make_source(name="Wuqing District Government", slug="wuqing-gov")
    content = client.get("/sources/").content.decode()
    assert '<a href="/sources/tianjin-daily/">Tianjin Daily</a>' in content
    assert '<a href="/sources/wuqing-gov/">Wuqing District Government</a>' in content


def test_source_page_links_its_website(client):
    """A source's page links to the source's own website."""
    source = make_source(url="https://www.example.gov.cn/")
    make_article(source=source)
    content = client.get(source.get_absolute_url()).content.decode()
    assert 'href="https://www.example.gov.cn/"' in content


# Error pages


def test_404_page_has_the_site_around_it(client):
    """The 404 page keeps the header, footer and a way back, and asks not to be indexed."""
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    document = parse(response.content)
    assert document.find(".//header") is not None and document.find(".//footer") is not None
    assert '<meta name="robots" content="noindex">' in response.content.decode()
    assert '<a href="/">Go to the latest updates</a>' in response.content.decode()


def test_410_page_renders_in_the_site_design(rf):
    """The 410 template (used for removed stories) renders with the site around it."""
    request = rf.get("/articles/gone/")
    content = render_to_string("410.html", request=request)
    parse(content)
    assert "This page has been removed" in content and 'class="site-footer"' in content


def test_500_page_needs_no_database(django_db_blocker):
    """The 500 page renders in the site's design with the database unreachable."""
    request = RequestFactory().get("/")
    with django_db_blocker.block():
        response = server_error(request)
    assert response.status_code == 500
    content = response.content.decode()
    parse(content)
    assert "Something went wrong" in content
    assert "/static/css/site" in content and "Tianjin Updates" in content


@pytest.mark.urls("tests.urls_failing")
def test_an_error_in_a_view_shows_the_500_page(client):
    """A failing view gets the styled 500 page, not Django's plain one."""
    client.raise_request_exception = False
    response = client.get("/fail/")
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()


def test_500_page_still_answers_when_its_template_cannot_render(settings):
    """If even the styled page fails (static files not collected), a plain 500 is sent."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    settings.STATIC_ROOT = "/nonexistent-static-root"
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert "Server error (500)" in response.content.decode()
