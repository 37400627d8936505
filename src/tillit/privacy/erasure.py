"""The right to erasure (GDPR Art. 17; P31, P32), driven by each declaration's action.

:func:`preview` says, per record, what will be deleted, what is anonymised, what is kept,
why and until when, and what stands in the way (a legal hold, an open order).
:func:`execute` carries it out in one transaction: all of it happens or none. Records kept
under a legal obligation are detached from the account and locked to that use; the
retention sweep deletes them when their period ends. Running it twice is harmless.

Apps that know a reason to wait (an order not yet delivered or still returnable) register
a *blocker*: ``register_blocker(fn)`` with ``fn(person) -> list[str]`` of reasons.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from . import taxonomy
from .datamap import AccountingPeriod, After, Anonymise, Declaration, Delete, Keep, Person
from .datamap import registry as default_registry
from .hashing import keyed_hash
from .ledger import audit
from .models import AuditEvent, Disclosure, LegalHold, RecipientNotice

_blockers: list[Callable[[Person], list[str]]] = []


def register_blocker(fn: Callable[[Person], list[str]]) -> Callable:
    _blockers.append(fn)
    return fn


class ErasureRefused(Exception):
    """Erasure cannot go ahead now; ``reasons`` says why (shown to the person or staff)."""

    def __init__(self, reasons: list[str]):
        super().__init__("; ".join(reasons))
        self.reasons = reasons


@dataclass
class Step:
    model: str
    title: str
    action: str  # delete | anonymise | keep
    count: int
    why: str = ""
    until: dt.date | None = None


@dataclass
class Plan:
    person: Person
    steps: list[Step] = field(default_factory=list)
    holds: list[str] = field(default_factory=list)
    blockers: list[str] = field(default_factory=list)

    @property
    def deleted(self) -> list[Step]:
        return [s for s in self.steps if s.action == "delete" and s.count]

    @property
    def anonymised(self) -> list[Step]:
        return [s for s in self.steps if s.action == "anonymise" and s.count]

    @property
    def kept(self) -> list[Step]:
        return [s for s in self.steps if s.action == "keep" and s.count]

    @property
    def counts(self) -> dict[str, int]:
        return {s.model: s.count for s in self.steps if s.count}


def active_holds(person: Person, today: dt.date | None = None):
    today = today or timezone.localdate()
    q = Q(pk__in=[])
    if person.user is not None and person.user.pk is not None:
        q |= Q(user=person.user)
    if person.email:
        q |= Q(email__iexact=person.email)
    return LegalHold.objects.filter(q, lifted_at__isnull=True).filter(
        Q(until__isnull=True) | Q(until__gte=today))


def _kept_until(decl: Declaration, rows) -> dt.date | None:
    rule = decl.retention
    if isinstance(rule, AccountingPeriod):
        latest = rows.aggregate(latest=models.Max(rule.anchor))["latest"]
        return rule.ends_on(timezone.localdate(latest)) if latest else None
    if isinstance(rule, After):
        latest = rows.aggregate(latest=models.Max(rule.anchor))["latest"]
        if latest is None:
            return None
        latest = latest if isinstance(latest, dt.date) and not isinstance(
            latest, dt.datetime) else timezone.localdate(latest)
        return latest + dt.timedelta(days=rule.days)
    return None


def preview(who, reg=None) -> Plan:
    person = Person.of(who)
    reg = reg or default_registry
    plan = Plan(person=person)
    plan.holds = [h.reason for h in active_holds(person)]
    for blocker in _blockers:
        plan.blockers += blocker(person)
    for decl in reg:
        rows = decl.subject.rows_for(decl.model, person)
        count = rows.count()
        action = decl.on_erasure
        if isinstance(action, Keep):
            plan.steps.append(Step(
                decl.label, str(decl.title), "keep", count,
                why=_("%(basis)s: %(reason)s") % {
                    "basis": taxonomy.BASES[action.basis][0],
                    "reason": action.reason or decl.retention.describe()},
                until=_kept_until(decl, rows) if count else None))
        elif isinstance(action, Anonymise):
            plan.steps.append(Step(decl.label, str(decl.title), "anonymise", count,
                                   why=str(action.describe())))
        else:
            plan.steps.append(Step(decl.label, str(decl.title), "delete", count))
    return plan


def _detach(decl: Declaration, rows, now) -> int:
    """Cut a kept row's direct link to the account and stamp its lock."""
    action: Keep = decl.on_erasure
    updates = {}
    for path in (decl.subject.user,):
        if path and "__" not in path:
            updates[path] = None
    if action.lock_field:
        updates[action.lock_field] = now
    return rows.update(**updates) if updates else rows.count()


