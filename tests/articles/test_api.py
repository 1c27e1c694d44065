import json
import re
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.utils import timezone
from jsonschema import Draft202012Validator, FormatChecker
from openapi_spec_validator import validate as validate_openapi

from articles.api import OPENAPI_SCHEMA
from tests.articles.test_search import HIDDEN_STATES
from tests.factories import make_article, make_district, make_source
from tests.querycounts import assert_constant_queries

pytestmark = pytest.mark.django_db

FORMATS = FormatChecker(formats=())


@FORMATS.checks("date-time", raises=ValueError)
def _is_date_time(value):
    # Like every format, it applies to strings only (null is the type's business).
    if not isinstance(value, str):
        return True
    return datetime.fromisoformat(value).tzinfo is not None


@FORMATS.checks("uri")
def _is_absolute_uri(value):
    if not isinstance(value, str):
        return True
    parts = urlsplit(value)
    return bool(parts.scheme in {"http", "https"} and parts.netloc)


def response_schema(path, status):
    """The JSON schema the OpenAPI document gives for ``GET path`` answering ``status``."""
    responses = OPENAPI_SCHEMA["paths"][path]["get"]["responses"]
    assert str(status) in responses, f"{path} answered {status}, which is not documented"
    response = responses[str(status)]
    if "$ref" in response:
        response = OPENAPI_SCHEMA["components"]["responses"][response["$ref"].rsplit("/", 1)[1]]
    return response["content"]["application/json"]["schema"]


def get_json(client, url, path, status=200, **params):
    """``GET url``, checked against the OpenAPI document's schema for ``path`` and ``status``."""
    response = client.get(url, params)
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    data = json.loads(response.content)
    schema = {**response_schema(path, status), "components": OPENAPI_SCHEMA["components"]}
    Draft202012Validator(schema, format_checker=FORMATS).validate(data)
    return data


def slugs(data):
    return [item["slug"] for item in data["results"]]


def test_schema_is_valid_openapi_and_is_served(client):
    """/api/schema/ serves an OpenAPI 3.1 document that passes the validator."""
    response = client.get("/api/schema/")
    assert response.status_code == 200
    served = json.loads(response.content)
    assert served == json.loads(json.dumps(OPENAPI_SCHEMA))
    validate_openapi(served)
    assert served["openapi"].startswith("3.1")


def test_schema_documents_every_api_url():
    """Each /api/ URL in the URLconf is described in the schema, and nothing else is."""
    from articles import urls

    api_routes = {
        "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", str(p.pattern))
        for p in urls.urlpatterns
        if str(p.pattern).startswith("api/")
    }
    assert api_routes == set(OPENAPI_SCHEMA["paths"])


def test_index_links_the_collections(client):
    """/api/ links the articles, districts, sources and the schema."""
    data = get_json(client, "/api/", "/api/")
    assert data["articles"] == "http://testserver/api/articles/"
    assert data["schema"] == "http://testserver/api/schema/"


def test_article_list_has_published_stories_newest_first(client):
    """The list holds published stories only, newest first, each with source and districts."""
    wuqing = make_district(name="Wuqing", name_zh="武清区", slug="wuqing")
    source = make_source(name="Tianjin Daily", slug="tianjin-daily", url="https://example.cn/")
    older = make_article(published_at=timezone.now() - timedelta(days=2), source=source)
    newer = make_article(published_at=timezone.now() - timedelta(days=1), districts=[wuqing])
    for state in HIDDEN_STATES:
        make_article(**state)
    data = get_json(client, "/api/articles/", "/api/articles/")
    assert slugs(data) == [newer.slug, older.slug]
    first, second = data["results"]
    assert first["districts"] == [
        {
            "name": "Wuqing",
            "name_zh": "武清区",
            "slug": "wuqing",
            "url": "http://testserver/districts/wuqing/",
        }
    ]
    assert second["source"]["website"] == "https://example.cn/"
    assert first["url"] == "http://testserver" + newer.get_absolute_url()
    assert datetime.fromisoformat(first["published_at"]) == newer.published_at
    assert "body_html" not in first
    assert data["previous"] is None and data["next"] is None


