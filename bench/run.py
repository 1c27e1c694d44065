"""
`make bench`: Newsroom at scale, measured against a floor in the same run.

1. Recreates the PostgreSQL bench database, loads N generated stories (`seed_demo_data
   --articles N`, timed) and runs VACUUM ANALYZE.
2. Measures in-process (bench/measure.py): SQL queries per page, query plans, bytes, the admin.
3. Serves the site with gunicorn (production settings, debug off, 2 workers, Redis cache) on
   127.0.0.1 and drives it with wrk (8 connections, bounded in time) for the floor and every
   page of bench/pages.py, with the page cache on and then off.
4. Measures worker memory over 20,000 requests, and writes docs/benchmarks.md.

Environment: BENCH_ARTICLES (100000), BENCH_SECONDS per run (8), BENCH_PORT (8107),
BENCH_DATABASE_URL (postgres://postgres@127.0.0.1:5432/newsroom_bench),
BENCH_REDIS_URL (redis://127.0.0.1:6379/7), BENCH_OUTPUT (docs/benchmarks.md).
"""

import json
import os
import platform
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "build" / "bench"
ARTICLES = int(os.environ.get("BENCH_ARTICLES", "100000"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "8"))
WARMUP_SECONDS = 2
CONNECTIONS = 8
WORKERS = 2
MEMORY_REQUESTS = 20_000
PORT = int(os.environ.get("BENCH_PORT", "8107"))
DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/newsroom_bench"
)
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/7")
OUTPUT = Path(os.environ.get("BENCH_OUTPUT", ROOT / "docs" / "benchmarks.md"))
FLOOR_PATH = "/__bench__/floor/"
PYTHON = sys.executable
# Names the lines this module logs; bench/loadtest.py, which reuses it, says "loadtest".
LOG_TAG = "bench"


def log(message):
    print(f"[{LOG_TAG} {time.strftime('%H:%M:%S')}] {message}", flush=True)  # noqa: T201


def main():
    started = time.monotonic()
    load_before = os.getloadavg()[0]
    revision = commit()
    ensure_wrk()
    if os.environ.get("BENCH_SKIP_LOAD") != "1":
        seconds_to_seed = load_database()
    else:
        seconds_to_seed = None
    BUILD.mkdir(parents=True, exist_ok=True)
    prefix = f"newsroom-bench-{secrets.token_hex(4)}"
    env = server_environment(prefix)
    try:
        manage("collectstatic", "--noinput", "-v0", env=env)
        log("measuring queries, plans and the admin in-process")
        subprocess.run([PYTHON, "-m", "bench.measure", str(BUILD)], cwd=ROOT, env=env, check=True)
        measured = json.loads((BUILD / "measure.json").read_text())
        (BUILD / "paths-floor.txt").write_text(FLOOR_PATH + "\n")

        runs = {}
        memory = None
        for mode, seconds in (("on", "600"), ("off", "0")):
            with Server(dict(env, NEWSROOM_PAGE_CACHE_SECONDS=seconds)) as server:
                runs[mode] = {"floor": drive("floor", server)}
                for page in measured["pages"]:
                    runs[mode][page["name"]] = drive(_slug(page["name"]), server)
                if mode == "off":
                    memory = measure_memory(server, measured["pages"])
    finally:
        # Nothing of this run stays in the shared Redis, even when it stops half-way.
        clear_redis(prefix)
    report = render(
        measured, runs, memory, seconds_to_seed, time.monotonic() - started, revision, load_before
    )
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(report)
    log(f"wrote {OUTPUT} in {time.monotonic() - started:.0f} s")


def ensure_wrk():
    if shutil.which("wrk"):
        return
    log("installing wrk (Debian package)")
    install = ["apt-get", "install", "-y", "-q", "wrk"]
    if subprocess.run(install, capture_output=True).returncode != 0:
        subprocess.run(["apt-get", "update", "-q"], check=True, capture_output=True)
        subprocess.run(install, check=True, capture_output=True)


def manage(*args, env=None, **kwargs):
    return subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env or base_environment(), check=True, **kwargs
    )


def base_environment():
    return dict(
        os.environ,
        DATABASE_URL=DATABASE_URL,
        DJANGO_SECRET_KEY=os.environ.get("DJANGO_SECRET_KEY") or secrets.token_urlsafe(40),
        DJANGO_DEBUG="0",
        # Plain HTTP on 127.0.0.1: production settings otherwise redirect every request to https.
        DJANGO_HTTPS="0",
        STATIC_ROOT=str(BUILD / "static"),
    )


