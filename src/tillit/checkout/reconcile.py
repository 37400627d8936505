"""The shop's checkouts held against the provider's orders: ``tillit payments reconcile``.

The buyer's browser, the provider's push and staff's clicks normally keep both sides in
step; a provider failure, a lost answer or a worker that died leaves them apart. Run every
few minutes (cron or a systemd timer), this pass finds and mends each kind of gap:

- a checkout the buyer paid whose order the shop never placed (the confirmation page and
  the push both failed): the order is placed, or, when it cannot be (out of stock), the
  provider's order is cancelled so no money stays held;
- a placed order never acknowledged to the provider: acknowledged;
- a payment the shop refused (the last item went to another buyer) whose cancellation the
  provider did not take: cancelled again, until the provider says it is released;
- a checkout without its entry in the disclosure ledger (P28.b): the entry is written.

Each gap is handled on its own, so one failure (the provider still down) leaves the others
mended; what failed is counted and tried again on the next run.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from tillit.orders.provider_disclosures import record_release
from tillit.payments.klarna.client import KlarnaError, KlarnaUnavailable, get_client

from . import choices, services
from .models import CheckoutSession

log = logging.getLogger("tillit.payments")

Status = CheckoutSession.Status
# A checkout younger than this may still have its buyer on the confirmation page: leave it
# to the page and the push.
SETTLE_AFTER = timedelta(minutes=2)
# The provider lets an unfinished order expire after 48 hours (it can be paid until then),
# and an authorisation after weeks; the pass looks no further back than that.
PAYABLE_FOR = timedelta(hours=49)
LOOK_BACK = timedelta(days=30)


@dataclass
class Report:
    placed: int = 0
    not_placed: int = 0
    acknowledged: int = 0
    released: int = 0
    disclosures: int = 0
    choices: int = 0
    failures: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        return [f"placed {self.placed} paid order(s) the shop had missed",
                f"refused {self.not_placed} paid order(s) and released their payment",
                f"acknowledged {self.acknowledged} order(s) to the provider",
                f"released {self.released} refused payment(s)",
                f"wrote {self.disclosures} missing disclosure ledger entr(y/ies)",
                f"recorded the marketing choices of {self.choices} checkout(s)",
                *(f"failed: {f}" for f in self.failures)]


def run(now=None, client=None) -> Report:
    now = now or timezone.now()
    client = client or get_client()
    report = Report()
    recent = CheckoutSession.objects.filter(created_at__gte=now - LOOK_BACK)
    payable = recent.filter(status=Status.OPEN, created_at__lt=now - SETTLE_AFTER,
                            created_at__gte=now - PAYABLE_FOR)
    _place_paid(payable, client, report)
    _acknowledge(recent.filter(status=Status.PLACED, acknowledged_at__isnull=True), client,
                 report)
    _release(recent.filter(status=Status.CANCELLED, released_at__isnull=True), client,
             report, now)
    _record_disclosures(recent.filter(disclosure__isnull=True), report)
    for session in recent.filter(status=Status.PLACED, choices_recorded_at__isnull=True):
        report.choices += choices.record_missing_choices(session, client)
    return report


def _place_paid(sessions, client, report: Report) -> None:
    from tillit.orders.services import OrderError

    for session in sessions:
        try:
            services.complete_checkout(session, source="push", client=client)
        except (services.CheckoutNotComplete, services.CheckoutEnded):
            continue  # still in the checkout, or expired unpaid: nothing is held
        except OrderError:
            report.not_placed += 1  # the orders app cancelled the provider's order
        except KlarnaError as exc:
            report.failures.append(f"checkout {session.klarna_order_id}: {exc.code}")
        else:
            report.placed += 1


def _acknowledge(sessions, client, report: Report) -> None:
    for session in sessions:
        try:
            client.acknowledge(session.klarna_order_id)
        except KlarnaError as exc:
            report.failures.append(f"acknowledge {session.klarna_order_id}: {exc.code}")
            continue
        CheckoutSession.objects.filter(pk=session.pk, acknowledged_at__isnull=True) \
            .update(acknowledged_at=timezone.now())
        report.acknowledged += 1


def _release(sessions, client, report: Report, now) -> None:
    for session in sessions:
        try:
            status = client.read_placed_order(session.klarna_order_id).get("status")
            if status == "AUTHORIZED":
                client.cancel(session.klarna_order_id)
                known = session.disclosure  # the checkout's own entry, if it named the buyer
                record_release(session.klarna_order_id, user=session.user,
                               email=known.email if known else "",
                               session_ref=session.session_ref)
                status = "CANCELLED"
        except KlarnaUnavailable as exc:
            report.failures.append(f"release {session.klarna_order_id}: {exc.code}")
            continue
        except KlarnaError as exc:
            if exc.status != 404:
                report.failures.append(f"release {session.klarna_order_id}: {exc.code}")
                continue
            status = "NOT_PLACED"  # never placed at the provider: nothing was held
        if status in ("CANCELLED", "EXPIRED", "CLOSED", "NOT_PLACED"):
            CheckoutSession.objects.filter(pk=session.pk).update(released_at=now)
            report.released += 1


def _record_disclosures(sessions, report: Report) -> None:
    for session in sessions.filter(Q(user__isnull=False) | ~Q(session_ref="")):
        services.ensure_disclosure(session)
        report.disclosures += 1


def money_in_flight(person) -> list[str]:
    """Erasure blocker: payments of ``person`` the shop has not settled yet (a checkout
    opened in the last hour, which may be paid at any moment; a refused payment whose
    release the provider has not confirmed). The erasure waits for them, so that it never
    leaves money held for someone the shop no longer knows."""
    if person.account is None:
        return []
    now = timezone.now()
    mine = CheckoutSession.objects.filter(user=person.account)
    reasons = []
    for session in mine.filter(status=Status.OPEN,
                               created_at__gte=now - timedelta(hours=1)):
        reasons.append(services.in_flight_text(session))
    for session in mine.filter(status=Status.CANCELLED, released_at__isnull=True,
                               created_at__gte=now - LOOK_BACK):
        reasons.append(services.release_pending_text(session))
    return reasons
