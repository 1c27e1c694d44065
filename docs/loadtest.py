"""
Sustained load against a Newsroom server on this machine: N connections for T seconds.

    python docs/loadtest.py http://127.0.0.1:8000 / /articles/ /articles/<slug>/ \\
        --connections 64 --seconds 60

Each connection is a keep-alive HTTP/1.1 client that requests the given paths in turn as fast
as the server answers. At the end it prints requests per second, latency percentiles and the
count of each status; it exits 1 if any request failed or answered 5xx. Only loopback
addresses are accepted, and the run stops by itself after ``--seconds``.
"""

import argparse
import http.client
import ipaddress
import socket
import sys
import threading
import time
from collections import Counter
from urllib.parse import urlsplit


def out(line):
    sys.stdout.write(line + "\n")


def loopback_only(host):
    for info in socket.getaddrinfo(host, None):
        if not ipaddress.ip_address(info[4][0]).is_loopback:
            sys.exit(f"{host} is not a loopback address: this tool only loads this machine.")


def worker(host, port, paths, deadline, offset, results, lock):
    statuses, latencies, errors = Counter(), [], Counter()
    connection = http.client.HTTPConnection(host, port, timeout=30)
    n = offset
    while time.monotonic() < deadline:
        path = paths[n % len(paths)]
        n += 1
        started = time.monotonic()
        try:
            connection.request("GET", path, headers={"Host": host})
            response = connection.getresponse()
            response.read()
            statuses[response.status] += 1
            latencies.append(time.monotonic() - started)
            if response.getheader("Connection", "").lower() == "close":
                connection.close()
        except (OSError, http.client.HTTPException) as exc:
            errors[type(exc).__name__] += 1
            connection.close()
            connection = http.client.HTTPConnection(host, port, timeout=30)
    connection.close()
    with lock:
        results["statuses"].update(statuses)
        results["errors"].update(errors)
        results["latencies"].extend(latencies)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("base", help="e.g. http://127.0.0.1:8000")
    parser.add_argument("paths", nargs="+", help="paths to request in turn, e.g. / /articles/")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--seconds", type=float, default=60)
    args = parser.parse_args(argv)
    base = urlsplit(args.base)
    if base.scheme != "http" or not base.hostname:
        sys.exit("BASE must be an http:// URL on this machine.")
    loopback_only(base.hostname)
    if not 1 <= args.connections <= 512 or not 0 < args.seconds <= 600:
        sys.exit("--connections must be 1-512 and --seconds at most 600.")

    results = {"statuses": Counter(), "errors": Counter(), "latencies": []}
    lock = threading.Lock()
    deadline = time.monotonic() + args.seconds
    threads = [
        threading.Thread(
            target=worker,
            args=(base.hostname, base.port or 80, args.paths, deadline, i, results, lock),
            daemon=True,
        )
        for i in range(args.connections)
    ]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=args.seconds + 60)
    elapsed = time.monotonic() - started

    latencies = sorted(results["latencies"])
    total = len(latencies)

    def percentile(p):
        return latencies[min(int(p / 100 * total), total - 1)] * 1000 if total else 0

    out(f"{total} responses in {elapsed:.1f}s: {total / elapsed:.0f}/s")
    out(f"latency ms: p50 {percentile(50):.0f}  p95 {percentile(95):.0f}  "
        f"p99 {percentile(99):.0f}  max {percentile(100):.0f}")  # fmt: skip
    out(f"statuses: {dict(sorted(results['statuses'].items()))}")
    if results["errors"]:
        out(f"errors: {dict(results['errors'])}")
    server_errors = sum(c for s, c in results["statuses"].items() if s >= 500)
    return 1 if results["errors"] or server_errors or not total else 0


if __name__ == "__main__":
    sys.exit(main())
