"""Privacy requests as records: each with the deadline the law sets (one month, GDPR Art.
12(3)), closed with who handled it."""

from __future__ import annotations

import calendar
import datetime as dt

from django.utils import timezone

from .datamap import Person
from .models import PrivacyRequest

Status = PrivacyRequest.Status


def one_month_after(day: dt.date) -> dt.date:
    """The same date in the next calendar month, or that month's last day when it has no
    such date (31 January -> 28/29 February): how Art. 12(3)'s "one month" is counted
    (Regulation 1182/71 art. 3(2)(c))."""
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def open_request(kind: str, *, channel: str, user=None, email: str = "",
                 received_at: dt.datetime | None = None, status: str = Status.OPEN,
                 verified: bool = False, handled_by=None, note: str = "",
                 message: str = "") -> PrivacyRequest:
    """Record a request; its deadline is one month after the day it was received."""
    received_at = received_at or timezone.now()
    now = timezone.now()
    return PrivacyRequest.objects.create(
        kind=kind, channel=channel, status=status, user=user,
        email=email or (user.email if user is not None else ""),
        received_at=received_at,
        deadline=one_month_after(timezone.localdate(received_at)),
        verified_at=now if verified else None, handled_by=handled_by, note=note,
        message=message,
    )


def close_request(req: PrivacyRequest, *, status: str = Status.DONE, actor=None,
                  note: str = "") -> PrivacyRequest:
    """Close ``req`` (done or refused), naming who handled it."""
    req.status, req.closed_at = status, timezone.now()
    fields = ["status", "closed_at"]
    if getattr(actor, "pk", None):
        req.handled_by = actor
        fields.append("handled_by")
    if note:
        req.note = (req.note + "\n" + note).strip()[:2000]
        fields.append("note")
    req.save(update_fields=fields)
    return req


def person_of(req: PrivacyRequest) -> Person:
    """The person a request names: its account as it is now, else its e-mail address."""
    return Person.of(req.user) if req.user is not None else Person(email=req.email)
