"""Two app servers sharing one PostgreSQL database and one Redis behave as one site."""

import http.cookiejar
import os
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection

from articles.models import Article
from tests import ROOT
from tests.factories import make_article, make_superuser

REDIS_URL = os.environ.get("NEWSROOM_TEST_REDIS_URL", "redis://127.0.0.1:6379/7")
PASSWORD = "two-servers-test-password"
TIMEOUT = 15

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def free_ports(count):
    """Ports from NEWSROOM_TEST_PORTS ("8108,8109"), else ones the kernel says are free."""
    if os.environ.get("NEWSROOM_TEST_PORTS"):
        return [int(p) for p in os.environ["NEWSROOM_TEST_PORTS"].split(",")][:count]
    sockets = [socket.socket() for _ in range(count)]
    for s in sockets:
        s.bind(("127.0.0.1", 0))
    ports = [s.getsockname()[1] for s in sockets]
    for s in sockets:
        s.close()
    return ports


def database_url():
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class Servers:
    """gunicorn instances on loopback, with the test database and one Redis, stopped on exit."""

    def __init__(self, ports, prefix):
        self.ports, self.processes = ports, []
        self.env = dict(
            os.environ,
            DJANGO_DEBUG="0",
            # Plain HTTP on loopback: no redirect to HTTPS, cookies not Secure-only.
            DJANGO_HTTPS="0",
            DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
            DJANGO_SECRET_KEY=settings.SECRET_KEY,
            DATABASE_URL=database_url(),
            DATABASE_CONN_MAX_AGE="0",
            REDIS_URL=REDIS_URL,
            CACHE_KEY_PREFIX=prefix,
            STATIC_ROOT=str(settings.STATIC_ROOT),
        )

    def __enter__(self):
        for port in self.ports:
            self.processes.append(
                subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "gunicorn",
                        "newsroom.wsgi",
                        "--bind",
                        f"127.0.0.1:{port}",
                        "--workers",
                        "1",
                        "--log-level",
                        "warning",
                    ],
                    cwd=ROOT,
                    env=self.env,
                    start_new_session=True,
                )  # fmt: skip
            )
        deadline = time.monotonic() + 60
        for port in self.ports:
            while True:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        raise RuntimeError(f"gunicorn did not start on port {port}") from None
                    time.sleep(0.2)
        return self

    def __exit__(self, *exc):
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


class Browser:
    """A cookie jar shared across servers, as one browser behind one load balancer."""

    def __init__(self):
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def get(self, port, path):
        with self.opener.open(f"http://127.0.0.1:{port}{path}", timeout=TIMEOUT) as response:
            return response.status, response.geturl(), response.read().decode()

    def post(self, port, path, data):
        body = urllib.parse.urlencode(data, doseq=True).encode()
        request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=body)
        request.add_header("Referer", f"http://127.0.0.1:{port}{path}")
        with self.opener.open(request, timeout=TIMEOUT) as response:
            return response.status, response.geturl(), response.read().decode()


def csrf_token(html):
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def test_publishing_through_one_server_shows_on_the_others_cached_pages():
    """
    An article published through server A is on server B's cached pages at once, and a
    session and CSRF token from one server work on the other.
    """
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: two servers cannot share the test's SQLite database")
    import redis

    try:
        redis_client = redis.Redis.from_url(REDIS_URL, socket_timeout=2)
        redis_client.ping()
    except redis.RedisError:
        pytest.skip(f"needs Redis at {REDIS_URL} (NEWSROOM_TEST_REDIS_URL)")

    editor = make_superuser(username="desk")
    # The servers use the production password hashers, not the tests' fast one.
    hasher = PBKDF2PasswordHasher()
    editor.password = hasher.encode(PASSWORD, hasher.salt())
    editor.save(update_fields=["password"])
    make_article(title="Already public")
    story = make_article(title="Two servers story", status=Article.Status.IN_REVIEW)

    prefix = f"newsroom-test-{secrets.token_hex(4)}"
    a, b = free_ports(2)
    try:
        with Servers([a, b], prefix):
            reader = Browser()
            for _ in range(2):
                status, _, page = reader.get(b, "/articles/")
                assert status == 200 and "Already public" in page
                assert "Two servers story" not in page
            assert list(redis_client.scan_iter(f"{prefix}:*page*")), "B's page was not cached"

            desk = Browser()
            _, _, login = desk.get(a, "/admin/login/?next=/admin/")
            status, url, _ = desk.post(
                a,
                "/admin/login/?next=/admin/",
                {"username": "desk", "password": PASSWORD,
                 "csrfmiddlewaretoken": csrf_token(login), "next": "/admin/"},
            )  # fmt: skip
            assert status == 200 and url.endswith("/admin/"), url

            # Logged in through A, the session works on B; B's form token is accepted by A.
            change = f"/admin/articles/article/{story.pk}/change/"
            status, url, _ = desk.get(b, change)
            assert status == 200 and url.endswith(change), url
            # Approved through A with the approval page's form as B rendered it.
            approve = f"/admin/articles/article/{story.pk}/workflow/approve/"
            status, url, form = desk.get(b, approve)
            assert status == 200 and url.endswith(approve), url
            token = re.search(r'name="approve-token" value="([^"]*)"', form).group(1)
            status, url, _ = desk.post(
                a,
                approve,
                {
                    "csrfmiddlewaretoken": csrf_token(form),
                    "approve-token": token,
                    "approve-at": "",
                    "approve-confirm": "on",
                },
            )
            assert status == 200 and url.endswith(change), url
            story.refresh_from_db()
            assert story.is_published()

            status, _, page = reader.get(b, "/articles/")
            assert "Two servers story" in page
            assert reader.get(b, story.get_absolute_url())[0] == 200
            assert "Two servers story" in reader.get(a, "/")[2]
    finally:
        keys = list(redis_client.scan_iter(f"{prefix}:*"))
        if keys:
            redis_client.delete(*keys)
