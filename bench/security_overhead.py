"""What the security layer costs per request, measured against a real server on loopback.

    .venv/bin/python bench/security_overhead.py [--requests 600] [--blocks 2000]

Sets up a throw-away demo shop (``tillit demo --no-serve`` in a temporary directory), fills
the IP blocklist with ``--blocks`` addresses and a few ranges, and starts two gunicorn
servers on 127.0.0.1 from the same database: one with the security layer (the default) and
one without it (``TILLIT_SECURITY_MIDDLEWARE=0``). It then requests the same pages from
both in turn, one request at a time, and prints p50/p99 latency per page and the time the
layer adds. Target: under 2 ms added at p50. Everything stays on this machine; the servers
are stopped at the end.
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

TARGET_MS = 2.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _run(argv, env):
    subprocess.run([sys.executable, "-m", "tillit", *argv], env=env, check=True,
                   stdout=subprocess.DEVNULL)


def _fill_blocklist(env, count: int) -> None:
    script = f"""
import datetime as dt, django
django.setup()
from django.utils import timezone
from tillit.security.models import IPBlock
until = timezone.now() + dt.timedelta(days=1)
IPBlock.objects.all().delete()
rows = [IPBlock(network=f"10.{{n // 65536 % 256}}.{{n // 256 % 256}}.{{n % 256}}",
                reason="bench", expires_at=until) for n in range({count})]
rows += [IPBlock(network=f"192.0.{{n}}.0/24", reason="bench", expires_at=until)
         for n in range(20)]
IPBlock.objects.bulk_create(rows)
"""
    subprocess.run([sys.executable, "-c", script], env=env, check=True)


def _serve(env, port, log):
    return subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "tillit.wsgi:application", "--bind",
         f"127.0.0.1:{port}", "--workers", "1", "--threads", "1", "--log-level", "warning"],
        env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)


def _wait(url, proc, deadline=60):
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        if proc.poll() is not None:
            raise SystemExit(f"the server at {url} exited early")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"the server at {url} did not answer")


def _pct(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=600, help="per page and server")
    parser.add_argument("--blocks", type=int, default=2000, help="blocked addresses")
    args = parser.parse_args()
    if not 10 <= args.requests <= 20000:
        parser.error("--requests must be between 10 and 20000")

    with tempfile.TemporaryDirectory(prefix="tillit-bench-") as tmp:
        var = Path(tmp)
        env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        env.update(DJANGO_SETTINGS_MODULE="tillit.settings.demo", TILLIT_VAR_DIR=str(var),
                   DATABASE_URL=f"sqlite:///{var / 'bench.sqlite3'}")
        print("Setting up a demo shop ...", flush=True)
        _run(["demo", "--no-serve", "--db", str(var / "bench.sqlite3")], env)
        _fill_blocklist(env, args.blocks)

        servers, procs = {}, []
        with open(var / "servers.log", "w") as log:
            try:
                for label, flag in (("with", "1"), ("without", "0")):
                    port = _free_port()
                    proc = _serve({**env, "TILLIT_SECURITY_MIDDLEWARE": flag}, port, log)
                    procs.append(proc)
                    servers[label] = f"http://127.0.0.1:{port}"
                    _wait(servers[label] + "/", proc)
                home = httpx.get(servers["with"] + "/").text
                category = re.search(r'href="(/kategori/[^"]+)"', home).group(1)
                product = re.search(r'href="(/produkt/[^"]+)"',
                                    httpx.get(servers["with"] + category).text).group(1)
                pages = ["/", category, product, "/kundvagn/", "/static/tillit/shop.css"]
                timings = {(label, page): [] for label in servers for page in pages}
                with httpx.Client(timeout=10) as http:
                    for _ in range(20):  # warm both servers up
                        for base in servers.values():
                            for page in pages:
                                http.get(base + page)
                    print(f"Measuring {args.requests} requests per page and server ...",
                          flush=True)
                    for _ in range(args.requests):
                        for page in pages:
                            for label, base in servers.items():
                                start = time.perf_counter()
                                response = http.get(base + page)
                                elapsed = (time.perf_counter() - start) * 1000
                                if response.status_code != 200:
                                    raise SystemExit(f"{label} {page}: {response.status_code}")
                                timings[(label, page)].append(elapsed)
            finally:
                for proc in procs:
                    os.killpg(proc.pid, signal.SIGTERM)
                    proc.wait(timeout=15)

    print(f"\n{'page':<34} {'p50 with':>9} {'p50 w/o':>9} {'added':>8}   "
          f"{'p99 with':>9} {'p99 w/o':>9} {'added':>8}   (ms)")
    added_p50 = []
    for page in pages:
        on, off = timings[("with", page)], timings[("without", page)]
        p50 = (statistics.median(on), statistics.median(off))
        p99 = (_pct(on, 0.99), _pct(off, 0.99))
        added_p50.append(p50[0] - p50[1])
        print(f"{page[:34]:<34} {p50[0]:9.2f} {p50[1]:9.2f} {p50[0] - p50[1]:+8.2f}   "
              f"{p99[0]:9.2f} {p99[1]:9.2f} {p99[0] - p99[1]:+8.2f}")
    worst = max(added_p50)
    verdict = "within" if worst < TARGET_MS else "OVER"
    print(f"\nAdded at p50: at most {worst:+.2f} ms per request ({verdict} the "
          f"{TARGET_MS:.0f} ms target), with {args.blocks} blocked addresses and 20 ranges.")
    return 0 if worst < TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