def test_article_list_filters_like_the_list_page(client):
    """district, source, year and month filter the list, and combine."""
    wuqing = make_district(slug="wuqing")
    daily = make_source(slug="daily")
    tz = timezone.get_current_timezone()
    in_march = datetime(2024, 3, 31, 23, 30, tzinfo=tz)
    in_april = datetime(2024, 4, 1, 0, 30, tzinfo=tz)
    a = make_article(districts=[wuqing], source=daily, published_at=in_march)
    b = make_article(districts=[wuqing], published_at=in_april)
    c = make_article(source=daily, published_at=datetime(2023, 3, 5, tzinfo=tz))

    def filtered(**params):
        return set(slugs(get_json(client, "/api/articles/", "/api/articles/", **params)))

    assert filtered(district="wuqing") == {a.slug, b.slug}
    assert filtered(source="daily") == {a.slug, c.slug}
    assert filtered(district="wuqing", source="daily") == {a.slug}
    assert filtered(year=2024) == {a.slug, b.slug}
    assert filtered(year=2024, month=3) == {a.slug}
    assert filtered(year=2024, month=4, district="wuqing") == {b.slug}
    assert filtered(district="no-such-district") == set()


def test_article_list_pages_without_counting(client, django_assert_num_queries):
    """Pages link onward and back; page_size sets their size; no query counts the table."""
    source = make_source()
    made = [make_article(source=source) for _ in range(5)]
    newest_first = [a.slug for a in reversed(made)]
    first = get_json(client, "/api/articles/", "/api/articles/", page_size=2)
    assert slugs(first) == newest_first[:2]
    assert first["next"] == "http://testserver/api/articles/?page=2&page_size=2"
    last = get_json(client, "/api/articles/", "/api/articles/", page=3, page_size=2)
    assert slugs(last) == newest_first[4:]
    assert last["next"] is None
    assert last["previous"] == "http://testserver/api/articles/?page=2&page_size=2"
    with django_assert_num_queries(2) as queries:
        client.get("/api/articles/")
    assert not any("COUNT(" in q["sql"].upper() for q in queries.captured_queries)


def test_next_link_keeps_the_filters(client):
    """The next link repeats the filters."""
    wuqing = make_district(slug="wuqing")
    for _ in range(3):
        make_article(districts=[wuqing])
    data = get_json(client, "/api/articles/", "/api/articles/", district="wuqing", page_size=2)
    assert data["next"] == "http://testserver/api/articles/?district=wuqing&page=2&page_size=2"


@pytest.mark.parametrize(
    "params, field",
    [
        ({"page": "0"}, "page"),
        ({"page": "-1"}, "page"),
        ({"page": "abc"}, "page"),
        ({"page": "9" * 30}, "page"),
        ({"page_size": "101"}, "page_size"),
        ({"year": "20x4"}, "year"),
        ({"year": "99999"}, "year"),
        ({"year": "2024", "month": "13"}, "month"),
        ({"month": "3"}, "month"),
        ({"district": "<script>"}, "district"),
        ({"source": "a b"}, "source"),
        ({"district": "\x00"}, "district"),
        ({"page": ""}, "page"),
        ({"district": "", "year": "2024"}, "district"),
        ({"year": "2024", "month": ""}, "month"),
        ({"distrct": "wuqing"}, "distrct"),
        ({"published": "2024"}, "published"),
        ({"page": "1", "\x00": "1"}, "\x00"),
    ],
)
def test_bad_parameters_are_a_400_naming_them(client, params, field):
    """A bad, empty or unknown parameter is a 400 whose error names it; nothing else happens."""
    make_article()
    data = get_json(client, "/api/articles/", "/api/articles/", status=400, **params)
    assert data["error"]["code"] == "invalid_parameters"
    assert list(data["error"]["detail"]) == [field]


@pytest.mark.parametrize("url", ["/api/districts/", "/api/sources/"])
def test_other_lists_refuse_unknown_and_empty_parameters(client, url):
    """The districts and sources lists take only page and page_size, each with a value."""
    data = get_json(client, url, url, status=400, page_size="", district="hexi")
    assert data["error"]["detail"] == {
        "page_size": ["This field is required."],
        "district": ["Unknown parameter."],
    }


def test_page_past_the_end_is_a_404(client):
    """A page after the last is a 404 with a JSON error."""
    make_article()
    data = get_json(client, "/api/articles/", "/api/articles/", status=404, page=2)
    assert data["error"]["code"] == "page_not_found"


def test_article_detail_has_the_sanitised_body(client):
    """One story, with its body as sanitised HTML and its source URL."""
    article = make_article(
        body='<p onclick="x()">Hello <script>alert(1)</script><b>world</b></p>',
        source_url="https://example.cn/original",
    )
    data = get_json(client, f"/api/articles/{article.slug}/", "/api/articles/{slug}/")
    assert data["slug"] == article.slug
    assert data["body_html"] == article.body
    assert "script" not in data["body_html"] and "onclick" not in data["body_html"]
    assert "<b>world</b>" in data["body_html"]
    assert data["source_url"] == "https://example.cn/original"
    assert data["api_url"] == f"http://testserver/api/articles/{article.slug}/"


