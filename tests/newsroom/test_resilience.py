"""Outages of the database and the cache, the health check, and all-or-nothing saves."""

import json
import logging
import os
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.db import OperationalError, connection
from django.test import Client

from articles.models import Article
from newsroom.cache_backends import ResilientRedisCache
from tests.factories import make_article, make_district, make_source, make_superuser
from tests.faults import ROOT, Forwarder, SiteServer

pytestmark = pytest.mark.django_db


@contextmanager
def database_down(only=None):
    """Every query (or every query containing ``only``) fails as if the server went away."""

    def fail(execute, sql, params, many, context):
        if only is None or only in sql:
            raise OperationalError("server closed the connection unexpectedly")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(fail):
        yield


def redis_available(port=6379):
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
    except OSError:
        return False
    return True


def resilient_cache(location, retry_after=5):
    return {
        "default": {
            "BACKEND": "newsroom.cache_backends.ResilientRedisCache",
            "LOCATION": location,
            "KEY_PREFIX": f"newsroom-test-{os.getpid()}",
            "OPTIONS": {
                "socket_connect_timeout": 0.5,
                "socket_timeout": 0.5,
                "RETRY_AFTER": retry_after,
            },
        }
    }


# --- Database outage, in process ---------------------------------------------------------


def test_public_pages_answer_a_styled_503_when_the_database_is_down(client):
    """Readers get a 503 page in the site's style with Retry-After, never a stack trace."""
    article = make_article()
    for url in ["/", "/articles/", article.get_absolute_url(), "/districts/"]:
        with database_down():
            response = client.get(url)
        assert response.status_code == 503, url
        assert response["Retry-After"] == "30"
        page = response.content.decode()
        assert "The site is temporarily unavailable" in page
        assert 'rel="stylesheet"' in page
        assert "Traceback" not in page and "OperationalError" not in page


def test_the_site_recovers_by_itself_when_the_database_returns(client):
    """The first request after the outage is served normally: no restart needed."""
    article = make_article()
    with database_down():
        assert client.get(article.get_absolute_url()).status_code == 503
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert article.title in response.content.decode()


def test_the_admin_says_the_system_is_unavailable_and_nothing_was_saved(client):
    """An editor saving during an outage is told the system is unavailable; nothing is half-saved."""
    client.force_login(make_superuser())
    source = make_source()
    with database_down(only="articles_article"):
        response = client.post(
            "/admin/articles/article/add/",
            {"title": "Saved during an outage", "source": source.pk, "status": "draft",
             "summary": "", "body": "<p>x</p>", "slug": "", "source_url": ""},
        )  # fmt: skip
    assert response.status_code == 503
    page = response.content.decode()
    assert "The editorial system is unavailable" in page
    assert "Nothing was saved" in page
    assert not Article.objects.filter(title="Saved during an outage").exists()


def test_an_outage_outside_the_view_is_a_503_too():
    """A failure while saving the session, after the view ran, still answers 503."""
    client = Client(raise_request_exception=False)
    client.force_login(make_superuser())
    session = client.session
    session["_newsroom_renewed_at"] = 0  # due for renewal: saved after the view
    session.save()
    with database_down(only='UPDATE "django_session"'):
        response = client.get("/admin/")
    assert response.status_code == 503
    assert "The editorial system is unavailable" in response.content.decode()


def test_a_programming_error_is_still_a_500_not_a_503(client, monkeypatch):
    """Only an unreachable database is reported as unavailable; bugs stay 500s."""
    from articles import views

    def broken(*args, **kwargs):
        raise ValueError("a bug")

    monkeypatch.setattr(views.Article.objects, "front_page", broken)
    client.raise_request_exception = False
    response = client.get("/")
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()


# --- Health check ------------------------------------------------------------------------


def test_health_check_reports_database_and_cache(client):
    """All well: 200 and "ok" for both."""
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["status"] == "ok"
    assert body["cache"]["status"] == "ok"
    assert "no-cache" in response["Cache-Control"]


def test_health_check_fails_when_the_database_is_down(client):
    """Database unreachable: 503, so the load balancer takes the instance out."""
    with database_down():
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content)["database"]["status"] == "error"


