"""Reads for the rights pages and the privacy desk (P29-P33). No writes here; the desk's
audit entry for a staff view is written by the view through ``services.staff_view``."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db.models import Q
from django.utils import timezone

from .datamap import Person, registry
from .ledger import person_ref
from .models import (
    AuditEvent,
    Disclosure,
    LegalHold,
    PrivacyRequest,
    Recipient,
    RecipientNotice,
)
from .promises import PromiseStatus, summarise

Status = PrivacyRequest.Status
OPEN_STATUSES = (Status.OPEN, Status.WAITING)


@dataclass
class RequestRow:
    request: PrivacyRequest
    days_left: int

    @property
    def overdue(self) -> bool:
        return self.days_left < 0

    @property
    def overdue_days(self) -> int:
        return max(0, -self.days_left)

    @property
    def ref(self) -> str:
        """The privacy desk's handle on the request's person."""
        return f"r{self.request.pk}"


def open_requests(today: dt.date | None = None) -> list[RequestRow]:
    """Verified requests not yet closed, the most urgent (overdue) first."""
    today = today or timezone.localdate()
    rows = (PrivacyRequest.objects.filter(status__in=OPEN_STATUSES)
            .select_related("user", "handled_by").order_by("deadline", "received_at", "pk"))
    return [RequestRow(r, (r.deadline - today).days) for r in rows]


def unverified_count() -> int:
    return PrivacyRequest.objects.filter(status=Status.UNVERIFIED).count()


def recently_closed(limit: int = 20):
    return (PrivacyRequest.objects.filter(status__in=(Status.DONE, Status.REFUSED))
            .select_related("handled_by").order_by("-closed_at")[:limit])


def requests_of(person: Person):
    return PrivacyRequest.objects.filter(person.q()).order_by("-received_at")


def holds_of(person: Person):
    return LegalHold.objects.filter(person.q()).select_related("created_by")


def legal_disclosures_of(person: Person):
    """The disclosures of the person's data for a legal or security reason (those with a
    legal ground: what staff record on the desk), newest first, those under legal secrecy
    included (for staff; the person's own report leaves those out). The shop's own
    transfers (checkout, carriers) are counted among the person's records instead."""
    return (Disclosure.objects.filter(person.q()).exclude(legal_ground="")
            .select_related("recorded_by"))


def active_holds():
    today = timezone.localdate()
    return (LegalHold.objects.filter(lifted_at__isnull=True)
            .filter(Q(until__isnull=True) | Q(until__gte=today))
            .select_related("user", "created_by"))


def pending_notices():
    return RecipientNotice.objects.filter(done_at__isnull=True).order_by("created_at", "pk")


def done_notices(limit: int = 20):
    return (RecipientNotice.objects.filter(done_at__isnull=False)
            .select_related("done_by").order_by("-done_at")[:limit])


def last_retention_report() -> AuditEvent | None:
    return AuditEvent.objects.filter(action=AuditEvent.Action.RETENTION).order_by(
        "-occurred_at", "-pk").first()


def audit_log(person: Person | None = None, action: str = "", limit: int = 200):
    """The latest audit events, for one person when ``person`` is given (found by account
    and by the keyed hash of the e-mail, so events after an erasure are found too)."""
    events = AuditEvent.objects.select_related("actor", "subject").order_by(
        "-occurred_at", "-pk")
    if person is not None:
        events = events.filter(
            person.q(user="subject", email="")
            | (Q(subject_ref=person_ref(person.email)) if person.email else Q(pk__in=[])))
    if action:
        events = events.filter(action=action)
    return events[:limit]


@dataclass
class Holding:
    model: str
    title: str
    count: int


def holdings(person: Person) -> list[Holding]:
    """How many rows of each declared model belong to ``person`` (the data map's view)."""
    out = []
    for decl in registry:
        count = decl.subject.rows_for(decl.model, person).count()
        if count:
            out.append(Holding(decl.label, str(decl.title), count))
    return out


def find_accounts(query: str, limit: int = 20):
    """Accounts whose e-mail or user ID is ``query`` (any letter case), or whose id it is."""
    query = query.strip()
    if not query:
        return get_user_model().objects.none()
    q = Q(email__iexact=query) | Q(username__iexact=query)
    if query.isascii() and query.isdigit() and len(query) < 19:
        q |= Q(pk=int(query))
    return get_user_model().objects.filter(q).order_by("pk")[:limit]


def account(pk: int):
    return get_user_model().objects.filter(pk=pk).first()


def promise_results_path() -> Path:
    return Path(getattr(settings, "VAR_DIR", Path.cwd() / "var")) / "promise-results.json"


def promise_report(path: Path | None = None, language: str = "en"
                   ) -> tuple[list[PromiseStatus] | None, str]:
    """The promise report, per requirement, from the latest results file (as ``tillit
    promises --results`` reads it), in ``language``, and the time the file was written;
    ``(None, "")`` when there is none or it cannot be read."""
    path = path or promise_results_path()
    try:
        results = json.loads(path.read_text(encoding="utf-8"))
        written = dt.datetime.fromtimestamp(path.stat().st_mtime, tz=dt.UTC)
    except (OSError, ValueError):
        return None, ""
    if not isinstance(results, list):
        return None, ""
    try:
        return summarise(results, language), timezone.localtime(written).strftime("%Y-%m-%d %H:%M")
    except (KeyError, TypeError):
        return None, ""


_PROVIDER_KEY = "tillit:privacy:checkout-provider"
_NONE = "none"


def checkout_provider():
    """The recipient register's entry for the checkout provider (P27), if the register
    marks one. Cached for a minute (every checkout load asks); a change to the register
    clears it at once (signals.py)."""
    found = cache.get(_PROVIDER_KEY)
    if found is None:
        found = Recipient.objects.filter(is_checkout_provider=True, is_active=True).first()
        cache.set(_PROVIDER_KEY, found if found is not None else _NONE, 60)
    return None if found == _NONE else found


def forget_checkout_provider() -> None:
    cache.delete(_PROVIDER_KEY)


def account_with_email(email: str):
    """The account whose e-mail address is ``email`` (any letter case), if any: for
    whoever has proved they hold that mailbox, or to tell its holder of a change."""
    if not email:
        return None
    return get_user_model()._default_manager.filter(email__iexact=email).first()