def test_article_detail_with_a_chinese_slug(client):
    """Chinese slugs work in the API like on the site."""
    article = make_article(title="北辰区举办秋季招聘会")
    data = get_json(client, f"/api/articles/{article.slug}/", "/api/articles/{slug}/")
    assert data["title"] == "北辰区举办秋季招聘会"


@pytest.mark.parametrize("state", HIDDEN_STATES)
def test_unpublished_article_is_a_404(client, state):
    """Drafts, scheduled, withdrawn and removed stories are not in the API."""
    article = make_article(**state)
    data = get_json(client, f"/api/articles/{article.slug}/", "/api/articles/{slug}/", status=404)
    assert data["error"]["code"] == "not_found"


@pytest.mark.parametrize("segment", ["%C2%8B%0E%C3%A7", "a%20b", "..", "a.b", "%E2%80%A8"])
def test_what_cannot_be_a_slug_is_a_json_404(client, segment):
    """Any path segment, even one no slug could match, is answered by the API's JSON 404."""
    make_article()
    data = get_json(client, f"/api/articles/{segment}/", "/api/articles/{slug}/", status=404)
    assert data["error"]["code"] == "not_found"


def test_nul_byte_in_the_path_is_a_json_400(client):
    """A NUL byte in an API path is refused before any view runs, with the API's JSON error."""
    data = get_json(client, "/api/articles/a%00b/", "/api/articles/{slug}/", status=400)
    assert data["error"]["code"] == "bad_request"


def test_districts_and_sources(client):
    """Districts and sources are listed by name, with their Chinese name (or null) and pages."""
    make_district(
        name="Wuqing", name_zh="武清区", slug="wuqing", description="Between Beijing and Tianjin."
    )
    make_district(name="Baodi", slug="baodi")
    make_source(name="Tianjin Daily", name_zh="天津日报", slug="daily")
    districts = get_json(client, "/api/districts/", "/api/districts/")
    assert slugs(districts) == ["baodi", "wuqing"]
    assert districts["results"][1]["description"] == "Between Beijing and Tianjin."
    assert [(d["name"], d["name_zh"]) for d in districts["results"]] == [
        ("Baodi", None),
        ("Wuqing", "武清区"),
    ]
    sources = get_json(client, "/api/sources/", "/api/sources/")
    assert sources["results"] == [
        {
            "name": "Tianjin Daily",
            "name_zh": "天津日报",
            "slug": "daily",
            "website": None,
            "url": "http://testserver/sources/daily/",
        }
    ]
    get_json(client, "/api/districts/", "/api/districts/", status=400, page="x")


def test_api_is_read_only():
    """Writing methods are refused with a 405 naming the allowed ones, CSRF token or not."""
    client = Client(enforce_csrf_checks=True)
    article = make_article()
    for url in ("/api/articles/", f"/api/articles/{article.slug}/", "/api/districts/"):
        for method in (client.post, client.put, client.delete, client.options):
            response = method(url)
            assert response.status_code == 405, (method, url)
            assert response["Allow"] == "GET, HEAD"


def test_api_can_be_read_from_other_sites(client):
    """Open data: browsers on other sites may read it (no credentials are involved)."""
    make_article()
    assert client.get("/api/articles/")["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize(
    "url", ["/api/articles/", "/api/articles/?district=wuqing", "/api/districts/", "/api/sources/"]
)
def test_api_runs_a_fixed_number_of_queries(client, django_assert_num_queries, url):
    """Each list runs the same queries for 2 items as for 40."""
    wuqing = make_district(slug="wuqing")

    def grow():
        for _ in range(38):
            make_article(districts=[wuqing, make_district()])

    make_article(districts=[wuqing])
    make_article(districts=[wuqing])
    assert_constant_queries(django_assert_num_queries, lambda: client.get(url), grow, most=2)


def test_article_detail_runs_a_fixed_number_of_queries(client, django_assert_num_queries):
    """A story with one district runs the same queries as one with twenty."""
    article = make_article(districts=[make_district()])
    url = f"/api/articles/{article.slug}/"
    assert_constant_queries(
        django_assert_num_queries,
        lambda: client.get(url),
        lambda: article.districts.add(*[make_district() for _ in range(19)]),
        most=2,
    )