def test_health_check_reports_a_dead_cache_as_degraded(client, settings):
    """Cache unreachable: still 200 (pages come from the database), reported as degraded."""
    settings.CACHES = resilient_cache("redis://127.0.0.1:1/0")
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["cache"]["status"] == "error"
    assert body["database"]["status"] == "ok"


# --- Cache outage ------------------------------------------------------------------------


def test_an_unreachable_redis_is_an_empty_cache(settings, caplog):
    """Reads miss, writes are dropped, one warning is logged, and nothing raises."""
    # A location of its own: the outage state is kept per location and process.
    settings.CACHES = resilient_cache("redis://127.0.0.1:1/7")
    with caplog.at_level(logging.WARNING, logger="newsroom.resilience"):
        assert cache.get("anything", "fallback") == "fallback"
        cache.set("key", "value")
        assert cache.add("key", "value") is False
        assert cache.get_many(["a", "b"]) == {}
        assert cache.get_or_set("computed", lambda: 42) == 42
        cache.delete("key")
        with pytest.raises(ValueError):
            cache.incr("counter")
    warnings = [r for r in caplog.records if r.name == "newsroom.resilience"]
    assert len(warnings) == 1
    assert "Cache unavailable" in warnings[0].getMessage()


def test_pages_are_served_while_redis_is_down(client, settings):
    """With the cache unreachable the public pages still answer 200 from the database."""
    settings.CACHES = resilient_cache("redis://127.0.0.1:1/0")
    article = make_article()
    for url in ["/", "/articles/", article.get_absolute_url()]:
        assert client.get(url).status_code == 200


@pytest.mark.skipif(not redis_available(), reason="needs Redis on 127.0.0.1:6379")
def test_the_cache_comes_back_when_redis_does(settings):
    """Redis cut, then restored: the cache misses meanwhile and works again after the pause."""
    forwarder = Forwarder("127.0.0.1", 6379).restore()
    try:
        backend = ResilientRedisCache(
            f"redis://127.0.0.1:{forwarder.port}/0",
            resilient_cache("", retry_after=0.3)["default"],
        )
        backend.set("greeting", "hello", 30)
        assert backend.get("greeting") == "hello"
        forwarder.cut()
        started = time.monotonic()
        assert backend.get("greeting") is None
        assert backend.get("greeting") is None  # while the breaker is open: not even tried
        assert time.monotonic() - started < 2
        forwarder.restore()
        time.sleep(0.4)
        assert backend.get("greeting") == "hello"
        backend.delete("greeting")
    finally:
        forwarder.cut()


# --- Database outage, end to end ---------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_real_server_survives_a_database_outage_and_recovers():
    """
    The site served by a real WSGI server, its PostgreSQL connection cut, then black-holed,
    then restored: 503 quickly each time, no stack trace, and 200 again with no restart.
    """
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: runs in CI with DATABASE_URL")
    article = make_article(title="Still here after the outage")
    db = connection.settings_dict
    forwarder = Forwarder(db["HOST"] or "127.0.0.1", int(db["PORT"] or 5432)).restore()
    server = SiteServer(
        DATABASE_URL=f"postgres://{db['USER']}@127.0.0.1:{forwarder.port}/{db['NAME']}",
        DATABASE_CONNECT_TIMEOUT="2",
        STATIC_ROOT=str(django_settings.STATIC_ROOT),
    )
    try:
        status, _, body, _ = server.get(article.get_absolute_url())
        assert status == 200 and "Still here after the outage" in body

        forwarder.cut()  # the database goes away, with the server's connection open
        for url in [article.get_absolute_url(), "/", "/articles/"]:
            status, headers, body, seconds = server.get(url)
            assert status == 503, (url, body)
            assert "The site is temporarily unavailable" in body
            assert "Traceback" not in body
            assert seconds < 5
        status, _, body, _ = server.get("/healthz")
        assert status == 503 and json.loads(body)["database"]["status"] == "error"

        forwarder.black_hole()  # the database host hangs: connect_timeout bounds the wait
        status, _, body, seconds = server.get("/")
        assert status == 503
        assert 1.5 < seconds < 6  # waited for DATABASE_CONNECT_TIMEOUT=2, not forever

        forwarder.restore()
        status, _, body, _ = server.get(article.get_absolute_url())
        assert status == 200 and "Still here after the outage" in body
        assert server.get("/healthz")[0] == 200
    finally:
        server.stop()
        forwarder.cut()
    # The outage is logged in one line per request, not as a stack trace.
    assert "Database unavailable while serving GET /" in server.stderr
    assert "Traceback" not in server.stderr


