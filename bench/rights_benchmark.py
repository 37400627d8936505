"""How long the rights take for one person in a big shop (issue 5, part 6).

    .venv/bin/python bench/rights_benchmark.py [--customers 100000 10000] [--runs 10]
        [--db postgres://postgres@127.0.0.1:5432/tillit_bench]

For each size it (re)creates the PostgreSQL database ``--db``, migrates it, and bulk-loads
with COPY, per customer: an account, an address, ten orders (each with a line, a receipt
and a disclosure to the checkout provider, as checkout makes them), fifty login-log rows,
and a cart for every fifth customer; plus one live logged-in session per fifty customers.
At 100,000 customers that is 1,000,000 orders and 5,000,000 login rows. ``--runs`` of the
customers (10 by default) are *targets* with 200 delivered orders each, receipts of
realistic size included.

Then, for each target: the access export (``export.build_archive``, the ZIP the person
downloads) and the erasure (``privacy.services.erase``: preview, one transaction,
confirmation e-mail to the in-memory outbox), timed with the database warm. It prints the
median and the spread of each, per size. Target: each under one second, and not growing
with the number of customers.

Nothing leaves this machine; the database is dropped at the end unless ``--keep``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import scratch_db

PROJECT = Path(__file__).resolve().parents[1]
ORDERS_PER_CUSTOMER = 10
LOGINS_PER_CUSTOMER = 50
TARGET_ORDERS = 200
SESSION_EVERY = 50
CART_EVERY = 5
TARGET_SECONDS = 1.0


# The parent: one child process per size, so each gets a fresh Django and database --------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--customers", type=int, nargs="+", default=[100_000, 10_000])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--db", default="postgres://postgres@127.0.0.1:5432/tillit_bench")
    parser.add_argument("--keep", action="store_true", help="keep the last database")
    parser.add_argument("--proposed-indexes", action="store_true",
                        help="measure again after adding the indexes the data-map check "
                             "asks for (tillit.privacy.W001)")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_size(args.child, args.runs, args.db, args.proposed_indexes)))
        return
    results = []
    for n, customers in enumerate(args.customers):
        scratch_db.recreate(args.db)
        env = {**os.environ, "DATABASE_URL": args.db,
               "DJANGO_SETTINGS_MODULE": "tillit.settings.test",
               "PYTHONPATH": str(PROJECT / "src")}
        print(f"Loading {customers:,} customers ...", file=sys.stderr, flush=True)
        extra = ["--proposed-indexes"] if args.proposed_indexes else []
        out = subprocess.run([sys.executable, __file__, "--child", str(customers),
                              "--runs", str(args.runs), "--db", args.db, *extra],
                             env=env, cwd=PROJECT, capture_output=True, text=True)
        sys.stderr.write(out.stderr)
        if out.returncode:
            raise SystemExit(f"the run with {customers:,} customers failed")
        results += json.loads(out.stdout.strip().splitlines()[-1])
        if n < len(args.customers) - 1 or not args.keep:
            scratch_db.drop(args.db)
    _report(results, args.runs)




def _report(results: list[dict], runs: int) -> None:
    print(f"\nRights for a person with {TARGET_ORDERS} orders, median of {runs} "
          f"(PostgreSQL, this machine):\n")
    print(f"{'customers':>10} {'orders':>10} {'logins':>10} {'schema':<22} "
          f"{'export p50':>11} {'(min-max)':>15} {'erasure p50':>12} {'(min-max)':>15}")
    for r in results:
        e, x = r["export"], r["erasure"]
        print(f"{r['customers']:>10,} {r['rows']['orders']:>10,} {r['rows']['logins']:>10,} "
              f"{r['schema']:<22} {e['median']:>10.3f}s {e['min']:>7.3f}-{e['max']:.3f}s "
              f"{x['median']:>11.3f}s {x['min']:>7.3f}-{x['max']:.3f}s")
    for r in results:
        if r["missing_indexes"]:
            print(f"\n{r['customers']:,} customers, {r['schema']}: e-mail lookups without an "
                  f"index (tillit.privacy.W001): {', '.join(r['missing_indexes'])}")
        print(f"{r['customers']:,} customers: loaded in {r['load_s']:.0f} s; export "
              f"{r['export']['bytes'] // 1024} KiB per target; load average while "
              f"measuring {r['loadavg'][0]:.1f} -> {r['loadavg'][1]:.1f}; rows {r['rows']}")
    worst = max(max(r["export"]["median"], r["erasure"]["median"]) for r in results)
    verdict = "met" if worst < TARGET_SECONDS else "NOT met"
    print(f"\nTarget: each under {TARGET_SECONDS:.0f} s: {verdict} (worst median {worst:.3f} s).")


# The child: load one size and measure ------------------------------------------------------


def run_size(customers: int, runs: int, db: str, proposed_indexes: bool) -> list[dict]:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    started = time.monotonic()
    targets, rows = _load(customers, runs * (2 if proposed_indexes else 1))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    load_s = time.monotonic() - started
    print(f"  loaded in {load_s:.0f} s: {rows}", file=sys.stderr, flush=True)
    phases = [("as migrated", targets[:runs])]
    if proposed_indexes:
        phases.append(("with W001 indexes", targets[runs:]))
    results = []
    for n, (schema, chosen) in enumerate(phases):
        missing = _missing_indexes()
        if n:
            _add_proposed_indexes()
            missing = []
        before = os.getloadavg()[0]
        exports, erasures, sizes = _measure(chosen)
        results.append({"customers": customers, "rows": rows, "load_s": load_s,
                        "schema": schema, "missing_indexes": missing,
                        # Other work on the machine slows every figure: say how busy it was.
                        "loadavg": (before, os.getloadavg()[0]),
                        "export": _stats(exports) | {"bytes": int(statistics.median(sizes))},
                        "erasure": _stats(erasures)})
    return results


def _missing_indexes() -> list[str]:
    from tillit.privacy.checks import check_email_lookups

    return [w.msg.split(" is how")[0] for w in check_email_lookups()]


def _add_proposed_indexes() -> None:
    """What the W001 hints say, applied to this database only."""
    from django.db import connection, models
    from django.db.models.functions import Upper

    from tillit.privacy.checks import _email_field
    from tillit.privacy.datamap import registry

    done = set()
    with connection.schema_editor() as editor:
        for decl in registry:
            if not decl.subject.email:
                continue
            model, field = _email_field(decl.model, decl.subject.email)
            if f"{model._meta.label}.{field.name}" not in _missing_indexes() \
                    or (model, field.name) in done:
                continue
            done.add((model, field.name))
            editor.add_index(model, models.Index(
                Upper(field.name), name=f"bench_{model._meta.model_name}_{field.name}"[:30]))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _stats(values: list[float]) -> dict:
    return {"median": statistics.median(values), "min": min(values), "max": max(values),
            "all": [round(v, 4) for v in values]}


def _measure(targets: list[int]) -> tuple[list[float], list[float], list[int]]:
    from django.contrib.auth import get_user_model
    from django.core import mail

    from tillit.privacy import export, services
    from tillit.privacy.datamap import Person

    users = get_user_model().objects
    # Warm the caches (templates, translations, the data map) on a customer not measured.
    export.build_archive(users.order_by("-pk").first())
    exports, erasures, sizes = [], [], []
    for pk in targets:
        user = users.get(pk=pk)
        t0 = time.perf_counter()
        blob, data = export.build_archive(user)
        exports.append(time.perf_counter() - t0)
        sizes.append(len(blob))
        assert len(next(r for r in data["records"] if r["model"] == "orders.Order")["rows"]) \
            == TARGET_ORDERS
        user = users.get(pk=pk)
        t0 = time.perf_counter()
        services.erase(Person.of(user))
        erasures.append(time.perf_counter() - t0)
        assert not users.filter(pk=pk).exists()
        mail.outbox = []
    return exports, erasures, sizes


# Bulk loading with COPY -----------------------------------------------------------------


class Copier:
    """COPY rows of a model in through psycopg; ``fields`` are attribute names."""

    def __init__(self, model, fields: list[str]):
        from django.db import connection

        self.model, self.fields = model, fields
        meta = model._meta
        self.columns = [meta.get_field(f).column for f in fields]
        self.table = meta.db_table
        self.raw = connection.connection  # psycopg connection
        self.count = 0

    def __enter__(self):
        cols = ", ".join(f'"{c}"' for c in self.columns)
        self.cursor = self.raw.cursor()
        self._copy = self.cursor.copy(f'COPY "{self.table}" ({cols}) FROM STDIN')
        self.copy = self._copy.__enter__()
        return self

    def row(self, *values):
        self.copy.write_row(values)
        self.count += 1

    def __exit__(self, *exc):
        self._copy.__exit__(*exc)
        self.cursor.close()
        return False


def _load(customers: int, runs: int) -> tuple[list[int], dict]:
    from django.contrib.auth.hashers import make_password
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.db import connection, transaction
    from django.utils import timezone

    from tillit.accounts.models import AccountSession, Address, User
    from tillit.cart.models import Cart
    from tillit.catalog.models import Category, Product
    from tillit.orders.models import NumberSeries, Order, OrderLine, Receipt
    from tillit.privacy.models import Disclosure
    from tillit.privacy.policy import current_version
    from tillit.security.models import LoginRecord
    from tillit.shipping.services import ensure_default_carriers

    connection.ensure_connection()
    now = timezone.now()
    carrier = ensure_default_carriers()[0]
    category = Category.objects.create(name="Bänk", slug="bank")
    product = Product.objects.create(category=category, name="Studiomixer 12", slug="mixer",
                                     sku="MIX-012", price_ore=129900, vat_rate=2500, stock=10,
                                     description="Bänkprov.")
    policy = current_version()[1]
    password = make_password("bench-only-password-0")
    target_ids = set(range(1, runs + 1))  # the first customers are the targets
    big_html = "<article>" + ("<p>Kvitto, rad med vara, antal, moms och belopp.</p>" * 120) \
        + "</article>"
    small_html = "<article><p>Kvitto</p></article>"
    user_pk, order_pk, line_pk, receipt_pk, disclosure_pk = 0, 0, 0, 0, 0
    number = 100_000

    with transaction.atomic():
        with Copier(User, ["id", "password", "username", "name", "email", "phone", "company",
                           "org_nr", "is_staff", "is_active", "is_superuser",
                           "date_joined"]) as users:
            for i in range(1, customers + 1):
                users.row(i, password, f"kund-{i}", f"Kund Nummer {i}", f"kund{i}@example.com",
                          f"070-{i:07d}", "", "", False, True, False,
                          now - dt.timedelta(days=i % 1000))
        user_pk = customers
        with Copier(Address, ["id", "user_id", "name", "company", "street", "postal_code",
                              "city", "country", "phone", "is_default", "created_at",
                              "updated_at"]) as addresses:
            for i in range(1, customers + 1):
                addresses.row(i, i, f"Kund Nummer {i}", "", f"Gatan {i % 300 + 1}", "123 45",
                              "Storstad", "SE", "", True, now, now)
        with Copier(Cart, ["id", "user_id", "created_at", "updated_at"]) as carts:
            for i in range(1, customers + 1, CART_EVERY):
                carts.row(i, i, now, now)

        order_fields = [
            "id", "number", "klarna_order_id", "status", "user_id", "email", "language",
            "billing_name", "billing_company", "billing_org_nr", "billing_vat_number",
            "billing_street",
            "billing_street2", "billing_postal_code", "billing_city", "billing_country",
            "billing_phone", "shipping_name", "shipping_company", "shipping_street",
            "shipping_street2", "shipping_postal_code", "shipping_city", "shipping_country",
            "shipping_phone", "buyer_ip", "policy_version_id", "currency", "total_ore",
            "total_vat_ore", "refunded_ore", "payment_method", "carrier_id",
            "tracking_number", "klarna_capture_id", "placed_at", "packed_at", "exported_at",
            "shipped_at", "delivered_at", "updated_at"]
        plan = []  # (order pk, customer, is target)
        with Copier(Order, order_fields) as orders:
            for i in range(1, customers + 1):
                count = TARGET_ORDERS if i in target_ids else ORDERS_PER_CUSTOMER
                for k in range(count):
                    order_pk += 1
                    number += 1
                    placed = now - dt.timedelta(days=30 + (k * 5) % 1000, minutes=i % 1440)
                    delivered = placed + dt.timedelta(days=2)
                    name = f"Kund Nummer {i}"
                    orders.row(order_pk, number, f"kco-{order_pk}", "delivered", i,
                               f"kund{i}@example.com", "sv", name, "", "", "",
                               f"Gatan {i % 300 + 1}", "", "123 45", "Storstad", "SE",
                               f"070-{i:07d}", name, "", f"Gatan {i % 300 + 1}", "",
                               "123 45", "Storstad", "SE", "", "203.0.113.7", policy.pk,
                               "SEK", 129900, 25980, 0, "Faktura", carrier.pk,
                               f"PN{order_pk:08d}", f"cap-{order_pk}", placed, placed,
                               placed, placed + dt.timedelta(days=1), delivered, delivered)
                    plan.append((order_pk, i, i in target_ids, placed, number))
        with Copier(OrderLine, ["id", "order_id", "product_id", "kind", "sku", "name",
                                "unit_price_ore", "vat_rate", "quantity", "total_ore",
                                "vat_ore"]) as lines:
            for pk, _i, target, _placed, _n in plan:
                for _ in range(3 if target else 1):
                    line_pk += 1
                    lines.row(line_pk, pk, product.pk, "physical", "MIX-012",
                              "Studiomixer 12", 129900, 2500, 1, 129900, 25980)
        with Copier(Receipt, ["id", "number", "issued_at", "buyer_name", "buyer_email",
                              "total_ore", "html", "data", "order_id"]) as receipts:
            for pk, i, target, placed, n in plan:
                receipt_pk += 1
                receipts.row(receipt_pk, n, placed, f"Kund Nummer {i}",
                             f"kund{i}@example.com", 129900,
                             big_html if target else small_html,
                             json.dumps({"order": n, "total_ore": 129900}), pk)
        with Copier(Disclosure, ["id", "occurred_at", "user_id", "email", "recipient_kind",
                                 "recipient", "categories", "purpose", "legal_basis",
                                 "legal_ground", "reference", "secret",
                                 "session_ref"]) as disclosures:
            categories = json.dumps(["user.contact.address.street", "user.contact.email",
                                     "user.name"])
            for pk, i, _target, placed, _n in plan:
                disclosure_pk += 1
                disclosures.row(disclosure_pk, placed, i, f"kund{i}@example.com",
                                "payment_provider", "Kustom", categories,
                                "essential.service.payment_processing", "contract", "",
                                f"kco-{pk}", False, "")
        logins = 0
        with Copier(LoginRecord, ["created_at", "user_id", "ip", "user_agent"]) as rows:
            for i in range(1, customers + 1):
                for k in range(LOGINS_PER_CUSTOMER):
                    rows.row(now - dt.timedelta(hours=k * 7 + i % 7), i,
                             f"198.51.{i % 256}.{k % 256}", "Mozilla/5.0 (bänk)")
            logins = rows.count
        NumberSeries.objects.update_or_create(key="order", defaults={"last_number": number})
        for model in (User, Address, Cart, Order, OrderLine, Receipt, Disclosure):
            table = model._meta.db_table
            with connection.cursor() as cursor:
                # Table names come from the models, not from input.
                cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                               f"(SELECT MAX(id) FROM \"{table}\"))")
    # Live sessions, as logged-in customers have them, each with the row that names its
    # account (written by a signal when a session is saved; bulk_create sends none).
    sessions = []
    for i in range(1, customers + 1, SESSION_EVERY):
        store = SessionStore()
        sessions.append(Session(session_key=store._get_new_session_key(),
                                session_data=store.encode({"_auth_user_id": str(i)}),
                                expire_date=now + dt.timedelta(days=7)))
    Session.objects.bulk_create(sessions, batch_size=5000)
    AccountSession.objects.bulk_create(
        [AccountSession(session_id=s.session_key, user_id=int(s.get_decoded()["_auth_user_id"]))
         for s in sessions], batch_size=5000)
    return sorted(target_ids), {
        "customers": user_pk, "orders": order_pk, "order_lines": line_pk,
        "receipts": receipt_pk, "disclosures": disclosure_pk, "logins": logins,
        "sessions": len(sessions)}


if __name__ == "__main__":
    main()