def _anonymise(decl: Declaration, rows) -> int:
    """Hash, then clear, the declared fields of ``rows``: one UPDATE per distinct value to
    hash (a person's rows share their e-mail) and one for the cleared fields, however many
    rows the person has."""
    action: Anonymise = decl.on_erasure
    meta = decl.model._meta
    manager = decl.model._default_manager
    pks = list(rows.values_list("pk", flat=True))
    if not pks:
        return 0
    mine = manager.filter(pk__in=pks)
    for name in action.hash:
        values = (mine.exclude(**{f"{name}__isnull": True}).exclude(**{name: ""})
                  .order_by().values_list(name, flat=True).distinct())
        for value in list(values):
            mine.filter(**{name: value}).update(
                **{name: keyed_hash(str(value), f"erased:{decl.label}:{name}")})
    clears = {}
    for name in action.clear:
        f = meta.get_field(name)
        clears[f.attname] = None if f.null else ("" if f.empty_strings_allowed
                                                 else f.get_default())
    if clears:
        mine.update(**clears)
    return len(pks)


def _recipient_notices(person: Person) -> int:
    """One Art. 19 task per recipient that received the person's data."""
    q = Q(pk__in=[])
    if person.user is not None and person.user.pk is not None:
        q |= Q(user=person.user)
    if person.email:
        q |= Q(email__iexact=person.email)
    by_recipient: dict[tuple[str, str], list[str]] = {}
    for d in Disclosure.objects.filter(q).exclude(recipient_kind="authority"):
        refs = by_recipient.setdefault((d.recipient, d.recipient_kind), [])
        if d.reference and d.reference not in refs:
            refs.append(d.reference)
    for (recipient, kind), refs in by_recipient.items():
        RecipientNotice.objects.create(reason=RecipientNotice.Reason.ERASURE,
                                       recipient=recipient, recipient_kind=kind,
                                       references=refs)
    return len(by_recipient)


def execute(who, *, actor=None, override_reason: str = "", reg=None,
            before_commit: Callable[[Plan], None] | None = None, channel: str = "") -> Plan:
    """Erase ``who``'s data in one transaction. Refused while a legal hold is active, or
    while a blocker (open order) stands unless staff give ``override_reason``.

    ``before_commit`` runs last inside the transaction (the confirmation e-mail is sent
    there, while the address still exists; a failure undoes everything). ``channel`` (how
    the request came: self-service, e-mail, staff) is written to the audit event."""
    person = Person.of(who)
    reg = reg or default_registry
    now = timezone.now()
    with transaction.atomic():
        plan = preview(person, reg)
        if plan.holds:
            raise ErasureRefused([_("A legal hold applies: %(reason)s") % {"reason": r}
                                  for r in plan.holds])
        if plan.blockers and not override_reason:
            raise ErasureRefused(plan.blockers)
        notices = _recipient_notices(person)
        audit(AuditEvent.Action.ERASURE, actor=actor,
              subject=person.user if person.user is not None and person.user.pk else None,
              subject_email=person.email,
              target=f"{len(plan.steps)} records",
              detail={"deleted": {s.model: s.count for s in plan.deleted},
                      "anonymised": {s.model: s.count for s in plan.anonymised},
                      "kept": {s.model: s.count for s in plan.kept},
                      "recipient_notices": notices,
                      "override": bool(override_reason and plan.blockers),
                      **({"channel": channel} if channel else {})})
        kept_pks: dict[type, set] = {}
        decls = list(reg)
        # Detach and anonymise first, so that no delete can cascade into what is kept.
        for decl in decls:
            rows = decl.subject.rows_for(decl.model, person)
            if isinstance(decl.on_erasure, Keep):
                kept_pks[decl.model] = set(rows.values_list("pk", flat=True))
                _detach(decl, decl.model._default_manager.filter(
                    pk__in=kept_pks[decl.model]), now)
            elif isinstance(decl.on_erasure, Anonymise):
                _anonymise(decl, rows)
        # Then delete, the account itself last. Every row is chosen before any is deleted:
        # one declaration's finder may read another's rows (an account's sessions are
        # found through accounts.AccountSession, which is deleted too).
        doomed = [(decl, list(decl.subject.rows_for(decl.model, person)
                              .values_list("pk", flat=True)))
                  for decl in sorted(decls, key=lambda d: d.subject.person)
                  if isinstance(decl.on_erasure, Delete)]
        for decl, pks in doomed:
            decl.model._default_manager.filter(pk__in=pks).delete()
        for model, pks in kept_pks.items():
            if model._default_manager.filter(pk__in=pks).count() != len(pks):
                raise RuntimeError(f"Erasure would have deleted kept {model._meta.label} "
                                   "records; nothing was erased.")
        if before_commit is not None:
            before_commit(plan)
    return plan