# --- All-or-nothing saves ----------------------------------------------------------------


def test_an_admin_save_is_all_or_nothing(client):
    """If writing the districts fails, the article row is not left behind without them."""
    client.force_login(make_superuser())
    source, district = make_source(), make_district()
    with database_down(only="articles_article_districts"):
        response = client.post(
            "/admin/articles/article/add/",
            {"title": "Half a story", "source": source.pk, "status": "draft",
             "districts": [district.pk], "summary": "", "body": "", "slug": "",
             "source_url": "", "language": "en"},
        )  # fmt: skip
    assert response.status_code == 503
    assert not Article.objects.filter(title="Half a story").exists()


KILL_SCENARIO = """
import sys, time
import django
django.setup()
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from articles.admin import ArticleAdmin
from articles.models import Article, District, Source

if sys.argv[1] == "migrate":
    call_command("migrate", verbosity=0)
User = get_user_model()
editor, _ = User.objects.get_or_create(username="killtest", is_staff=True, is_superuser=True)
source, _ = Source.objects.get_or_create(slug="kill-source", name="Kill source")
district, _ = District.objects.get_or_create(slug="kill-district", name="Kill district")
client = Client()
client.force_login(editor)

def post(title):
    return client.post("/admin/articles/article/add/", {
        "title": title, "source": source.pk, "status": "draft", "districts": [district.pk],
        "summary": "", "body": "<p>Every word.</p>", "slug": "", "source_url": "",
        "language": "en",
    })

assert post("Committed before the crash").status_code == 302
original = ArticleAdmin.save_related

def save_related_then_hang(self, request, form, formsets, change):
    original(self, request, form, formsets, change)
    print("row-written", flush=True)  # the article row and its districts are written...
    time.sleep(600)                   # ...but the transaction has not committed

ArticleAdmin.save_related = save_related_then_hang
post("Lost with the worker")
"""


@pytest.mark.django_db(transaction=True)
def test_a_killed_worker_loses_no_committed_data_and_leaves_no_half_save(tmp_path):
    """
    A worker killed (SIGKILL) in the middle of an admin save: the save in progress vanishes
    completely, and what was saved before is intact.
    """
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        url = (
            f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
        )
        step = "ready"
    else:
        # The in-memory test database cannot be shared with another process: use a file.
        url = f"sqlite:///{tmp_path / 'kill.sqlite3'}"
        step = "migrate"
    env = {"PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": "newsroom.settings",
           "DJANGO_SECRET_KEY": "kill-test-only", "DJANGO_ALLOWED_HOSTS": "testserver",
           "DJANGO_HTTPS": "0", "DATABASE_URL": url,
           "STATIC_ROOT": str(django_settings.STATIC_ROOT)}  # fmt: skip
    worker = subprocess.Popen(
        [sys.executable, "-c", KILL_SCENARIO, step], cwd=ROOT, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        line = worker.stdout.readline()
        assert line.strip() == "row-written", worker.stderr.read()
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=30)
        worker.stdout.close()
        worker.stderr.close()

    check = (
        "import django; django.setup(); from articles.models import Article; "
        "print(sorted(Article.objects.values_list('title', flat=True))); "
        "a = Article.objects.get(title='Committed before the crash'); "
        "print(a.body, [d.slug for d in a.districts.all()])"
    )
    result = subprocess.run(
        [sys.executable, "-c", check], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip
    titles, committed = result.stdout.strip().splitlines()
    assert titles == "['Committed before the crash']", result.stderr
    assert committed == "<p>Every word.</p> ['kill-district']"
