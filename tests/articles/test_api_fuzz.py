"""
The JSON API fuzzed from its own OpenAPI description with Schemathesis.

The description is the one the site serves at /api/schema/, fetched through the WSGI
application in-process, which then answers every generated request. Each operation gets
Schemathesis's coverage phase (boundary values, each parameter missing or invalid, other
methods) and its fuzzing phase, valid and invalid, and every response goes through all of its
checks: never a 5xx; status code, content type, headers and body as documented; invalid
parameters refused and valid ones accepted; a method the description does not list a 405.

Demo content is loaded first, and the fuzzer mixes the site's real slugs into the values it
tries, so that responses carry real stories (English and Chinese), districts and sources.

The run is the same every time (a fixed seed, derandomized generation, no example
database) and bounded by ``max-examples`` per operation; HYPOTHESIS_PROFILE=thorough tries
many more.
"""

import io
import os
from datetime import timedelta

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.utils import timezone
from schemathesis.config import SchemathesisConfig

from articles.models import Article, District, Source
from tests.factories import make_article, make_district, make_source

MAX_EXAMPLES = 300 if os.environ.get("HYPOTHESIS_PROFILE") == "thorough" else 25


@pytest.fixture
def demo_site(db, settings):
    """
    The demo content (districts, sources, stories in every state, English and Chinese), and
    more districts, sources and stories of both languages, so that each list has pages.
    """
    settings.DEBUG = True  # seed_demo_data refuses otherwise
    call_command("seed_demo_data", stdout=io.StringIO())
    settings.DEBUG = False
    districts = [
        make_district(name=f"新区 {n}", slug=f"new-area-{n}", description=f"第 {n} 个新区。")
        for n in range(21)
    ]
    sources = [
        make_source(name=f"来源 {n}", slug=f"press-{n}", url=f"https://example.cn/{n}/")
        for n in range(21)
    ]
    for n in range(24):
        chinese = n % 2 == 1
        make_article(
            title=f"第 {n} 条区务新闻" if chinese else f"District news number {n}",
            summary="今天的区务新闻。" if chinese else "Today's district news.",
            language="zh-hans" if chinese else "en",
            source=sources[n % 3],
            source_url=f"https://example.cn/news/{n}/" if n % 4 else "",
            districts=districts[n % 5 : n % 5 + n % 3],
            published_at=timezone.now() - timedelta(days=45 * n, hours=1),
        )


def slugs(queryset):
    # Sorted here, not by the database: the same order on SQLite and PostgreSQL.
    return sorted(queryset.values_list("slug", flat=True))


def fuzz_config():
    """The run's settings, with the site's own slugs for the fuzzer to mix into its values."""
    return SchemathesisConfig.from_dict(
        {
            "seed": 8,
            "generation": {
                "mode": "all",
                "deterministic": True,
                "database": "none",
                "max-examples": MAX_EXAMPLES,
            },
            "dictionaries": {
                "articles": {"values": slugs(Article.objects.published())},
                "districts": {"values": slugs(District.objects.all())},
                "sources": {"values": slugs(Source.objects.all())},
            },
            "parameters": {
                "path.slug": {"dictionary": "articles", "probability": 0.5},
                "query.district": {"dictionary": "districts", "probability": 0.5},
                "query.source": {"dictionary": "sources", "probability": 0.5},
            },
        }
    )


@pytest.fixture
def api_schema(demo_site, request):
    """
    The description as the site serves it, bound to the WSGI application.

    The test's transaction (which holds the demo content) stays open across requests: like
    Django's test client, the handler then leaves the connection alone at each request's
    start and end instead of closing it.
    """
    # Schemathesis 4.32 names each operation's report through Node._nodeid, which pytest 9.2
    # no longer has (nodeid is read-only, from Node._id): give it one to rewrite.
    if not hasattr(request.node, "_nodeid"):
        request.node._nodeid = request.node.nodeid
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/schema/", WSGIHandler(), config=fuzz_config())
    finally:
        for signal in (request_started, request_finished):
            signal.connect(close_old_connections)


# Schemathesis leaves out the operation that served the description unless a filter names it:
# this one names every operation of the API.
schema = schemathesis.pytest.from_fixture("api_schema").include(path_regex="^/api/")


@schema.parametrize()
def test_api_conforms_to_its_schema(case):
    """Every operation answers generated requests as its description says, and never with a 5xx."""
    # Called in-process, where nothing undoes gzip as an HTTP client would (the API is gzipped
    # for clients that ask: tests/pagecache/test_compression.py).
    case.call_and_validate(headers={"Accept-Encoding": "identity"})
