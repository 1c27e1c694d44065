"""
`make loadtest`: 64 connections for 60 s against 100,000 stories, served as in production.
Fails (exit status 1) on any socket error or timeout and on any response other than 200.

1. Recreates the PostgreSQL database newsroom_loadtest (no other name is accepted), migrates,
   loads 100,000 generated stories (`seed_demo_data --force --articles 100000 --seed 1`) and
   runs VACUUM ANALYZE.
2. Picks the pages: home, the list (first, second, deep and last pages), 200 stories spread
   over the archive, and searches in English and Chinese for words the generated stories
   contain. Each is requested once in-process, rendered (nothing cached): it must answer 200,
   and a search must find something.
3. Serves the site as in production: gunicorn with 2 sync workers and its default worker timeout,
   debug off, a random secret key, Redis as the cache under a key prefix of its own, on
   127.0.0.1 (plain HTTP there, so DJANGO_HTTPS=0). The page cache starts empty.
4. Drives it with wrk (Debian package, installed with apt-get if missing) and bench/loadtest.lua:
   64 connections, one per wrk thread, for 60 s, rotating through the pages in a fixed mix
   (MIX); a response later than 5 s counts as a timeout.
5. Prints requests, requests per second, latency and statuses per kind of page; fails on any
   connect/read/write error, timeout, status other than 200, or a worker that gunicorn had to
   replace. The run's Redis keys are deleted and the server stopped however it ends.

Environment: LOADTEST_ARTICLES (100000), LOADTEST_SECONDS (60), LOADTEST_CONNECTIONS (64),
LOADTEST_PORT (8108), LOADTEST_DATABASE_URL (postgres://postgres@127.0.0.1:5432/newsroom_loadtest),
LOADTEST_REDIS_URL (redis://127.0.0.1:6379/8), LOADTEST_PAGE_CACHE_SECONDS (unset: the production
default; 0 renders every request), LOADTEST_SKIP_LOAD=1 (reuse the loaded database).
"""

import json
import math
import os
import random
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from urllib.parse import quote

from bench import run
from bench.run import Server, base_environment, clear_redis, ensure_wrk, load_database, log, manage

run.LOG_TAG = "loadtest"

ROOT = run.ROOT
BUILD = ROOT / "build" / "loadtest"
ARTICLES = int(os.environ.get("LOADTEST_ARTICLES", "100000"))
SECONDS = int(os.environ.get("LOADTEST_SECONDS", "60"))
CONNECTIONS = int(os.environ.get("LOADTEST_CONNECTIONS", "64"))
PORT = int(os.environ.get("LOADTEST_PORT", "8108"))
DATABASE_URL = os.environ.get(
    "LOADTEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/newsroom_loadtest"
)
DATABASE_PREFIX = "newsroom_loadtest"
REDIS_URL = os.environ.get("LOADTEST_REDIS_URL", "redis://127.0.0.1:6379/8")
PAGE_CACHE_SECONDS = os.environ.get("LOADTEST_PAGE_CACHE_SECONDS")
# wrk counts a response slower than this as a timeout (an error).
TIMEOUT_SECONDS = 5
# The timeline's step.
WINDOW_SECONDS = 10
# gunicorn's own default, as a deployment that follows the README gets.
WORKER_TIMEOUT = 30
DETAIL_PAGES = 200
# Share of requests per kind of page: readers mostly open stories from the home page and lists.
MIX = {"home": 15, "list": 15, "detail": 50, "search": 20}
ROTATION_LENGTH = 2000
# Besides bench/pages.py's words, phrases and district names the generated stories contain
# (demo/content.py).
SEARCH_PHRASES = ["health centre", "job fair", "electric buses", "Wuqing", "武清", "热线"]
LIST_PAGES = [1, 2, 50, 1000]


