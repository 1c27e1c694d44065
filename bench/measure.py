"""
The in-process half of `make bench`, run under Django against the bench database.

For each page of bench/pages.py: the paths to rotate through, SQL queries per request (page
cache off, memos warm; and with the page cache on), bytes, and the plan of every query the page
runs, checked for sequential scans on large tables. Also times the admin's article list with
filters and search, and writes the floor's bytes (the home page). Writes one JSON file.

    python -m bench.measure OUTPUT_DIR
"""

import json
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import quote

import django

LARGE_TABLE_ROWS = 10_000


def main(out_dir):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    django.setup()

    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    from articles.models import District, Source
    from bench.pages import PAGES
    from pagecache import content_changed

    out_dir = Path(out_dir)
    client = Client(HTTP_HOST="127.0.0.1")
    large_tables = _large_tables(connection)
    results = {"pages": [], "admin": []}

    for page in PAGES:
        paths = page.resolve()
        (out_dir / f"paths-{_slug(page.name)}.txt").write_text(
            "".join(quote(p, safe="/?=&%") + "\n" for p in paths)
        )
        sample = paths[:: max(1, len(paths) // 10)]
        with override_settings(NEWSROOM_PAGE_CACHE_SECONDS=0):
            for path in sample:
                client.get(path)  # templates compiled: "first" times a content change alone
            content_changed()
            seq_scans, cold = set(), []
            for path in sample:
                with CaptureQueriesContext(connection) as queries:
                    response = client.get(path)
                assert response.status_code == 200, (path, response.status_code)
                cold.append(len(queries))
                for query in queries.captured_queries:
                    seq_scans |= _seq_scans(connection, query["sql"], large_tables)
            warm, sizes, gzipped = [], [], []
            for path in sample:
                with CaptureQueriesContext(connection) as queries:
                    response = client.get(path)
                warm.append(len(queries))
                sizes.append(len(response.content))
                # What a browser receives: it asks for gzip.
                packed = client.get(path, headers={"accept-encoding": "gzip"})
                gzipped.append(len(packed.content))
            # Each path's first request after a change (every memo cold): median of three.
            cold_ms = []
            for path in sample:
                timings = []
                for _ in range(3):
                    content_changed()
                    started = time.perf_counter()
                    client.get(path)
                    timings.append((time.perf_counter() - started) * 1000)
                cold_ms.append(statistics.median(timings))
        cached = []
        for path in sample:
            client.get(path)
            with CaptureQueriesContext(connection) as queries:
                client.get(path)
            cached.append(len(queries))
        results["pages"].append(
            {
                "name": page.name,
                "deep": page.deep,
                "kind": page.kind,
                "paths": len(paths),
                "example": paths[0],
                "queries_cold": max(cold),
                "ms_cold": max(cold_ms),
                "queries": max(warm),
                "queries_cached": max(cached),
                "bytes": round(statistics.mean(sizes)),
                "bytes_gzip": round(statistics.mean(gzipped)),
                "seq_scans": sorted(seq_scans),
            }
        )

    with override_settings(NEWSROOM_PAGE_CACHE_SECONDS=0):
        (out_dir / "floor.html").write_bytes(client.get("/").content)

    admin, _ = get_user_model().objects.get_or_create(
        username="bench-admin", defaults={"is_staff": True, "is_superuser": True}
    )
    client.force_login(admin)
    district = District.objects.get(slug="wuqing")
    source = Source.objects.order_by("pk").first()
    base = "/admin/articles/article/"
    from articles.models import Article

    deep = min(1000, max(1, -(-Article.objects.count() // 100)))
    for name, query in [
        ("unfiltered", ""),
        (
            "filtered by status and district",
            f"?status__exact=published&districts__id__exact={district.pk}",
        ),
        ("searched", "?q=Wuqing"),
        (
            "searched and filtered",
            f"?q=water&status__exact=published&source__id__exact={source.pk}",
        ),
        ("page 1,000 unfiltered", f"?p={deep}"),
    ]:
        client.get(base + query)
        timings, counts = [], []
        for _ in range(3):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(base + query)
                timings.append(time.perf_counter() - started)
            assert response.status_code == 200, (query, response.status_code)
            counts.append(len(queries))
        results["admin"].append(
            {"name": name, "url": base + query, "ms": statistics.median(timings) * 1000,
             "queries": max(counts), "target": not name.startswith("page ")}
        )  # fmt: skip
    (out_dir / "measure.json").write_text(json.dumps(results, indent=2, ensure_ascii=False))


def _slug(name):
    return "".join(c if c.isalnum() else "-" for c in name.lower()).strip("-")


def _large_tables(connection):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname FROM pg_class WHERE relkind = 'r' AND reltuples > %s",
            [LARGE_TABLE_ROWS],
        )
        return {row[0] for row in cursor.fetchall()}


def _seq_scans(connection, sql, large_tables):
    """Tables scanned sequentially by ``sql`` (as executed, parameters inlined)."""
    if not sql.lstrip().upper().startswith("SELECT"):
        return set()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql)
        plan = cursor.fetchone()[0]
    found = set()

    def walk(node):
        if node.get("Node Type") == "Seq Scan" and node.get("Relation Name") in large_tables:
            found.add(node["Relation Name"])
        for child in node.get("Plans", []):
            walk(child)

    walk(plan[0]["Plan"])
    return found


if __name__ == "__main__":
    main(sys.argv[1])
