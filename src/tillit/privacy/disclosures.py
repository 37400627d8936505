"""Disclosures staff record by hand (P21.a, P26.a): data handed to an authority, a court,
the auditor or the police for a legal or security reason, outside the shop's own flows
(which write their entries themselves). Each names the recipient, the legal ground it
rests on, the categories of data and the day it went; it is audited, and shown in the
person's access report unless the law forbids telling them (``secret``, GDPR art. 23).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.utils import timezone

from .datamap import Person
from .ledger import record_disclosure
from .models import Disclosure

# The kinds of recipient a disclosure entered on the desk goes to; the shop's own flows
# (checkout provider, carriers, hosting, mail) record theirs as they happen.
STAFF_RECIPIENT_KINDS = ("authority", "auditor", "supplier", "payment_provider", "carrier")
# Why such data goes out: a legal obligation or decision, security (fraud, misuse), or a
# legal claim.
STAFF_PURPOSES = ("essential.legal_obligation", "essential.service.security",
                  "essential.legal_claims")


def record_by_staff(person: Person, *, actor, recipient_kind: str, recipient: str,
                    categories: Iterable[str], purpose: str, legal_basis: str,
                    legal_ground: str, on: dt.date, reference: str = "",
                    secret: bool = False) -> Disclosure:
    """Record that ``person``'s data went to ``recipient`` on the day ``on``; the audit log
    names ``actor``. Raises ``ValueError`` for a kind of recipient or a purpose staff do
    not enter here, a missing legal ground or a day in the future (the desk's form says
    so before)."""
    if recipient_kind not in STAFF_RECIPIENT_KINDS or purpose not in STAFF_PURPOSES:
        raise ValueError("Not a disclosure staff record on the desk.")
    if not legal_ground.strip():
        raise ValueError("A disclosure staff record must state its legal ground.")
    today = timezone.localdate()
    if on > today:
        raise ValueError("A disclosure is recorded once it has happened.")
    # The day given, at the time of recording for today, at noon (local) for a past day.
    when = timezone.now() if on == today else timezone.make_aware(
        dt.datetime.combine(on, dt.time(12, 0)))
    return record_disclosure(
        recipient_kind=recipient_kind, recipient=recipient.strip(), categories=categories,
        purpose=purpose, legal_basis=legal_basis, user=person.account, email=person.email,
        reference=reference.strip(), legal_ground=legal_ground.strip(), secret=secret,
        recorded_by=actor, occurred_at=when)