def main():
    # A TERM (kill, CI stopping) unwinds like Ctrl-C: the server is stopped, the keys deleted.
    signal.signal(signal.SIGTERM, _terminated)
    # Bounded in count and time, whatever the environment says.
    if not 1 <= CONNECTIONS <= 512 or not 1 <= SECONDS <= 600:
        sys.exit("LOADTEST_CONNECTIONS must be 1-512 and LOADTEST_SECONDS 1-600.")
    log(f"load average {_load()}")
    check_services()
    ensure_wrk()
    prefix = f"newsroom-loadtest-{secrets.token_hex(4)}"
    env = environment(prefix)
    if os.environ.get("LOADTEST_SKIP_LOAD") != "1":
        load_database(env, articles=ARTICLES, name_prefix=DATABASE_PREFIX)
    BUILD.mkdir(parents=True, exist_ok=True)
    manage("collectstatic", "--noinput", "-v0", env=env)
    rotation_file = write_rotation(pages(env))
    try:
        with Server(env, port=PORT, timeout=WORKER_TIMEOUT) as server:
            workers = set(server.worker_pids())
            cpu, machine = cpu_seconds(workers), machine_cpu_seconds()
            log(f"{CONNECTIONS} connections for {SECONDS} s (load average {_load()})")
            result = drive(rotation_file)
            replaced = workers - set(server.worker_pids())
            cpu = cpu_seconds(workers - replaced) - cpu
            machine = [
                after - before for after, before in zip(machine_cpu_seconds(), machine, strict=True)
            ]
    finally:
        # Nothing of this run stays in the shared Redis, even when it stops half-way.
        clear_redis(prefix, REDIS_URL)
    log(f"done (load average {_load()})")
    _out(table(result))
    _out(timeline(result["windows"]))
    if result["requests"] and not replaced:
        # Latency grows when other jobs share the machine; the CPU a response costs hardly does.
        busy, total = machine
        _out(
            f"CPU: the machine's {os.cpu_count()} CPUs were {busy / total:.0%} busy, gunicorn's "
            f"workers used {cpu / total:.0%} of them ({cpu:.1f} CPU seconds, "
            f"{cpu / result['requests'] * 1000:.2f} ms a response)."
        )
    problems = failures(result, replaced)
    if problems:
        _out("\nLOAD TEST FAILED:\n" + "\n".join(f"- {problem}" for problem in problems))
        sys.exit(1)
    _out(f"\nLoad test passed: {result['requests']:,} responses, all 200, no socket error.")


def _terminated(signum, frame):
    raise SystemExit("Load test stopped by SIGTERM.")


def _out(text):
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def _load():
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def cpu_seconds(pids):
    """User and system CPU time used so far by the processes ``pids``."""
    ticks = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def machine_cpu_seconds():
    """Busy and total CPU time of the whole machine so far (all CPUs), from /proc/stat."""
    ticks = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    idle = ticks[3] + ticks[4]  # idle and iowait
    clock = os.sysconf("SC_CLK_TCK")
    return (sum(ticks) - idle) / clock, sum(ticks) / clock


def check_services():
    """Stop early, saying why, when a service is missing or the port is taken."""
    import psycopg2
    import redis

    try:
        psycopg2.connect(DATABASE_URL.rsplit("/", 1)[0] + "/postgres", connect_timeout=5).close()
    except psycopg2.OperationalError as error:
        sys.exit(f"PostgreSQL is not reachable ({DATABASE_URL}): {error}")
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=5).ping()
    except redis.RedisError as error:
        sys.exit(f"Redis is not reachable ({REDIS_URL}): {error}")
    try:
        socket.create_connection(("127.0.0.1", PORT), timeout=1).close()
    except OSError:
        return
    sys.exit(f"Port {PORT} is already in use: set LOADTEST_PORT to a free one.")


def environment(prefix):
    """Production settings, as bench/run.py uses them, on plain HTTP and a fresh cache prefix."""
    env = dict(
        base_environment(),
        DATABASE_URL=DATABASE_URL,
        DJANGO_SECRET_KEY=secrets.token_urlsafe(40),
        DJANGO_HTTPS="0",
        STATIC_ROOT=str(BUILD / "static"),
        REDIS_URL=REDIS_URL,
        CACHE_KEY_PREFIX=prefix,
    )
    if PAGE_CACHE_SECONDS is not None:
        env["NEWSROOM_PAGE_CACHE_SECONDS"] = PAGE_CACHE_SECONDS
    return env


def pages(env):
    """
    The paths of each kind of page, checked by ``check_pages()`` in a process of its own: page
    cache off and memos in that process's memory, so the server starts with an empty cache.
    """
    output = BUILD / "pages.json"
    env = dict(env, NEWSROOM_PAGE_CACHE_SECONDS="0")
    del env["REDIS_URL"]
    started = time.monotonic()
    checked = subprocess.run(
        [run.PYTHON, "-m", "bench.loadtest", "check-pages", str(output)], cwd=ROOT, env=env
    )
    if checked.returncode != 0:
        sys.exit("The pages to load could not be checked (see above).")
    paths = json.loads(output.read_text())
    count = sum(len(found) for found in paths.values())
    log(f"{count} paths answer 200 (rendered in-process, {time.monotonic() - started:.1f} s)")
    return paths


