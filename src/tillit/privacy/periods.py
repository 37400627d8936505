"""Retention rules of the data map: how long a record is kept (:class:`After`,
:class:`AccountingPeriod`, …), said in plain words for the policy and evaluated by the
retention sweep; and :class:`HashAfter`, a field's own shorter period for its raw value.
Declarations name them through ``datamap`` (``dm.After(...)``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import models
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from .hashing import PREFIX, keyed_hash

Text = str | Promise


class Retention:
    """A rule the retention sweep can evaluate. Subclasses say it in plain words too.

    Rules that count from a date name that field in ``anchor``.
    """

    def describe(self) -> Text:
        raise NotImplementedError

    def expired(self, queryset: models.QuerySet, now: dt.datetime | None = None):
        """Rows of ``queryset`` whose period has ended; rules that never expire by time
        return an empty queryset."""
        return queryset.none()


def _period_text(days: int) -> Text:
    if days % 365 == 0:
        return ngettext_lazy("%(n)d year", "%(n)d years", days // 365) % {"n": days // 365}
    return ngettext_lazy("%(n)d day", "%(n)d days", days) % {"n": days}


@dataclass(frozen=True)
class After(Retention):
    """Kept for ``days`` after the date in ``anchor`` (e.g. last change), then erased."""

    anchor: str
    days: int
    event: Text = ""

    def describe(self) -> Text:
        return _("%(period)s after %(event)s") % {
            "period": _period_text(self.days),
            "event": self.event or _("it was last changed"),
        }

    def cutoff(self, now: dt.datetime | None = None) -> dt.datetime:
        return (now or timezone.now()) - dt.timedelta(days=self.days)

    def expired(self, queryset, now=None):
        return queryset.filter(**{f"{self.anchor}__lt": self.cutoff(now)})


@dataclass(frozen=True)
class WhileAccountExists(Retention):
    """Kept as long as the account exists; goes when the account is erased."""

    def describe(self) -> Text:
        return _("as long as you have an account with us")


@dataclass(frozen=True)
class UntilWithdrawn(Retention):
    """Kept until consent is withdrawn."""

    def describe(self) -> Text:
        return _("until you withdraw your consent")


@dataclass(frozen=True)
class ConsentProof(Retention):
    """The consent ledger's rule: a row is kept ``days`` after it was recorded, and longer
    while it is the person's consent in force (the proof of a consent the shop still acts
    on). A row another row has replaced, or a withdrawal, goes when its period ends."""

    days: int
    anchor: str = "occurred_at"

    def describe(self) -> Text:
        return _("%(period)s after it was recorded; a consent you have not withdrawn is kept "
                 "as long as it is in force") % {"period": _period_text(self.days)}

    def expired(self, queryset, now=None):
        cutoff = (now or timezone.now()) - dt.timedelta(days=self.days)
        old = queryset.filter(**{f"{self.anchor}__lt": cutoff})
        newer = queryset.model._default_manager.filter(
            topic=models.OuterRef("topic"), occurred_at__gt=models.OuterRef("occurred_at"))
        same_person = (models.Q(email=models.OuterRef("email"), email__gt="")
                       | models.Q(phone=models.OuterRef("phone"), phone__gt="")
                       | models.Q(visitor=models.OuterRef("visitor"), visitor__gt="")
                       | models.Q(user=models.OuterRef("user"), user__isnull=False))
        return old.filter(models.Q(given=False) | models.Exists(newer.filter(same_person)))


@dataclass(frozen=True)
class AccountingPeriod(Retention):
    """Bokföringslagen 7 kap. 2 §: kept until the end of the ``years``-th calendar year
    after the calendar year in which the financial year (of ``anchor``) ended."""

    anchor: str
    years: int = 7
    financial_year_end: tuple[int, int] = (12, 31)  # month, day

    def describe(self) -> Text:
        return _(
            "%(years)d years after the end of the calendar year in which the financial "
            "year ended (the Swedish Bookkeeping Act, 7 ch. 2 §)"
        ) % {"years": self.years}

    def ends_on(self, anchor_date: dt.date) -> dt.date:
        """The last day the record must be kept."""
        month, day = self.financial_year_end
        fy_end = dt.date(anchor_date.year, month, day)
        if anchor_date > fy_end:
            fy_end = dt.date(anchor_date.year + 1, month, day)
        return dt.date(fy_end.year + self.years, 12, 31)

    def expired(self, queryset, now=None):
        # Kept through 31 Dec of (FY-end year + years): a record is expired when its
        # financial year ended in a calendar year <= today.year - years - 1.
        today = timezone.localdate(now) if now else timezone.localdate()
        month, day = self.financial_year_end
        last_fy_end = dt.date(today.year - self.years - 1, month, day)
        # Records dated on or before that financial-year end are past their period.
        cutoff = timezone.make_aware(
            dt.datetime.combine(last_fy_end + dt.timedelta(days=1), dt.time.min)
        )
        return queryset.filter(**{f"{self.anchor}__lt": cutoff})


@dataclass(frozen=True)
class SessionLifetime(Retention):
    """Kept until the session expires (field ``anchor`` holds the expiry)."""

    anchor: str = "expire_date"
    days: int = 14

    def describe(self) -> Text:
        return _("until the session expires, at most %(period)s after your last visit") % {
            "period": _period_text(self.days)
        }

    def expired(self, queryset, now=None):
        return queryset.filter(**{f"{self.anchor}__lt": now or timezone.now()})


@dataclass(frozen=True)
class HashAfter:
    """A field-level rule: ``days`` after the date in ``anchor`` the field's value is
    replaced by a keyed one-way hash (``privacy.hashing.keyed_hash``), so the shop can still
    tell "the same value" apart without being able to read it. The row itself follows the
    declaration's retention rule. ``purpose`` keeps hashes of different uses unlinkable
    (default: the field's own name). The retention sweep (``privacy.retention.run``)
    applies every such rule of every declaration."""

    anchor: str | tuple[str, ...]
    days: int
    event: Text = ""
    purpose: str = ""

    def describe(self) -> Text:
        return _("replaced by a keyed one-way hash %(period)s after %(event)s") % {
            "period": _period_text(self.days),
            "event": self.event or _("it was recorded"),
        }

    @property
    def anchors(self) -> tuple[str, ...]:
        """The date fields the period counts from: the first one set, in this order."""
        return self.anchor if isinstance(self.anchor, tuple) else (self.anchor,)

    def cutoff(self, now: dt.datetime | None = None) -> dt.datetime:
        return (now or timezone.now()) - dt.timedelta(days=self.days)

    def _past(self, queryset: models.QuerySet, now) -> models.QuerySet:
        if len(self.anchors) == 1:
            return queryset.filter(**{f"{self.anchors[0]}__lt": self.cutoff(now)})
        return queryset.annotate(_rule_anchor=Coalesce(*self.anchors)).filter(
            _rule_anchor__lt=self.cutoff(now))

    def due(self, queryset: models.QuerySet, field_name: str,
            now: dt.datetime | None = None) -> models.QuerySet:
        """Rows of ``queryset`` whose raw ``field_name`` is past its period and not yet
        hashed (empty values need nothing)."""
        return (self._past(queryset, now)
                .exclude(**{field_name: ""})
                .exclude(**{f"{field_name}__startswith": PREFIX}))

    def new_value(self, value, purpose: str):
        """What the sweep writes in place of ``value``."""
        return keyed_hash(value, purpose)


@dataclass(frozen=True)
class ClearAfter(HashAfter):
    """A field-level rule: ``days`` after the date in ``anchor`` (the first set, for a
    tuple) the field is emptied, while the row stays for its own period (an order's
    delivery address, needed for delivery, returns and complaints, kept with the order for
    the bookkeeping years). Applied by the retention sweep like :class:`HashAfter`."""

    def describe(self) -> Text:
        return _("removed %(period)s after %(event)s") % {
            "period": _period_text(self.days),
            "event": self.event or _("it was recorded"),
        }

    def due(self, queryset: models.QuerySet, field_name: str,
            now: dt.datetime | None = None) -> models.QuerySet:
        """Rows of ``queryset`` whose ``field_name`` is past its period and not yet empty.
        A keyed hash an erasure left there goes too: the period ends for it as well."""
        return self._past(queryset, now).exclude(**{field_name: ""})

    def new_value(self, value, purpose: str):
        return ""
