"""The right to erasure (GDPR Art. 17; P31, P32), driven by each declaration's action.

:func:`preview` says, per record, what will be deleted, what is anonymised, what is kept,
why and until when, and what stands in the way (a legal hold, an open order).
:func:`execute` carries it out in one transaction: all of it happens or none. Records kept
under a legal obligation are detached from every identifier of the person (account link
cleared, e-mail replaced by a keyed hash) and locked to that use, so no later export,
erasure or page finds them; the retention sweep deletes them when their period ends.
Running it twice is harmless.

Apps that know a reason to wait (an order not yet delivered or still returnable) register
a *blocker*: ``register_blocker(fn)`` with ``fn(person) -> list[str]`` of reasons. Staff
may override a blocker with a reason, unless it was registered with
``overridable=False`` (money held at the payment provider for the person: an erasure never
leaves it held for someone the shop no longer knows).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import OperationalError, connection, models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from . import taxonomy
from .datamap import AccountingPeriod, After, Anonymise, Declaration, Delete, Keep, Person
from .datamap import registry as default_registry
from .erasure_actions import anonymise, detach, is_stand_in, made_by_rows, unname
from .ledger import by_recipient
from .models import Disclosure, LegalHold, RecipientNotice

log = logging.getLogger(__name__)
_blockers: list[Callable[[Person], list[str]]] = []
_waits: list[Callable[[Person], list[str]]] = []


def register_blocker(fn: Callable[[Person], list[str]], *, overridable: bool = True
                     ) -> Callable:
    (_blockers if overridable else _waits).append(fn)
    return fn


def _say_holds(reasons: list[str]) -> list[str]:
    return [_("A legal hold applies: %(reason)s") % {"reason": r} for r in reasons]


def shown_reasons(plan) -> list[str]:
    """What stands in the way of ``plan``'s erasure, as the person may be told it."""
    return [*_say_holds(plan.holds_shown), *plan.waits, *plan.blockers]


class ErasureRefused(Exception):
    """Erasure cannot go ahead now. ``reasons`` says why, for staff; ``shown`` says it for
    the person (a hold under legal secrecy is not described to them)."""

    def __init__(self, reasons: list[str], shown: list[str] | None = None):
        super().__init__("; ".join(reasons))
        self.reasons = reasons
        self.shown = reasons if shown is None else shown


def secret_hold_text() -> str:
    """What the person is told about a hold under legal secrecy: that something stands in
    the way, not what (GDPR art. 23 and the secrecy provision behind the hold)."""
    return _("We are required by law to keep your data for now, and cannot tell you more "
             "about the reason.")


@dataclass
class Step:
    model: str
    title: str
    action: str  # delete | anonymise | keep
    count: int
    why: str = ""
    until: dt.date | None = None
    # The rows the person may be told of: those under legal secrecy (the map's
    # ``withhold``) are erased or kept like the rest, but not counted to them.
    shown: int | None = None

    @property
    def shown_count(self) -> int:
        return self.count if self.shown is None else self.shown


@dataclass
class Plan:
    person: Person
    steps: list[Step] = field(default_factory=list)
    # The holds' reasons, for staff; ``holds_shown`` is what the person reads.
    holds: list[str] = field(default_factory=list)
    holds_shown: list[str] = field(default_factory=list)
    blockers: list[str] = field(default_factory=list)
    # Reasons to wait that no override lifts (money held at the payment provider).
    waits: list[str] = field(default_factory=list)
    # Filled by :func:`execute`: Art. 19 tasks opened, and whether staff overrode a blocker.
    recipient_notices: int = 0
    overridden: bool = False

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

    def shown(self, action: str) -> list[Step]:
        """The steps of ``action`` as the person may be told of them (no secret rows)."""
        return [s for s in self.steps if s.action == action and s.shown_count]

    @property
    def shown_deleted(self) -> list[Step]:
        return self.shown("delete")

    @property
    def shown_anonymised(self) -> list[Step]:
        return self.shown("anonymise")

    @property
    def shown_kept(self) -> list[Step]:
        return self.shown("keep")


