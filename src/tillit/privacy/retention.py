"""The retention sweep (P23): every declared rule, evaluated and enforced.

For each declaration, in batches:

* the rows whose period has ended are deleted;
* the fields kept raw for less time than the row (``HashAfter``: an IP address kept raw
  for 30 days in a log kept for a year) are replaced by their keyed hash once their own
  period has ended (P10, P35).

Both skip the rows of people under a legal hold that is active at the sweep's ``now``: a
hold keeps the data a claim or an authority needs as it is, and a raw address replaced by
its hash cannot be had back. Records kept for bookkeeping after an erasure are reached
by a hold through the keyed hash of the e-mail (``erasure_actions.kept_rows_for``).

Safe to run every night from cron: ``tillit retention run`` (``--dry-run`` only counts).
Each run leaves a report, kept as an audit event for the privacy desk.

Apps with rules of their own (requests nobody verified, erasures that waited) register a
*pass*: ``register_pass(name, fn)`` with ``fn(now, dry_run) -> int``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from . import erasure_actions
from .datamap import Declaration, Person
from .datamap import registry as default_registry
from .ledger import audit
from .models import AuditEvent, LegalHold

BATCH = 500
_passes: dict[str, Callable[[dt.datetime, bool], int]] = {}


def register_pass(name: str, fn: Callable[[dt.datetime, bool], int]) -> None:
    _passes[name] = fn


def register_file_pass(name: str, folder: Callable[[], Path], days: int,
                       pattern: str = "*.csv") -> None:
    """A pass that deletes the files matching ``pattern`` in ``folder()`` (read when the
    sweep runs, so settings may change) once they are ``days`` old: exports that hold
    personal data (carrier files, letter files) and are kept only that long."""

    def sweep(now: dt.datetime, dry_run: bool) -> int:
        where = Path(folder())
        if not where.is_dir():
            return 0
        cutoff = (now - dt.timedelta(days=days)).timestamp()
        old = [p for p in where.glob(pattern) if p.is_file() and p.stat().st_mtime < cutoff]
        if not dry_run:
            for path in old:
                path.unlink(missing_ok=True)
        return len(old)

    register_pass(name, sweep)


@dataclass
class Line:
    """What the sweep found and did for one model. ``found``/``acted``/``held``: rows past
    their period, deleted, kept for a legal hold. ``hash_found``/``hashed``/``hash_held``:
    raw values past their own period, replaced by their keyed hash, kept raw for a hold."""

    model: str
    found: int = 0
    acted: int = 0
    held: int = 0
    rule: str = ""
    hash_found: int = 0
    hashed: int = 0
    hash_held: int = 0
    hash_rules: list[str] = field(default_factory=list)

    @property
    def active(self) -> bool:
        return bool(self.found or self.hash_found)


@dataclass
class Report:
    dry_run: bool
    lines: list[Line] = field(default_factory=list)
    passes: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {"dry_run": self.dry_run,
                "models": {x.model: {"found": x.found, "acted": x.acted, "held": x.held,
                                     "hash_found": x.hash_found, "hashed": x.hashed,
                                     "hash_held": x.hash_held}
                           for x in self.lines if x.active},
                "passes": self.passes}


def _held_people(now: dt.datetime) -> list[Person]:
    """The people under a hold that is active on ``now``'s date (not lifted, not ended)."""
    today = timezone.localdate(now)
    holds = LegalHold.objects.filter(lifted_at__isnull=True).filter(
        Q(until__isnull=True) | Q(until__gte=today))
    return [Person(user=h.user, email=h.email) for h in holds.select_related("user")]


def _held_pks(decl: Declaration, held: list[Person]) -> set:
    """The rows of ``decl``'s model that belong to a held person, locked ones included."""
    pks: set = set()
    for person in held:
        pks |= set(decl.subject.rows_for(decl.model, person).values_list("pk", flat=True))
        pks |= set(erasure_actions.kept_rows_for(decl, person).values_list("pk", flat=True))
    return pks


def _expire_rows(decl: Declaration, line: Line, now: dt.datetime, held_pks: set,
                 dry_run: bool) -> set:
    """Delete ``decl``'s rows past their period, except held ones; returns the pks that
    are (or in a dry run would be) deleted."""
    manager = decl.model._default_manager
    expired_pks = list(decl.retention.expired(manager.all(), now)
                       .values_list("pk", flat=True))
    line.found = len(expired_pks)
    todo = [pk for pk in expired_pks if pk not in held_pks]
    line.held = line.found - len(todo)
    if not dry_run:
        for start in range(0, len(todo), BATCH):
            with transaction.atomic():
                manager.filter(pk__in=todo[start:start + BATCH]).delete()
    line.acted = len(todo)
    return set(todo)


def _hash_fields(decl: Declaration, line: Line, now: dt.datetime, held_pks: set,
                 gone: set, dry_run: bool) -> None:
    """Replace every raw value past its ``HashAfter`` period by its keyed hash, a batch at
    a time in primary-key order (so the sweep never holds the whole table in memory).
    Rows in ``gone`` are being deleted by this run and are not counted."""
    model = decl.model
    manager = model._default_manager
    for name, rule in decl.field_rules():
        line.hash_rules.append(f"{name}: {rule.describe()}")
        purpose = rule.purpose or name
        after = None
        while True:
            due = rule.due(manager.all(), name, now).order_by("pk")
            if after is not None:
                due = due.filter(pk__gt=after)
            rows = list(due.values_list("pk", name)[:BATCH])
            if not rows:
                break
            after = rows[-1][0]
            changed = []
            for pk, value in rows:
                if pk in gone:
                    continue
                line.hash_found += 1
                if pk in held_pks:
                    line.hash_held += 1
                    continue
                changed.append(model(pk=pk, **{name: rule.new_value(value, purpose)}))
            if changed and not dry_run:
                with transaction.atomic():
                    manager.bulk_update(changed, [name])
            line.hashed += len(changed)


def run(*, dry_run: bool = False, now: dt.datetime | None = None, reg=None) -> Report:
    """Sweep every declaration of ``reg`` as of ``now``, then run the registered passes.
    A dry run counts what would be done and changes nothing."""
    now = now or timezone.now()
    reg = reg or default_registry
    report = Report(dry_run=dry_run)
    held = _held_people(now)
    for decl in reg:
        line = Line(decl.label, rule=str(decl.retention.describe()))
        held_pks = _held_pks(decl, held) if held else set()
        gone = _expire_rows(decl, line, now, held_pks, dry_run)
        # After a real deletion the rows are gone; a dry run must not count them twice.
        _hash_fields(decl, line, now, held_pks, gone if dry_run else set(), dry_run)
        report.lines.append(line)
    for name, fn in _passes.items():
        report.passes[name] = fn(now, dry_run)
    if not dry_run:
        audit(AuditEvent.Action.RETENTION, target="retention sweep", detail=report.as_dict())
    return report
