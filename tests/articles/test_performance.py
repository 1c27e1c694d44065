"""The performance contract: fixed query counts whatever the data, and 304s for repeat visits."""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from articles.editorial import scheduling
from articles.models import AlertBanner, SiteSettings
from tests.factories import give_lead_image, make_article, make_district, make_source

pytestmark = pytest.mark.django_db


def build_site(n_articles, n_districts, n_sources):
    # Some with a Chinese name, some without: either way no query per name.
    districts = [make_district(name_zh=f"区{i}" if i % 2 else "") for i in range(n_districts)]
    sources = [make_source(name_zh=f"来源{i}" if i % 2 else "") for i in range(n_sources)]
    start = timezone.make_aware(datetime(2020, 11, 1, 9))
    articles = [
        make_article(
            source=sources[i % n_sources],
            districts=districts[: 1 + i % n_districts],
            featured=i % 4 == 0,
            published_at=start + timedelta(hours=i),
            lead_image_alt="A picture",
        )
        for i in range(n_articles)
    ]
    # Some cards show a lead image: they cost no query (the row has it; sizes are cached).
    for article in articles[::5]:
        give_lead_image(article, size=(600, 400))
    return districts, sources, articles


# Page, and the queries it runs once the site settings, banners and memos are cached.
PAGES = [
    # The first year, the districts and sources of the filters and panels are memoised, as
    # the lists' counts are, until content changes.
    ("/", 3),  # featured + newest + their districts
    ("/articles/", 2),  # stories + their districts
    ("/articles/?district={district}&source={source}&year=2020&month=11", 2),
    ("/articles/?district={district}&page=2", 2),
    ("/articles/2020/", 3),  # the list's two + the months with stories
    ("/articles/2020/11/", 2),
    # Story with its source + its districts + change notes; its related stories are memoised.
    ("{article}", 3),
    ("/districts/", 1),
    ("{district_page}", 2),  # stories + their districts (the district is memoised)
    ("/sources/", 1),
    ("{source_page}", 2),
]


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize("size", [(25, 2, 2), (60, 7, 5)], ids=["small", "larger"])
def test_query_count_does_not_grow_with_the_data(client, django_assert_num_queries, size, language):
    """Each public page runs the same number of queries at two sizes of site, in each language."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = language
    districts, sources, articles = build_site(*size)
    # Cached: no query per request (settings, banners, the next scheduled change).
    SiteSettings.load(), AlertBanner.showing(), scheduling.apply_due_changes()
    for url, queries in PAGES:
        url = url.format(
            district=districts[0].slug,
            source=sources[0].slug,
            article=articles[len(articles) // 2].get_absolute_url(),
            district_page=districts[0].get_absolute_url(),
            source_page=sources[0].get_absolute_url(),
        )
        # Warms the memos kept until content changes (a list's count, the next go-live).
        client.get(url)
        with django_assert_num_queries(queries):
            response = client.get(url)
        assert response.status_code == 200, url


def test_cold_cache_adds_at_most_one_query_each(client, django_assert_num_queries):
    """
    With nothing cached, the settings, the banners and the next scheduled change cost one
    query each, once; so do the three clocks that bound how long the memoised masthead, notices
    and footer may be kept (the next go-live, banner change and scheduled change).
    """
    build_site(3, 1, 1)
    with django_assert_num_queries(1 + 3 + 3):
        client.get("/districts/")
    with django_assert_num_queries(1):
        client.get("/districts/")


@pytest.mark.parametrize("url", ["/", "/articles/", "/districts/", "/sources/", "/articles/2020/"])
def test_repeat_visit_gets_304(client, url):
    """Pages send an ETag; sending it back gets 304 Not Modified with no body."""
    build_site(3, 1, 1)
    first = client.get(url)
    assert first.status_code == 200 and first["ETag"]
    again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again.content == b""


def test_story_304_until_it_changes(client):
    """A story answers 304 until it is edited; then the new version comes with a new ETag."""
    [_], [_], [article] = build_site(1, 1, 1)
    first = client.get(article.get_absolute_url())
    assert (
        client.get(article.get_absolute_url(), HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    )
    article.summary = "A corrected summary."
    article.save()
    changed = client.get(article.get_absolute_url(), HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200 and changed["ETag"] != first["ETag"]
    assert "A corrected summary." in changed.content.decode()


def test_new_banner_ends_the_304s(client):
    """An alert published after a visit is never hidden behind a 304."""
    build_site(2, 1, 1)
    first = client.get("/")
    AlertBanner.objects.create(message="Roads closed for the marathon.", severity="warning")
    again = client.get("/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 200 and "Roads closed" in again.content.decode()


def test_language_is_part_of_the_validator(client):
    """The Chinese page has its own ETag, and caches are told the page varies by language."""
    build_site(2, 1, 1)
    english = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    chinese = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-hans", HTTP_IF_NONE_MATCH=english["ETag"])
    assert chinese.status_code == 200 and chinese["ETag"] != english["ETag"]
    vary = {v.strip() for v in english["Vary"].split(",")}
    assert {"Accept-Language", "Cookie"} <= vary


def test_public_pages_set_no_cookie_and_carry_no_token(client):
    """Nothing per visitor on public pages: the same bytes for everyone, so ETags match."""
    [district], _, [article] = build_site(1, 1, 1)
    for url in ["/", "/articles/", article.get_absolute_url(), district.get_absolute_url()]:
        response = client.get(url)
        assert not response.cookies, url
        assert "csrfmiddlewaretoken" not in response.content.decode(), url
        assert client.get(url).content == response.content, url
