"""Renders docs/benchmarks.md from one `make bench` run, checking each target."""

CACHED_SHARE, CACHED_P99_MS = 0.70, 10
UNCACHED = {"list": (0.08, 50), "detail": (0.30, 50), "search": (0.08, 100), "other": (0.0, 50)}
DEEP_FACTOR = 2
ADMIN_MS = 500
RSS_MB, RSS_GROWTH = 150, 0.10
SEED_SECONDS = 60


def mark(ok):
    return "✅" if ok else "❌"


def why_not_met(missed, floor, cores, connections):
    """Each uncached page not met, explained from its CPU time per request in this run."""
    lines = ["### Uncached pages not met, and why", ""]
    measured = floor.get("cpu_app_ms", 0) > 0
    for page, run, target in missed:
        line = (
            f"- **{page['name']}**: {run['rps']:,.0f} requests/s ({run['rps'] / floor['rps']:.1%}"
            f" of the floor), p99 {run['p99_us'] / 1000:.0f} ms; the target is {target}."
        )
        spent = run.get("cpu_app_ms", 0) + run.get("cpu_db_ms", 0)
        if measured and spent > 0 and run["rps"] > 0:
            bound = cores * 1000 / spent
            line += (
                f" Each request took {run['cpu_app_ms']:.1f} ms of CPU in the app and"
                f" {run['cpu_db_ms']:.1f} ms in PostgreSQL,"
                f" {run['cpu_app_ms'] / floor['cpu_app_ms']:.0f}× the floor's"
                f" {floor['cpu_app_ms']:.2f} ms: {cores} cores allow at most about {bound:,.0f} a"
                f" second ({bound / floor['rps']:.1%} of the floor) before wrk, Redis and the kernel"
                f" take their share, and {connections} connections served in turn wait about"
                f" {connections * 1000 / run['rps']:.0f} ms each."
            )
        lines.append(line)
    lines += [
        "",
        "The app's CPU is the page's own work in Python, Django's template engine and ORM"
        " (compiling SQL, building model instances), once the memos above have taken away what is"
        " the same for every reader. At the floor's rate in this run, a page at 8 % of the floor"
        f" may spend about {cores * 1000 / (0.08 * floor['rps']):.1f} ms of CPU a request all in,"
        f" and one at 30 % about {cores * 1000 / (0.30 * floor['rps']):.1f} ms."
        ' docs/performance.md ("Where the uncached targets stand") gives the profile, what was'
        " done and what would go further.",
        "",
    ]
    return lines


def cpu(run):
    """The app's workers' and PostgreSQL's CPU time per request during the run."""
    if "cpu_app_ms" not in run:
        return "–"
    return f"{run['cpu_app_ms']:.2f} + {run['cpu_db_ms']:.2f}"