def active_holds(person: Person, today: dt.date | None = None):
    today = today or timezone.localdate()
    return LegalHold.objects.filter(person.q(), lifted_at__isnull=True).filter(
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
    reg = reg or default_registry
    person = Person.of(who)
    plan = Plan(person=person)
    for hold in active_holds(person):
        plan.holds.append(hold.reason)
        shown = secret_hold_text() if hold.secret else hold.reason
        if shown not in plan.holds_shown:
            plan.holds_shown.append(shown)
    for blocker in _blockers:
        plan.blockers += blocker(person)
    for wait in _waits:
        plan.waits += wait(person)
    for decl in reg:
        rows = decl.subject.rows_for(decl.model, person)
        count = rows.count()
        shown = rows.exclude(decl.withhold).count() if decl.withhold is not None and count \
            else None
        action = decl.on_erasure
        if isinstance(action, Keep):
            plan.steps.append(Step(
                decl.label, str(decl.title), "keep", count,
                why=_("%(basis)s: %(reason)s") % {
                    "basis": taxonomy.BASES[action.basis][0],
                    "reason": action.reason or decl.retention.describe()},
                until=_kept_until(decl, rows) if count else None, shown=shown))
        elif isinstance(action, Anonymise):
            plan.steps.append(Step(decl.label, str(decl.title), "anonymise", count,
                                   why=str(action.describe()), shown=shown))
        else:
            plan.steps.append(Step(decl.label, str(decl.title), "delete", count,
                                   shown=shown))
        made = sum(rows.count() for rows in made_by_rows(decl, person).values())
        if made:
            plan.steps.append(Step(
                f"{decl.label} (made_by)", str(decl.title), "anonymise", made,
                why=_("what you did as a member of staff is kept for its own purpose and "
                      "period, without your name")))
    return plan


def _recipient_notices(person: Person) -> int:
    """One Art. 19 task per recipient that received the person's data."""
    told = by_recipient(Disclosure.objects.filter(person.q())
                        .exclude(recipient_kind="authority"))
    for (recipient, kind), refs in told.items():
        RecipientNotice.objects.create(reason=RecipientNotice.Reason.ERASURE,
                                       recipient=recipient, recipient_kind=kind,
                                       references=refs)
    return len(told)


_AN_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.\w+")
_PHONE_NOISE = re.compile(r"[\s\-().+/]")


def reason_names_person(person: Person, reason: str) -> bool:
    """Whether ``reason`` (staff's free text, kept in the audit log after the erasure)
    holds an e-mail address or one of the person's own identifiers: their e-mail, user
    ID, name or any word of it, phone number, company or org.nr. A guard against the
    obvious slips; the form asks for a reason without personal data."""
    text = reason.casefold()
    if _AN_EMAIL.search(reason):
        return True
    words = set(re.findall(r"\w+", text))
    compact = _PHONE_NOISE.sub("", reason)
    values = [person.email]
    if person.user is not None:
        values += [getattr(person.user, attr, "") or "" for attr in
                   ("email", "username", "name", "phone", "company", "org_nr")]
    for value in filter(None, (str(v).strip() for v in values)):
        if value.casefold() in text:
            return True
        digits = re.sub(r"\D", "", value)
        if len(digits) >= 6 and digits in compact:
            return True
        if any(len(w) >= 3 and not w.isdigit() and w in words
               for w in re.findall(r"\w+", value.casefold())):
            return True
    return False


def _refuse_if_blocked(plan: Plan, person: Person, override_reason: str) -> bool:
    """Raise :class:`ErasureRefused` for a hold, or a blocker without an override; a
    ``ValueError`` for an override reason that names the person. Returns whether a blocker
    was overridden."""
    if plan.holds:
        raise ErasureRefused(_say_holds(plan.holds), shown=_say_holds(plan.holds_shown))
    if plan.waits:
        raise ErasureRefused(plan.waits)
    if plan.blockers and not override_reason:
        raise ErasureRefused(plan.blockers)
    if plan.blockers and reason_names_person(person, override_reason):
        raise ValueError("The override reason names the person; the audit log keeps no "
                         "personal data.")
    return bool(plan.blockers)


def _choose(decls: list[Declaration], person: Person) -> dict[type, list]:
    """Every row of the person, chosen (and on PostgreSQL locked) before any is changed:
    one declaration's finder may read another's rows (a receipt found through its order,
    an account's sessions through accounts.AccountSession). Rows are locked in the
    registry's order, a parent before its children (``cart.Cart`` before
    ``cart.CartLine``), the order in which the shop's own writes lock them, so that an
    erasure and the person's own requests wait for each other instead of deadlocking."""
    lock_self = connection.features.has_select_for_update_of
    chosen = {}
    for decl in decls:
        rows = decl.subject.rows_for(decl.model, person)
        if connection.features.has_select_for_update:
            rows = rows.select_for_update(**({"of": ("self",)} if lock_self else {}))
        chosen[decl.model] = list(rows.values_list("pk", flat=True))
    return chosen


def _act(decls: list[Declaration], chosen: dict[type, list], person: Person, now) -> None:
    """Carry out each declaration's action on the chosen rows: detach what is kept,
    anonymise, take the person out of what they made as staff, then delete (the account
    last), so that no delete can cascade into what is kept."""

    def rows(decl):
        return decl.model._default_manager.filter(pk__in=chosen[decl.model])

    for decl in decls:
        if isinstance(decl.on_erasure, Keep):
            detach(decl, rows(decl), now)
        elif isinstance(decl.on_erasure, Anonymise):
            anonymise(decl, rows(decl))
        unname(decl, person)
    for decl in sorted(decls, key=lambda d: d.subject.person):
        if isinstance(decl.on_erasure, Delete):
            rows(decl).delete()
    for decl in decls:
        if not isinstance(decl.on_erasure, Delete) and \
                rows(decl).count() != len(chosen[decl.model]):
            raise RuntimeError(f"Erasure would have deleted kept {decl.label} records; "
                               "nothing was erased.")


def _verify_out_of_reach(decls: list[Declaration], person: Person) -> None:
    """What is kept must be out of reach of the person's identifiers, whichever way the
    data map links it (an own field, or a path through an order anonymised above)."""
    for decl in decls:
        if isinstance(decl.on_erasure, Keep) and \
                decl.subject.rows_for(decl.model, person).exists():
            raise RuntimeError(f"Kept {decl.label} records would still be found by the "
                               "person's account or e-mail; nothing was erased.")


# A deadlock or serialisation failure undoes the whole transaction; it is tried again.
_RETRY_SQLSTATES = {"40P01", "40001"}
ATTEMPTS = 3


def _worth_retrying(error: OperationalError) -> bool:
    return getattr(error.__cause__, "sqlstate", None) in _RETRY_SQLSTATES


def retrying(work: Callable[[], Plan]) -> Plan:
    """Run ``work`` (a whole erasure transaction), again when the database picked it as a
    deadlock's victim or refused to serialise it, up to ``ATTEMPTS`` times; inside an
    outer transaction only once (the outer one decides)."""
    outer = connection.in_atomic_block
    for attempt in range(1, ATTEMPTS + 1):
        try:
            return work()
        except OperationalError as error:
            if outer or attempt == ATTEMPTS or not _worth_retrying(error):
                raise
            log.warning("Erasure hit a deadlock (attempt %d of %d); trying again.", attempt,
                        ATTEMPTS)
    raise AssertionError("unreachable")


def execute(who, *, override_reason: str = "", reg=None) -> Plan:
    """Erase ``who``'s data in one transaction (the caller's, if it has one: the workflow
    in ``services.erase`` sends the confirmation in it). Refused while a legal hold is
    active, or while a blocker (open order) stands unless staff give ``override_reason``;
    the reason of an override is kept with the erasure's audit event, so it must not name
    the person (:func:`reason_names_person`; ``ValueError`` otherwise).

    The engine writes no audit event: the workflow around it (``services.erase``) does,
    as it does for the access export, in the same transaction.

    Every row is chosen and locked before any is changed, by every key the map knows (the
    account, the e-mail address, the paths through their orders), so that anonymising one
    record cannot hide another from the erasure (a receipt under the e-mail typed at
    checkout, found through its order). Should the database still pick the erasure as a
    deadlock's victim, the whole transaction is tried again (:func:`retrying`)."""
    reg = reg or default_registry
    person = Person.of(who)
    if is_stand_in(person.account):
        raise ErasureRefused([_("This account stands in for erased members of staff; it "
                                "holds no personal data.")])
    return retrying(lambda: _execute_once(person, reg, override_reason=override_reason))


def _execute_once(person: Person, reg, *, override_reason: str) -> Plan:
    now = timezone.now()
    override_reason = override_reason.strip()
    with transaction.atomic():
        decls = list(reg)
        chosen = _choose(decls, person)
        plan = preview(person, reg)
        plan.overridden = _refuse_if_blocked(plan, person, override_reason)
        plan.recipient_notices = _recipient_notices(person)
        _act(decls, chosen, person, now)
        _verify_out_of_reach(decls, person)
    return plan
