"""How fast a newsletter campaign goes out, and whether the worker's memory stays flat
(issue 12 §7).

    .venv/bin/python bench/campaign_benchmark.py [--subscribers 10000 100000]
        [--db postgres://postgres@127.0.0.1:5432/tillit_bench_campaign]

For each size it (re)creates the PostgreSQL database ``--db``, migrates it and loads that
many newsletter subscribers into the consent ledger with COPY (each a confirmed sign-up,
as ``marketing.services.confirm`` records it), writes a campaign and starts it as the admin
does (``campaigns.start``: the first batch task waits in the database). Then it runs the
production worker, ``tillit db_worker --batch``, in its own process, which works through
the chain of batch tasks: per recipient a send row, a message rendered for them (their own
unsubscribe link and RFC 8058 headers) and handed to the mail backend. The backend builds
each message as Django's locmem backend does and keeps only a count
(bench/campaign_settings.py).

It reports the worker's messages per second (its run less the same worker's start and stop
with an empty queue, measured after), the worker's peak memory (the kernel's maximum
resident set of the process), and, as the ceiling, the rate at which this machine builds
and hands over the same messages with no database, no rendering and no worker (the ratio
says how close the campaign comes to the cost of the messages themselves). It checks that
every subscriber got exactly one message.

Targets: at least 2,000 messages per second; the worker's peak memory at the largest size
within 10 % of that at the smallest. Nothing leaves this machine; the database is dropped
at the end unless ``--keep``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import scratch_db

PROJECT = Path(__file__).resolve().parents[1]
TARGET_RATE = 2000
MEMORY_GROWTH = 1.10
BODY = """# Vinterns nyheter på Teknikboden

Nu finns **nya studiomikrofoner** och hörlurar i butiken, och kablarna är 20 % billigare
hela veckan.

- Kondensatormikrofoner för röst och instrument
- Slutna hörlurar för inspelning
- XLR-kablar i alla längder

[Se nyheterna](https://teknikboden.example/kategori/mikrofoner/)
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--subscribers", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--db", default="postgres://postgres@127.0.0.1:5432/"
                                        "tillit_bench_campaign")
    parser.add_argument("--keep", action="store_true", help="keep the last database")
    parser.add_argument("--child", choices=["load", "check"], help=argparse.SUPPRESS)
    parser.add_argument("--count", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child == "load":
        print(json.dumps(load(args.count)))
        return
    if args.child == "check":
        print(json.dumps(check(args.count)))
        return
    results = []
    for n, size in enumerate(args.subscribers):
        results.append(run_size(size, args.db))
        if n < len(args.subscribers) - 1 or not args.keep:
            scratch_db.drop(args.db)
    _report(results)


def _env(db: str, **extra) -> dict:
    return {**os.environ, "DATABASE_URL": db, "DJANGO_SETTINGS_MODULE": "campaign_settings",
            "PYTHONPATH": os.pathsep.join([str(PROJECT / "src"), str(PROJECT / "bench")]),
            **extra}


def _child(step: str, size: int, db: str) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child", step, "--count", str(size)],
                         env=_env(db), cwd=PROJECT, capture_output=True, text=True)
    sys.stderr.write(out.stderr)
    if out.returncode:
        raise SystemExit(f"{step} with {size:,} subscribers failed")
    return json.loads(out.stdout.strip().splitlines()[-1])


def _worker(db: str, count_file: str) -> tuple[float, int]:
    """Run ``tillit db_worker --batch`` until the queue is empty: (seconds, peak KiB)."""
    started = time.perf_counter()
    worker = subprocess.Popen(
        [sys.executable, "-m", "tillit", "db_worker", "--batch", "--no-startup-delay",
         "--interval", "0.1", "--no-reload", "--verbosity", "0"],
        env=_env(db, BENCH_MAIL_COUNT=count_file), cwd=PROJECT)
    _, status, usage = os.wait4(worker.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status):
        raise SystemExit("the worker failed")
    return seconds, usage.ru_maxrss


def run_size(size: int, db: str) -> dict:
    scratch_db.recreate(db)
    print(f"Loading {size:,} subscribers ...", file=sys.stderr, flush=True)
    loaded = _child("load", size, db)
    with tempfile.TemporaryDirectory() as tmp:
        count_file = os.path.join(tmp, "sent")
        print(f"Sending to {size:,} ...", file=sys.stderr, flush=True)
        seconds, peak_kib = _worker(db, count_file)
        handed = int(Path(count_file).read_text().split()[0])
        idle_seconds, idle_kib = _worker(db, os.path.join(tmp, "idle"))
    checked = _child("check", size, db)
    busy = max(seconds - idle_seconds, 1e-9)
    return {"subscribers": size, "load_s": loaded["load_s"], "seconds": seconds,
            "idle_seconds": idle_seconds, "rate": handed / busy, "peak_kib": peak_kib,
            "idle_kib": idle_kib, "handed": handed, **checked}