def render(
    *, measured, runs, memory, seconds_to_seed, total_seconds, machine, commit, date, settings
):
    checks = []
    lines = [
        "# Benchmarks",
        "",
        "Produced by `make bench` (bench/run.py); do not edit by hand, run it again.",
        "",
        f"- Date: {date}; commit {commit}; the run took {total_seconds / 60:.1f} minutes.",
        f"- Machine: {machine['nproc']} CPUs ({machine['cpu']}), {machine['memory']} memory; "
        f"Python {machine['python']}, PostgreSQL {machine['postgresql']}, Redis cache.",
        f"- Load average (1 minute) before the run {machine['load_before']}, after it"
        f" {machine['load_after']}: the benchmark's own server, database and wrk account for about"
        " 2 of it. Other jobs on a shared machine move absolute figures, so every target is a"
        " ratio to the floor measured in the same run, against the same server.",
        f"- Data: {settings['articles']:,} generated stories plus the demo content, in PostgreSQL.",
        f"- Server: gunicorn, {settings['workers']} sync workers, production settings (debug off,"
        " WhiteNoise, Redis cache), 127.0.0.1 only.",
        f"- Load: wrk, 2 threads, {settings['connections']} connections, {settings['seconds']} s per"
        " page after a 2 s warm-up; paths in rotation where a page has several.",
        "- Floor: a minimal Django view (bench/floor.py) returning the home page's bytes from memory,"
        " through the same server, settings and middleware (it skips only the page cache).",
        "- *Cache on*: the whole-page cache serves anonymous readers (pagecache/); *cache off*:"
        " every request rendered (`NEWSROOM_PAGE_CACHE_SECONDS=0`). Memos stay on in both: list"
        " counts and deep-page anchors, districts and sources, the masthead, footer, notices and"
        " list filters, related stories, a search's ranked ids and each sitemap page's entries,"
        " each computed once per content change, and story cards, rendered once per process for"
        ' what they show (docs/performance.md, "Memos").',
        "- CPU ms/request: what the app's gunicorn workers and PostgreSQL spent during the run"
        " (from /proc), divided by the requests served. The two cores also run wrk, Redis and the"
        " kernel, so their sum bounds the requests per second (about 2,000 / sum at best), and with"
        " 8 connections waiting in turn a request's latency is about 8 / (requests per second).",
        "- SQL queries per request are counted in-process with the test client (cache off, memos"
        " warm; *first* is the first request after a content change, memos cold, with its time in"
        " milliseconds, in-process, the slowest of the paths sampled).",
        "",
    ]
    if seconds_to_seed is not None:
        ok = seconds_to_seed < SEED_SECONDS
        checks.append(("loading the stories", ok))
        lines += [
            f"Loading {settings['articles']:,} stories (`seed_demo_data --articles "
            f"{settings['articles']}`): **{seconds_to_seed:.1f} s** (target under {SEED_SECONDS} s) "
            f"{mark(ok)}",
            "",
        ]

    missed_uncached = []
    for mode, title in (("on", "Page cache on"), ("off", "Page cache off")):
        floor = runs[mode]["floor"]
        floor_rps = floor["rps"]
        lines += [
            f"## {title}",
            "",
            f"Floor: **{floor_rps:,.0f} requests/s**, p50 {floor['p50_us'] / 1000:.2f} ms, "
            f"p99 {floor['p99_us'] / 1000:.2f} ms, {floor['errors'] + floor['non_2xx']} errors, "
            f"CPU {cpu(floor)} ms a request.",
            "",
            "| Page | Paths | Requests/s | Share of floor | p50 ms | p99 ms | Errors | SQL/request | CPU ms/request (app + db) | Bytes (gzip) | Target | Met |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |",
        ]
        list_page_1 = runs[mode].get("list, page 1")
        for page in measured["pages"]:
            run = runs[mode][page["name"]]
            share = run["rps"] / floor_rps
            errors = run["errors"] + run["non_2xx"]
            p99 = run["p99_us"] / 1000
            if mode == "on":
                target = f"≥ {CACHED_SHARE:.0%}, p99 < {CACHED_P99_MS} ms"
                ok = share >= CACHED_SHARE and p99 < CACHED_P99_MS and errors == 0
                queries = page["queries_cached"]
            else:
                min_share, max_p99 = UNCACHED[page["kind"]]
                target = (f"≥ {min_share:.0%}, " if min_share else "") + f"p99 < {max_p99} ms"
                ok = share >= min_share and p99 < max_p99 and errors == 0
                queries = f"{page['queries']} (first {page['queries_cold']}"
                if "ms_cold" in page:
                    queries += f", {page['ms_cold']:.0f} ms"
                queries += ")"
                if page["deep"] and list_page_1:
                    factor = run["p50_us"] / max(list_page_1["p50_us"], 1)
                    deep_ok = (
                        factor <= DEEP_FACTOR and list_page_1["rps"] / run["rps"] <= DEEP_FACTOR
                    )
                    target += f"; ≤ {DEEP_FACTOR}× page 1 (p50 {factor:.2f}×)"
                    ok = ok and deep_ok
            checks.append((f"{page['name']}, cache {mode}", ok))
            if mode == "off" and not ok:
                missed_uncached.append((page, run, target))
            lines.append(
                f"| {page['name']} | {page['paths']} | {run['rps']:,.0f} | {share:.1%} | "
                f"{run['p50_us'] / 1000:.2f} | {p99:.2f} | {errors} | {queries} | {cpu(run)} | "
                f"{page['bytes']:,} ({page['bytes_gzip']:,}) | {target} | {mark(ok)} |"
            )
        lines.append("")

    if missed_uncached:
        lines += why_not_met(
            missed_uncached, runs["off"]["floor"], machine["nproc"], settings["connections"]
        )

    lines += [
        "## Query plans",
        "",
        "Every query the pages above ran (first request after a change, so counts and anchors"
        " included) was checked with `EXPLAIN`: sequential scans on tables over 10,000 rows:",
        "",
    ]
    for page in measured["pages"]:
        ok = not page["seq_scans"]
        checks.append((f"{page['name']}: query plans", ok))
        found = ", ".join(page["seq_scans"]) or "none"
        lines.append(f"- {page['name']}: {found} {mark(ok)}")
    lines.append("")

    lines += [
        "## Admin article list",
        "",
        "Logged in as a superuser, never cached; median of 3 after a warm-up request. The target"
        " (filtered and searched, under 500 ms, constant queries) applies to the first four rows;"
        " the deep page is shown for information.",
        "",
        "| View | ms | SQL queries | Met (< 500 ms) |",
        "| --- | ---: | ---: | --- |",
    ]
    query_counts = set()
    for row in measured["admin"]:
        ok = row["ms"] < ADMIN_MS
        checks.append((f"admin: {row['name']}", ok))
        query_counts.add(row["queries"])
        lines.append(
            f"| {row['name']} (`{row['url']}`) | {row['ms']:.0f} | {row['queries']} | {mark(ok)} |"
        )
    lines.append("")

    if memory:
        lines += ["## Worker memory", ""]
        lines.append(
            f"Resident memory of each gunicorn worker (cache off) after a warm-up, then after "
            f"{memory['requests']:,} more requests over every page above ({memory['errors']} errors):"
        )
        lines.append("")
        lines += [
            "| Worker | Before MB | After MB | Growth | Met (< 150 MB, ≤ 10 %) |",
            "| --- | ---: | ---: | ---: | --- |",
        ]
        for pid, before in memory["before"].items():
            after = memory["after"].get(pid, before)
            growth = (after - before) / before if before else 0
            ok = (
                after < RSS_MB
                and growth <= RSS_GROWTH
                and memory["requests"] >= settings["memory_requests"] * 0.99
            )
            checks.append((f"worker {pid} memory", ok))
            lines.append(f"| {pid} | {before:.1f} | {after:.1f} | {growth:+.1%} | {mark(ok)} |")
        lines.append("")

    met = sum(ok for _, ok in checks)
    summary = f"**{met} of {len(checks)} checks met.**"
    missed = [name for name, ok in checks if not ok]
    if missed:
        summary += " Not met: " + "; ".join(missed) + "."
    lines.insert(2, summary + "\n")
    return "\n".join(lines) + "\n"