def check_pages(output):
    """
    Write the paths of each kind of page to ``output`` (JSON), after requesting each once
    in-process: every one must answer 200, every search must find something.
    """
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    django.setup()

    from django.db import connections
    from django.test import Client

    from articles.models import Article
    from bench.pages import SEARCH_WORDS_EN, SEARCH_WORDS_ZH, detail_paths

    last = max(1, -(-Article.objects.published().count() // 20))
    numbers = sorted({n for n in LIST_PAGES if n <= last} | {last})
    paths = {
        "home": ["/"],
        "list": [f"/articles/?page={n}" if n > 1 else "/articles/" for n in numbers],
        "detail": detail_paths(DETAIL_PAGES),
        "search": [
            f"/search/?q={quote(words)}"
            for words in SEARCH_WORDS_EN + SEARCH_WORDS_ZH + SEARCH_PHRASES
        ],
    }
    paths = {kind: [quote(path, safe="/?=&%") for path in found] for kind, found in paths.items()}
    client = Client(HTTP_HOST="127.0.0.1")
    for kind, found in paths.items():
        for path in found:
            response = client.get(path)
            if response.status_code != 200:
                sys.exit(
                    f"{path} answered {response.status_code} before any load: fix the page list."
                )
            if kind == "search" and b"<mark>" not in response.content:
                sys.exit(f"{path} finds nothing: pick words the generated stories contain.")
    connections.close_all()
    Path(output).write_text(json.dumps(paths, indent=1))


def write_rotation(paths):
    """ROTATION_LENGTH requests in the proportions of MIX, each kind cycling through its paths."""
    rng = random.Random(1)
    turn = dict.fromkeys(paths, 0)
    lines = []
    for kind in rng.choices(list(MIX), weights=list(MIX.values()), k=ROTATION_LENGTH):
        lines.append(f"{kind} {paths[kind][turn[kind] % len(paths[kind])]}\n")
        turn[kind] += 1
    rotation_file = BUILD / "rotation.txt"
    rotation_file.write_text("".join(lines))
    return rotation_file


def drive(rotation_file):
    command = [
        "wrk", f"-t{CONNECTIONS}", f"-c{CONNECTIONS}", f"-d{SECONDS}s",
        "--timeout", f"{TIMEOUT_SECONDS}s", "-s", str(ROOT / "bench" / "loadtest.lua"),
        f"http://127.0.0.1:{PORT}",
    ]  # fmt: skip
    responses = BUILD / "responses"
    shutil.rmtree(responses, ignore_errors=True)
    responses.mkdir()
    env = dict(os.environ, LOADTEST_ROTATION=str(rotation_file), LOADTEST_OUT=str(responses))
    finished = subprocess.run(command, env=env, capture_output=True, text=True)
    lines = finished.stdout.splitlines()
    summary = [line for line in lines if line.startswith("{")]
    if finished.returncode != 0 or not summary:
        sys.exit(
            f"wrk failed (exit status {finished.returncode}):\n{finished.stdout}{finished.stderr}"
        )
    _out("\n".join(line for line in lines if not line.startswith("{")) + finished.stderr)
    return dict(json.loads(summary[-1]), **tally(responses))


def tally(folder):
    """
    From the lines bench/loadtest.lua wrote for each response: per kind of page the statuses,
    the responses later than the timeout and the latency; per WINDOW_SECONDS of the run the
    responses and the slowest.
    """
    kinds, windows = {}, {}
    for file in folder.glob("thread-*.txt"):
        for line in file.read_text().splitlines():
            kind, status, latency, since_start = line.split()
            figures = kinds.setdefault(kind, {"statuses": Counter(), "latencies": []})
            figures["statuses"][status] += 1
            figures["latencies"].append(int(latency))
            window = windows.setdefault(
                int(since_start) // (WINDOW_SECONDS * 1_000_000), {"responses": 0, "max_us": 0}
            )
            window["responses"] += 1
            window["max_us"] = max(window["max_us"], int(latency))
    for figures in kinds.values():
        latencies = sorted(figures.pop("latencies"))
        figures.update(
            statuses=dict(figures["statuses"]),
            late=sum(latency > TIMEOUT_SECONDS * 1_000_000 for latency in latencies),
            p50_us=_percentile(latencies, 50),
            p99_us=_percentile(latencies, 99),
            max_us=latencies[-1],
        )
    return {
        "kinds": {kind: kinds[kind] for kind in sorted(kinds, key=list(MIX).index)},
        "windows": [
            windows.get(i, {"responses": 0, "max_us": 0})
            for i in range(max(windows, default=-1) + 1)
        ],
    }


def _percentile(ordered, p):
    return ordered[max(0, math.ceil(len(ordered) * p / 100) - 1)]


def table(result):
    seconds = result["duration_us"] / 1e6
    rows = [("page", "requests", "req/s", "p50 ms", "p99 ms", "max ms", "statuses")]
    for kind, figures in result["kinds"].items():
        statuses = figures["statuses"]
        rows.append(
            (
                kind,
                f"{sum(statuses.values()):,}",
                f"{sum(statuses.values()) / seconds:.0f}",
                f"{figures['p50_us'] / 1000:.1f}",
                f"{figures['p99_us'] / 1000:.1f}",
                f"{figures['max_us'] / 1000:.1f}",
                ", ".join(f"{status}: {count:,}" for status, count in sorted(statuses.items())),
            )
        )
    errors = ", ".join(f"{name} {result[name]}" for name in ("connect", "read", "write", "timeout"))
    rows.append(
        (
            "all",
            f"{result['requests']:,}",
            f"{result['requests'] / seconds:.0f}",
            f"{result['p50_us'] / 1000:.1f}",
            f"{result['p99_us'] / 1000:.1f}",
            f"{result['max_us'] / 1000:.1f}",
            f"socket errors: {errors}",
        )
    )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    return "\n".join(
        "  ".join(
            cell.ljust(width) if i == 0 else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(row, widths, strict=False))
        )
        + "  "
        + row[-1]
        for row in rows
    )


def timeline(windows):
    """The responses, and the slowest, in each window of the run (the first: the cache filling)."""
    responses = " | ".join(f"{window['responses']:,}" for window in windows)
    slowest = " | ".join(f"{window['max_us'] / 1000:,.0f}" for window in windows)
    return f"Every {WINDOW_SECONDS} s, responses: {responses}\n          slowest ms: {slowest}"


def failures(result, replaced):
    """What went wrong in the run, one sentence each; none when it passed."""
    problems = []
    errors = {name: result[name] for name in ("connect", "read", "write")}
    if any(errors.values()):
        problems.append(
            "socket errors: " + ", ".join(f"{name} {count}" for name, count in errors.items())
        )
    late = {kind: figures["late"] for kind, figures in result["kinds"].items() if figures["late"]}
    if result["timeout"] or late:
        problems.append(
            f"timeouts: {sum(late.values())} responses came later than {TIMEOUT_SECONDS} s ("
            + (", ".join(f"{kind} {count}" for kind, count in late.items()) or "none")
            + f"); wrk counted {result['timeout']} timeouts (one every 2 s for each request "
            f"still unanswered after {TIMEOUT_SECONDS} s)"
        )
    answered = 0
    for kind, figures in result["kinds"].items():
        for status, count in figures["statuses"].items():
            answered += count
            code = int(status)
            if code >= 500:
                problems.append(f"{count:,} server errors ({status}) on {kind} pages")
            elif code != 200:
                problems.append(
                    f"{count:,} responses {status} on {kind} pages, which all answered 200 "
                    "before the load"
                )
    if answered != result["requests"]:
        problems.append(
            f"wrk counted {result['requests']:,} responses but the script {answered:,}: "
            "statuses went uncounted"
        )
    if not result["requests"]:
        problems.append("no response at all")
    if replaced:
        problems.append(
            f"gunicorn replaced {len(replaced)} worker(s) during the run (killed after "
            f"{WORKER_TIMEOUT} s on one request, or crashed): see its log above"
        )
    return problems


if __name__ == "__main__":
    if sys.argv[1:2] == ["check-pages"]:
        check_pages(sys.argv[2])
    else:
        try:
            main()
        except KeyboardInterrupt:
            sys.exit("Load test interrupted.")