def server_environment(prefix):
    return dict(
        base_environment(),
        REDIS_URL=REDIS_URL,
        CACHE_KEY_PREFIX=prefix,
        NEWSROOM_BENCH_FLOOR_FILE=str(BUILD / "floor.html"),
    )


def load_database(env=None, articles=ARTICLES, name_prefix="newsroom_bench"):
    """
    Recreate the database of ``env``'s DATABASE_URL (its name must start with ``name_prefix``),
    migrate, load ``articles`` generated stories and run VACUUM ANALYZE.
    """
    import psycopg2

    env = env or base_environment()
    database_url = env["DATABASE_URL"]
    name = urlparse(database_url).path.lstrip("/")
    if not name.startswith(name_prefix):
        sys.exit(f"Refusing to recreate {name!r}: the name must start with {name_prefix}.")
    admin = psycopg2.connect(database_url.rsplit("/", 1)[0] + "/postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        log(f"recreating database {name}")
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()
    manage("migrate", "--noinput", "-v0", env=env)
    log(f"loading {articles:,} generated stories")
    before = time.monotonic()
    manage("seed_demo_data", "--force", "--articles", str(articles), "--seed", "1", env=env)
    seconds = time.monotonic() - before
    connection = psycopg2.connect(database_url)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    connection.close()
    return seconds


class Server:
    """gunicorn on 127.0.0.1:``port``, stopped (with its workers) on exit."""

    def __init__(self, env, port=PORT, timeout=300):
        self.env = env
        self.port = port
        # Seconds a sync worker may spend on one request (or an idle connection) before
        # gunicorn replaces it (its own default is 30). 300 for the bench: when one wrk thread
        # finishes first, its idle connections must not get a worker replaced in the middle of
        # the memory run.
        self.timeout = timeout
        self.process = None
        self.ready = None

    def __enter__(self):
        command = [
            PYTHON, "-m", "gunicorn", "newsroom.wsgi", "--bind", f"127.0.0.1:{self.port}",
            "--workers", str(WORKERS), "--worker-class", "sync", "--log-level", "warning",
            "--timeout", str(self.timeout), "--config", "python:bench.gunicorn_ready",
        ]  # fmt: skip
        self.ready = Path(tempfile.mkdtemp(prefix="newsroom-gunicorn-"))
        env = dict(self.env, NEWSROOM_GUNICORN_READY_DIR=str(self.ready))
        self.process = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
        deadline = time.monotonic() + 60
        # Every worker has loaded the application (bench/gunicorn_ready.py).
        while time.monotonic() < deadline and self.process.poll() is None:
            if len(list(self.ready.iterdir())) >= WORKERS:
                cache = self.env.get("NEWSROOM_PAGE_CACHE_SECONDS", "600")
                log(f"gunicorn up on 127.0.0.1:{self.port} (cache {cache} s)")
                return self
            time.sleep(0.2)
        self.__exit__(None, None, None)
        raise RuntimeError("gunicorn did not start")

    def __exit__(self, *exc):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        if self.ready:
            shutil.rmtree(self.ready, ignore_errors=True)

    def worker_pids(self):
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()]

    def pids(self):
        """The arbiter and its workers."""
        return [self.process.pid, *self.worker_pids()]


def wrk(paths_file, seconds, stop_after=0):
    env = dict(os.environ, BENCH_PATHS=str(paths_file), BENCH_STOP_AFTER=str(stop_after))
    command = [
        "wrk", "-t2", f"-c{CONNECTIONS}", f"-d{seconds}s", "--timeout", "5s",
        "-s", str(ROOT / "bench" / "wrk.lua"), f"http://127.0.0.1:{PORT}",
    ]  # fmt: skip
    output = subprocess.run(command, env=env, capture_output=True, text=True, check=True).stdout
    line = [line for line in output.splitlines() if line.startswith("{")][-1]
    return json.loads(line)


def prime(paths_file):
    """One request per path, so a rotation starts with every page cached (or memos warm)."""
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
    for path in paths_file.read_text().split():
        connection.request("GET", path)
        connection.getresponse().read()
    connection.close()


