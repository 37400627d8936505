"""Legal holds (P18.c, P32): a hold pauses erasure and retention for a person while a
claim or an authority needs their data; under legal secrecy it stays out of their export
and their erasure preview does not say why."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from .datamap import Person
from .ledger import audit
from .models import AuditEvent, LegalHold


def set_hold(person: Person, *, reason: str, until: dt.date | None, actor,
             secret: bool = False) -> LegalHold:
    """Pause erasure and retention for ``person`` (P18, P32); ``secret`` keeps the hold out
    of the person's access report and its reason out of their erasure preview."""
    with transaction.atomic():
        hold = LegalHold.objects.create(user=person.account, email=person.email,
                                        reason=reason, until=until, created_by=actor,
                                        secret=secret)
        audit(AuditEvent.Action.HOLD, actor=actor, subject=person.account,
              subject_email=person.email, target=f"privacy.LegalHold:{hold.pk}",
              detail={"change": "set", "until": until.isoformat() if until else None,
                      "secret": secret})
    return hold


def lift_hold(hold: LegalHold, *, actor) -> LegalHold:
    with transaction.atomic():
        if hold.lifted_at is None:
            hold.lifted_at = timezone.now()
            hold.save(update_fields=["lifted_at"])
            audit(AuditEvent.Action.HOLD, actor=actor, subject=hold.user,
                  subject_email=hold.email, target=f"privacy.LegalHold:{hold.pk}",
                  detail={"change": "lifted"})
    return hold
