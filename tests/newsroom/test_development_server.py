"""`make run`'s server (runserver, debug on) on PostgreSQL: a sweep leaves no connection behind."""

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from tests import ROOT
from tests.factories import make_article, make_district, make_source

PARALLEL = 8


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url):
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, ""


def backends():
    """Connections to the test database other than this test's own."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_runserver_leaves_no_idle_connections_after_parallel_requests():
    """
    runserver serves each request in a thread of its own. Eight readers sweeping every address
    of the sitemap get only 200s; PostgreSQL never holds more connections than requests in
    flight, and none once the sweep is over (a connection kept by an ended thread would stay,
    idle, until PostgreSQL refused new ones).
    """
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: runs in CI with DATABASE_URL")
    for n in range(6):
        make_article(districts=[make_district()], source=make_source(), title=f"Story {n}")
    db = connection.settings_dict
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env={
            "PATH": os.environ["PATH"],
            # As `make run` serves; the key keeps a checkout's .env out of the test.
            "DJANGO_DEBUG": "1",
            "DJANGO_SECRET_KEY": "runserver-test-only",
            "DATABASE_URL": "postgres://{}{}@{}:{}/{}".format(
                db["USER"],
                f":{db['PASSWORD']}" if db["PASSWORD"] else "",
                db["HOST"] or "127.0.0.1",
                db["PORT"] or 5432,
                db["NAME"],
            ),  # fmt: skip
            # Every request reaches the database.
            "NEWSROOM_PAGE_CACHE_SECONDS": "0",
        },
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, "no runserver"
                time.sleep(0.2)
        sections = re.findall(r"<loc>(.*?)</loc>", get(base + "/sitemap.xml")[1])
        urls = [
            url for section in sections for url in re.findall(r"<loc>(.*?)</loc>", get(section)[1])
        ]
        assert len(urls) > 20
        peak = 0
        with ThreadPoolExecutor(PARALLEL) as pool:
            answers = pool.map(get, urls * 4)
            statuses = Counter()
            for status, _ in answers:
                statuses[status] += 1
                peak = max(peak, backends())
        assert statuses == Counter({200: len(urls) * 4})
        assert peak <= PARALLEL
        deadline = time.monotonic() + 5
        while backends() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert backends() == 0
    finally:
        server.terminate()
        server.wait(timeout=15)
