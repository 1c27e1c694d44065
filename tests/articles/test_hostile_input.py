"""
Hostile input, generated: arbitrary Unicode, NUL bytes, invalid UTF-8, huge and wrongly typed
values in every public URL and query parameter, and in the admin's article form. The site
answers with a page or a clean refusal, never a 500.

To cover a new public URL, add a ``PublicURL`` to ``PUBLIC_URLS``: its path (with ``{slug}``
where the URL takes one), how to find a real value for that slug, and its query parameters.
"""

import os
from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import quote, quote_from_bytes

import pytest
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles.models import Article
from tests.factories import make_article, make_district, make_source, make_superuser

pytestmark = pytest.mark.django_db

PUBLIC_STATUSES = {200, 301, 304, 400, 404, 410}

# Modest example counts keep the suite fast; HYPOTHESIS_PROFILE=thorough runs many more.
settings.register_profile(
    "newsroom",
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.register_profile("thorough", parent=settings.get_profile("newsroom"), max_examples=500)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "newsroom"))

# --- Strategies --------------------------------------------------------------------------

# Any Unicode a URL can carry (lone surrogates cannot be encoded at all).
unicode_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)
huge = st.integers(min_value=200, max_value=20_000).flatmap(
    lambda n: st.sampled_from(["9" * n, "a" * n, "测" * n, "-" * n])
)
wrong_types = st.one_of(
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.sampled_from(["", " ", "null", "None", "true", "[]", "{}", "[1, 2]", "{'a': 1}",
                     "0x10", "1e309", "-0", "1_000", "１２", "٣", "Ⅻ", "last", "../..",
                     "%00", "%", "' OR 1=1 --", "<script>alert(1)</script>", "\r\nSet-Cookie: x=1"]),
)  # fmt: skip
with_nul = unicode_text.map(lambda s: s[: len(s) // 2] + "\x00" + s[len(s) // 2 :])
hostile_value = st.one_of(unicode_text, huge, wrong_types, with_nul)

# Raw bytes in the path, percent-encoded: mostly invalid UTF-8.
raw_segment = st.binary(min_size=1, max_size=30).map(lambda b: quote_from_bytes(b, safe=""))
text_segment = st.one_of(unicode_text, huge, wrong_types, with_nul).map(lambda s: quote(s, safe=""))
hostile_segment = st.one_of(text_segment, raw_segment)

# A query string: known parameters with hostile values (repeated, or as lists), plus others.
extra_params = st.dictionaries(
    st.one_of(unicode_text, with_nul), st.one_of(hostile_value, st.lists(hostile_value, max_size=3)),
    max_size=3,
)  # fmt: skip

http_dates = st.one_of(
    hostile_value,
    st.just("Wed, 21 Oct 2015 07:28:00 GMT"),
    st.just("Thu, 01 Jan 1970 00:00:00 GMT"),
)


@dataclass
class PublicURL:
    name: str
    path: str
    real_slug: object = None  # site -> a slug that exists, for URLs with {slug}
    params: list = field(default_factory=list)


PUBLIC_URLS = [
    PublicURL("home", "/"),
    PublicURL("list", "/articles/", params=["page", "district", "source", "year", "month"]),
    PublicURL("archive_year", "/articles/{slug}/", lambda site: "2020", ["page", "district"]),
    PublicURL("archive_month", "/articles/2020/{slug}/", lambda site: "11", ["page", "source"]),
    PublicURL("detail", "/articles/{slug}/", real_slug=lambda site: site["article"].slug),
    PublicURL("districts", "/districts/"),
    PublicURL("district", "/districts/{slug}/", lambda site: site["district"].slug, ["page"]),
    PublicURL("source", "/sources/{slug}/", lambda site: site["source"].slug, ["page"]),
    PublicURL("sources", "/sources/"),
    PublicURL("search", "/search/", params=["q", "district", "date_from", "date_to", "page"]),
    PublicURL("feed", "/feeds/rss/"),
    PublicURL("feed_atom", "/feeds/atom/"),
    PublicURL("district_feed", "/districts/{slug}/rss/", lambda site: site["district"].slug),
    PublicURL("district_feed_atom", "/districts/{slug}/atom/", lambda site: site["district"].slug),
    PublicURL("source_feed", "/sources/{slug}/rss/", lambda site: site["source"].slug),
    PublicURL("source_feed_atom", "/sources/{slug}/atom/", lambda site: site["source"].slug),
    PublicURL("api_index", "/api/"),
    PublicURL(
        "api_articles",
        "/api/articles/",
        params=["page", "page_size", "district", "source", "year", "month"],
    ),
    PublicURL("api_article", "/api/articles/{slug}/", lambda site: site["article"].slug),
    PublicURL("api_districts", "/api/districts/", params=["page", "page_size"]),
    PublicURL("api_sources", "/api/sources/", params=["page", "page_size"]),
    PublicURL("api_schema", "/api/schema/"),
    PublicURL("share_preview", "/preview/{slug}/", lambda site: "no-such-token"),
    PublicURL("health", "/healthz"),
]


@pytest.fixture
def site():
    source = make_source(slug="hexi-news")
    district = make_district(slug="hexi")
    article = make_article(title="河西区 greenway", source=source, districts=[district])
    for _ in range(3):
        make_article(source=source, districts=[district])
    return {"source": source, "district": district, "article": article}


def query_for(public_url, known, extra):
    query = dict(zip(public_url.params, known, strict=False))
    query.update(extra)
    return query


@pytest.mark.parametrize("public_url", PUBLIC_URLS, ids=lambda u: u.name)
def test_public_urls_never_fail_on_hostile_input(public_url, site):
    """Every public URL answers 200/301/304/400/404/410 to any path segment and query."""
    client = Client()

    @given(
        use_real_slug=st.booleans(),
        segment=hostile_segment,
        known=st.lists(st.one_of(hostile_value, st.lists(hostile_value, max_size=3)), max_size=2),
        extra=extra_params,
        since=http_dates,
    )
    def check(use_real_slug, segment, known, extra, since):
        path = public_url.path
        if "{slug}" in path:
            slug = quote(public_url.real_slug(site)) if use_real_slug else segment
            path = path.replace("{slug}", slug)
        response = client.get(
            path, query_for(public_url, known, extra), headers={"if-modified-since": since}
        )
        assert response.status_code in PUBLIC_STATUSES, (path, response.status_code)

    check()


def test_every_public_url_is_covered(site):
    """The table above names every public page that exists: a new URL must be added to it."""
    from django.urls import get_resolver

    covered = {u.name for u in PUBLIC_URLS}
    names = {name for name in get_resolver("articles.urls").reverse_dict if isinstance(name, str)}
    assert names - covered == set(), "add these to PUBLIC_URLS"


# --- The admin's article form -----------------------------------------------------------

statuses = st.one_of(st.sampled_from(Article.Status.values), hostile_value)
dates = st.one_of(st.just(""), st.sampled_from(["2024-05-01", "2099-12-31", "0000-00-00",
                                                "9999-99-99", "2024-02-30"]), hostile_value)  # fmt: skip
times = st.one_of(st.just(""), st.sampled_from(["09:30", "24:00", "23:59:60", "99:99"]),
                  hostile_value)  # fmt: skip


@pytest.mark.parametrize("change", [False, True], ids=["add", "change"])
def test_article_form_never_fails_on_hostile_input(change, site):
    """The admin's article form saves valid data and refuses anything else with a message."""
    client = Client()
    client.force_login(make_superuser())
    url = "/admin/articles/article/add/"
    if change:
        url = f"/admin/articles/article/{site['article'].pk}/change/"
    ids = st.one_of(
        st.just(site["source"].pk), st.just(site["district"].pk), hostile_value,
        st.integers(min_value=-(10**30), max_value=10**30),
    )  # fmt: skip

    @given(
        title=st.one_of(st.just("A plain title"), hostile_value),
        slug=st.one_of(st.just(""), hostile_value),
        summary=hostile_value,
        body=st.one_of(hostile_value, st.just("<p onclick=x()>hi<script>evil()</script></p>")),
        source=ids,
        districts=st.lists(ids, max_size=3),
        source_url=st.one_of(st.just("example.gov.cn/story"), hostile_value),
        status=statuses,
        published=st.tuples(dates, times),
        updated=st.tuples(dates, times),
    )
    def check(title, slug, summary, body, source, districts, source_url, status, published,
              updated):  # fmt: skip
        response = client.post(url, {
            "title": title, "slug": slug, "summary": summary, "body": body, "source": source,
            "districts": districts, "source_url": source_url, "status": status,
            "published_at_0": published[0], "published_at_1": published[1],
            "public_updated_at_0": updated[0], "public_updated_at_1": updated[1],
        })  # fmt: skip
        assert response.status_code in {200, 302}, response.status_code
        if response.status_code == 302:
            saved = site["article"] if change else Article.objects.latest("pk")
            saved.refresh_from_db()
            saved.full_clean()
            assert "<script" not in saved.body and "onclick" not in saved.body

    check()


# --- Request size -----------------------------------------------------------------------


def test_an_oversized_body_is_refused_before_it_is_read(django_assert_num_queries, settings):
    """A body above NEWSROOM_MAX_REQUEST_BYTES gets 413 at once: no view, no query, no read."""

    class Unreadable:
        def read(self, *args):
            raise AssertionError("the body was read")

        readline = read

    with django_assert_num_queries(0):
        response = Client().generic(
            "POST", "/admin/login/", b"", CONTENT_LENGTH=str(settings.NEWSROOM_MAX_REQUEST_BYTES + 1),
            CONTENT_TYPE="application/x-www-form-urlencoded", **{"wsgi.input": Unreadable()},
        )  # fmt: skip
    assert response.status_code == 413


def test_a_form_above_the_memory_limit_is_refused(settings):
    """Form fields larger than DATA_UPLOAD_MAX_MEMORY_SIZE in total are a 400, not a crash."""
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    client = Client()
    client.force_login(make_superuser())
    response = client.post("/admin/articles/article/add/", {"title": "x" * 20_000})
    assert response.status_code == 400
    assert not Article.objects.filter(title__startswith="xxx").exists()


def test_a_form_with_too_many_fields_is_refused(settings):
    """More fields than DATA_UPLOAD_MAX_NUMBER_FIELDS: 400."""
    client = Client()
    client.force_login(make_superuser())
    fields = {f"field{n}": "1" for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)}
    response = client.post("/admin/articles/article/add/", fields)
    assert response.status_code == 400
    assert "This request cannot be answered" in response.content.decode()


def test_nul_bytes_in_urls_are_refused_cleanly(client):
    """
    A NUL byte in the path is a 400 before any view runs; in the query string the view
    judges it (a bad page number is a 404, an unknown parameter is ignored, search drops it).
    """
    for url in ["/articles/%00/", "/districts/a%00b/"]:
        assert client.get(url).status_code == 400, url
    assert client.get("/articles/?page=%00").status_code == 404
    assert client.get("/?q%00=1").status_code == 200
    assert client.get("/search/?q=wu%00qing").status_code == 200
    assert client.get("/articles/?page=1%00").status_code == 404


def test_a_scheduled_story_stays_hidden_whatever_the_query(client, site):
    """Query parameters cannot reveal what published() hides."""
    hidden = make_article(title="Embargoed until tomorrow",
                          published_at=timezone.now() + timedelta(days=1))  # fmt: skip
    for query in [{"page": "1"}, {"status": "published"}, {"preview": "1"}, {"all": "true"}]:
        assert client.get(hidden.get_absolute_url(), query).status_code == 404
        assert "Embargoed" not in client.get("/articles/", query).content.decode()


@pytest.mark.parametrize(
    "query",
    [
        "published_at__year=9999",
        "published_at__year=" + "9" * 25,
        "published_at__year=2020&published_at__month=" + "9" * 25,
        "published_at__year=2020&published_at__month=1&published_at__day=" + "9" * 25,
        "published_at__year=x",
    ],
)
@pytest.mark.parametrize("changelist", ["/admin/articles/article/", "/admin/articles/alertbanner/"])
def test_admin_date_drill_downs_past_the_calendar_are_refused_cleanly(changelist, query):
    """A date drill-down no date can hold gets the admin's "bad filter" answer, not a 500."""
    client = Client(raise_request_exception=False)
    client.force_login(make_superuser())
    query = query.replace("published_at", "starts_at") if "alertbanner" in changelist else query
    response = client.get(f"{changelist}?{query}")
    assert response.status_code == 302 and response["Location"].endswith("?e=1")


def test_the_audit_export_refuses_a_range_ending_on_the_last_date_there_is():
    """The export's end day needs a day after it: 31 December 9999 is a form error, not a 500."""
    client = Client(raise_request_exception=False)
    client.force_login(make_superuser())
    for query in ["?start=9999-12-31&end=9999-12-31", "?start=2020-01-01&end=9999-12-31"]:
        response = client.get(f"/admin/articles/articleevent/export/{query}")
        assert response.status_code == 400
        assert "end" in response.context["form"].errors
    at = "/admin/articles/articleevent/?at__year=" + "9" * 25
    assert client.get(at)["Location"].endswith("?e=1")