def drive(slug, server):
    """
    wrk on one page's paths, with the CPU time the app's workers and PostgreSQL spent per
    request meanwhile (from /proc: on two cores, their sum bounds the requests per second).
    """
    paths_file = BUILD / f"paths-{slug}.txt"
    prime(paths_file)
    wrk(paths_file, WARMUP_SECONDS)
    # Listed at each reading, with the parents (gunicorn's arbiter, the postmaster) that count
    # the workers and backends ended during the run: those started meanwhile count too.
    before = cpu_seconds(server.pids()), cpu_seconds(_pids_named("postgres"))
    result = wrk(paths_file, SECONDS)
    after = cpu_seconds(server.pids()), cpu_seconds(_pids_named("postgres"))
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    requests = max(result["requests"], 1)
    result["cpu_app_ms"] = (after[0] - before[0]) / requests * 1000
    result["cpu_db_ms"] = (after[1] - before[1]) / requests * 1000
    log(f"{slug}: {result['rps']:.0f} req/s, p99 {result['p99_us'] / 1000:.1f} ms")
    return result


def cpu_seconds(pids):
    """
    User and system CPU seconds the processes ``pids`` have used, with their children that have
    exited: a PostgreSQL backend (or a gunicorn worker) that ends during a run is counted by the
    parent that reaped it, so the sum never drops. Every process named postgres counts: on a
    machine running another cluster, the database figure includes it.
    """
    ticks = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ticks += sum(int(field) for field in fields[11:15])  # utime, stime, cutime, cstime
    return ticks / os.sysconf("SC_CLK_TCK")


def _pids_named(name):
    pids = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and (entry / "comm").read_text().strip() == name:
                pids.append(int(entry.name))
        except OSError:
            continue
    return pids


def rss_mb(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def measure_memory(server, pages):
    """Worker RSS after a warm-up, then after 20,000 more requests over every page."""
    everything = BUILD / "paths-everything.txt"
    everything.write_text(
        "".join((BUILD / f"paths-{_slug(page['name'])}.txt").read_text() for page in pages)
    )
    wrk(everything, 3)
    before = {pid: rss_mb(pid) for pid in server.worker_pids()}
    # Each of wrk's two threads stops after half the requests (or after 240 s at most).
    result = wrk(everything, 240, stop_after=MEMORY_REQUESTS // 2)
    after = {pid: rss_mb(pid) for pid in server.worker_pids()}
    log(f"memory: {before} -> {after} over {result['requests']:,} requests")
    return {
        "before": before,
        "after": after,
        "requests": result["requests"],
        "errors": result["errors"] + result["non_2xx"],
    }


def clear_redis(prefix, url=REDIS_URL):
    import redis

    client = redis.Redis.from_url(url)
    keys = list(client.scan_iter(f"{prefix}:*", count=1000))
    if keys:
        client.delete(*keys)


def _slug(name):
    return "".join(c if c.isalnum() else "-" for c in name.lower()).strip("-")


def machine():
    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    memory = 0
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            memory = int(line.split()[1]) / 1024 / 1024
    pg = subprocess.run(
        [PYTHON, "-c", "import psycopg2, sys; c = psycopg2.connect(sys.argv[1]); "
         "print(c.server_version)", DATABASE_URL],
        capture_output=True, text=True,
    ).stdout.strip()  # fmt: skip
    return {
        "nproc": os.cpu_count(),
        "memory": f"{memory:.1f} GiB",
        "cpu": cpu,
        "python": platform.python_version(),
        "postgresql": f"{int(pg) // 10000}.{int(pg) % 100}" if pg.isdigit() else "unknown",
    }


def commit():
    head = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    ).stdout.strip()
    return f"{head or 'unknown'}{' (with uncommitted changes)' if dirty else ''}"


def render(measured, runs, memory, seconds_to_seed, total_seconds, revision, load_before):
    from bench.report import render as render_report

    return render_report(
        measured=measured, runs=runs, memory=memory, seconds_to_seed=seconds_to_seed,
        total_seconds=total_seconds, machine=dict(machine(), load_before=f"{load_before:.2f}",
        load_after=f"{os.getloadavg()[0]:.2f}"), commit=revision,
        date=datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        settings={"articles": ARTICLES, "seconds": SECONDS, "connections": CONNECTIONS,
                  "workers": WORKERS, "memory_requests": MEMORY_REQUESTS},
    )  # fmt: skip


if __name__ == "__main__":
    main()