def _report(results: list[dict]) -> None:
    print("\nA newsletter campaign through the production worker (PostgreSQL, this "
          "machine):\n")
    print(f"{'subscribers':>11} {'worker s':>9} {'(start+stop)':>12} {'messages/s':>11} "
          f"{'ceiling/s':>10} {'share':>6} {'peak MiB':>9} {'(idle)':>7}")
    for r in results:
        print(f"{r['subscribers']:>11,} {r['seconds']:>9.1f} {r['idle_seconds']:>12.1f} "
              f"{r['rate']:>11,.0f} {r['ceiling_rate']:>10,.0f} "
              f"{r['rate'] / r['ceiling_rate']:>6.0%} {r['peak_kib'] / 1024:>9.1f} "
              f"{r['idle_kib'] / 1024:>7.1f}")
    for r in results:
        print(f"{r['subscribers']:,}: loaded in {r['load_s']:.1f} s; {r['handed']:,} messages "
              f"handed over, {r['sends']:,} send rows, {r['waiting']} waiting, campaign "
              f"{r['status']}; load average {r['loadavg']:.1f}")
    ok = all(r["handed"] == r["sends"] == r["subscribers"] and r["waiting"] == 0
             for r in results)
    worst = min(r["rate"] for r in results)
    print(f"\nEvery subscriber exactly one message: {'yes' if ok else 'NO'}.")
    print(f"Target: at least {TARGET_RATE:,} messages/s: "
          f"{'met' if worst >= TARGET_RATE else 'NOT met'} (slowest {worst:,.0f}/s).")
    if len(results) > 1:
        small, large = min(results, key=lambda r: r["subscribers"]), max(
            results, key=lambda r: r["subscribers"])
        growth = large["peak_kib"] / small["peak_kib"]
        print(f"Target: peak memory flat ({large['subscribers']:,} vs "
              f"{small['subscribers']:,}: x{growth:.2f}, at most x{MEMORY_GROWTH:.2f}): "
              f"{'met' if growth <= MEMORY_GROWTH else 'NOT met'}.")
    if not ok:
        raise SystemExit(1)


# The children: load one size; check what the worker did ----------------------------------


def load(size: int) -> dict:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from tillit.marketing import campaigns
    from tillit.marketing.models import Campaign
    from tillit.marketing.privacy import NEWSLETTER
    from tillit.privacy import consents
    from tillit.privacy.datamap import CONSENT
    from tillit.privacy.models import Consent

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    words = consents.text_for(str(NEWSLETTER.ask), "sv")
    now = timezone.now()
    columns = ("occurred_at", "email", "phone", "visitor", "topic", "given", "basis",
               "text_id", "method", "note", "proof", "ip")
    with connection.cursor() as cursor, cursor.connection.cursor() as raw, raw.copy(
            f'COPY "{Consent._meta.db_table}" ({", ".join(columns)}) FROM STDIN') as copy:
        for i in range(size):
            copy.write_row((now, f"prenumerant{i}@example.com", "", "", NEWSLETTER.key, True,
                            CONSENT, words.pk, Consent.Method.FORM, "", "", "192.0.2.1"))
    with connection.cursor() as cursor:
        cursor.execute(f'ANALYZE "{Consent._meta.db_table}"')
    load_s = time.perf_counter() - started
    campaign = Campaign.objects.create(subject="Vinterns nyheter", body=BODY)
    if not campaigns.start(campaign):
        raise SystemExit("the campaign did not start")
    return {"load_s": load_s, "campaign": campaign.pk}


def check(size: int) -> dict:
    import django

    django.setup()
    from campaign_settings import CountingBackend
    from django.core.mail import EmailMultiAlternatives

    from tillit.core import mail
    from tillit.core.models import OutgoingMail
    from tillit.marketing import campaigns
    from tillit.marketing.models import Campaign, CampaignSend

    campaign = Campaign.objects.get()
    sends = CampaignSend.objects.filter(campaign=campaign).count()
    # The ceiling: messages of the same size built and handed over, nothing else.
    text, html = campaigns.render_body(campaign.body)
    subject, text, html = mail._render("marketing/email/campaign", {
        "subject": campaign.subject, "text": text, "html": html, "basis": "consent",
        "unsubscribe": "https://x.example/nyhetsbrev/avregistrera/" + "x" * 60 + "/"}, "sv")
    sample = OutgoingMail(subject=subject, text=text, html=html)
    n = min(size, 20_000)
    backend = CountingBackend()
    started = time.perf_counter()
    for i in range(n):
        message = EmailMultiAlternatives(
            sample.subject, sample.text, "butik@example.com", [f"p{i}@example.com"],
            headers={"List-Unsubscribe": "<https://x.example/u>, <mailto:u@x.example>",
                     "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                     "Message-ID": f"<{i}@x.example>"})
        message.attach_alternative(sample.html, "text/html")
        backend.send_messages([message])
    ceiling = n / (time.perf_counter() - started)
    CountingBackend.sent = 0  # this process's count is not the worker's
    return {"sends": sends, "waiting": OutgoingMail.objects.count(),
            "status": campaign.status, "ceiling_rate": ceiling,
            "loadavg": os.getloadavg()[0]}


if __name__ == "__main__":
    main()
