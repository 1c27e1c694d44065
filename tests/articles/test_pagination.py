"""The list paginator: same pages as Django's, without a count or a long scan per request."""

from datetime import timedelta

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article
from articles.pagination import NewsroomPaginator, query_key
from pagecache import content_changed
from tests.factories import make_article, make_district, make_source

pytestmark = pytest.mark.django_db


class SmallAnchors(NewsroomPaginator):
    anchor_rows = 6


@pytest.fixture
def many_articles():
    """47 published stories, many sharing a publication time, so the id breaks ties."""
    source = make_source()
    district = make_district(slug="wuqing")
    base = timezone.now() - timedelta(days=1)
    articles = []
    for n in range(47):
        articles.append(
            make_article(
                source=source,
                published_at=base - timedelta(minutes=n // 4),
                districts=[district] if n % 3 else [],
            )
        )
    make_article(source=source, status=Article.Status.DRAFT)
    return articles


def ids(page):
    return [article.pk for article in page.object_list]


@pytest.mark.parametrize("per_page", [4, 5, 20])
def test_every_page_matches_djangos_paginator(many_articles, per_page):
    """Anchored deep pages hold exactly the stories Django's paginator gives, in order."""
    for queryset in (
        Article.objects.for_listing(),
        Article.objects.for_listing().filter(districts__slug="wuqing"),
    ):
        reference = Paginator(queryset, per_page)
        ours = SmallAnchors(queryset, per_page)
        assert ours.count == reference.count and ours.num_pages == reference.num_pages
        for number in reference.page_range:
            assert ids(ours.page(number)) == ids(reference.page(number)), number


def test_deep_pages_seek_instead_of_counting_from_the_start(many_articles):
    """A page past the first anchor filters from that anchor with a small offset."""
    paginator = SmallAnchors(Article.objects.for_listing(), 4)
    paginator.page(1)
    with CaptureQueriesContext(connection) as queries:
        list(paginator.page(8).object_list)
    sql = queries.captured_queries[-2]["sql"]
    # Page 8 starts 28 rows in: the anchor after row 24 skips those, an offset the rest.
    assert "LIMIT 4 OFFSET 4" in sql
    assert "COUNT" not in " ".join(q["sql"] for q in queries.captured_queries)


def test_count_is_memoised_until_content_changes(many_articles, django_assert_num_queries):
    """The count runs once per content generation, not per request."""
    assert NewsroomPaginator(Article.objects.for_listing(), 20).count == 47
    with django_assert_num_queries(0):
        assert NewsroomPaginator(Article.objects.for_listing(), 20).count == 47
    make_article()
    content_changed()
    assert NewsroomPaginator(Article.objects.for_listing(), 20).count == 48


def test_counts_of_different_filters_are_kept_apart(many_articles):
    everything = NewsroomPaginator(Article.objects.for_listing(), 20).count
    wuqing = NewsroomPaginator(Article.objects.for_listing().filter(districts__slug="wuqing"), 20)
    assert wuqing.count == 31 and everything == 47


def test_query_key_leaves_out_only_the_current_time():
    """Two requests' published() querysets share a key; other parameters still count."""
    first = query_key(Article.objects.published())
    assert query_key(Article.objects.published()) == first
    last_year = timezone.now() - timedelta(days=365)
    assert query_key(Article.objects.published().filter(published_at__gte=last_year)) != first
    assert query_key(Article.objects.published().filter(source_id=1)) != query_key(
        Article.objects.published().filter(source_id=2)
    )


def test_out_of_range_and_last_pages_still_work(client, many_articles):
    """?page=last, the last page and a 404 past it behave as before."""
    assert client.get("/articles/", {"page": "last"}).context["page_obj"].number == 3
    assert len(client.get("/articles/", {"page": 3}).context["object_list"]) == 7
    assert client.get("/articles/", {"page": 4}).status_code == 404


def test_unsupported_orderings_fall_back_to_offsets(many_articles):
    """An ordering that does not end with the primary key is paged the ordinary way."""
    queryset = Article.objects.published().order_by("title")
    paginator = SmallAnchors(queryset, 4)
    assert paginator._ordering() is None
    assert ids(paginator.page(9)) == ids(Paginator(queryset, 4).page(9))


def test_list_views_keep_the_counts_of_their_selections_apart(client, many_articles):
    """Each list memoises its count under what chose its stories: none takes another's."""
    other_source = make_source(slug="other-source")
    other = make_district(slug="heping")
    for _ in range(3):
        make_article(source=other_source, districts=[other])
    old = make_article(published_at=timezone.now() - timedelta(days=800))
    content_changed()
    published = Article.objects.published()
    year = timezone.localtime(old.published_at).year
    expected = {
        "/articles/": published.count(),
        "/articles/?district=wuqing": published.filter(districts__slug="wuqing").count(),
        "/articles/?district=heping": 3,
        "/articles/?source=other-source": 3,
        f"/articles/?year={year}": 1,
        f"/articles/{year}/": 1,
        "/districts/wuqing/": published.filter(districts__slug="wuqing").count(),
        "/districts/heping/": 3,
        "/sources/other-source/": 3,
    }
    assert len(set(expected.values())) == 4  # 51, 31, 3 and 1: distinct where it matters
    for _ in range(2):  # the second round from the memos
        for url, count in expected.items():
            response = client.get(url)
            assert response.status_code == 200, url
            assert response.context["page_obj"].paginator.count == count, url
