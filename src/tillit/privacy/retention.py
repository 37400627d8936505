"""The retention sweep (P23): every declared rule, evaluated and enforced.

For each declaration, the rows whose period has ended are deleted in batches, except the
rows of people under an active legal hold. Safe to run every night from cron:
``tillit retention run`` (``--dry-run`` only counts). Each run leaves a report, kept as an
audit event for the privacy desk.

Apps with finer rules than "delete the row" (an IP address kept raw for 30 days, then as a
keyed hash) register a *pass*: ``register_pass(name, fn)`` with ``fn(now, dry_run) -> int``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from .datamap import Person
from .datamap import registry as default_registry
from .ledger import audit
from .models import AuditEvent, LegalHold

BATCH = 500
_passes: dict[str, Callable[[dt.datetime, bool], int]] = {}


def register_pass(name: str, fn: Callable[[dt.datetime, bool], int]) -> None:
    _passes[name] = fn


@dataclass
class Line:
    model: str
    found: int = 0
    acted: int = 0
    held: int = 0
    rule: str = ""


@dataclass
class Report:
    dry_run: bool
    lines: list[Line] = field(default_factory=list)
    passes: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {"dry_run": self.dry_run,
                "models": {x.model: {"found": x.found, "acted": x.acted, "held": x.held}
                           for x in self.lines if x.found},
                "passes": self.passes}


def _held_people() -> list[Person]:
    today = timezone.localdate()
    holds = LegalHold.objects.filter(lifted_at__isnull=True).exclude(until__lt=today)
    return [Person(user=h.user, email=h.email) for h in holds.select_related("user")]


def run(*, dry_run: bool = False, now: dt.datetime | None = None, reg=None) -> Report:
    now = now or timezone.now()
    reg = reg or default_registry
    report = Report(dry_run=dry_run)
    held = _held_people()
    for decl in reg:
        manager = decl.model._default_manager
        expired = decl.retention.expired(manager.all(), now)
        line = Line(decl.label, rule=str(decl.retention.describe()))
        expired_pks = list(expired.values_list("pk", flat=True))
        line.found = len(expired_pks)
        if not expired_pks:
            report.lines.append(line)
            continue
        held_pks: set = set()
        for person in held:
            held_pks |= set(decl.subject.rows_for(decl.model, person)
                            .filter(pk__in=expired_pks).values_list("pk", flat=True))
        line.held = len(held_pks)
        todo = [pk for pk in expired_pks if pk not in held_pks]
        if not dry_run:
            for start in range(0, len(todo), BATCH):
                with transaction.atomic():
                    manager.filter(pk__in=todo[start:start + BATCH]).delete()
        line.acted = len(todo)
        report.lines.append(line)
    for name, fn in _passes.items():
        report.passes[name] = fn(now, dry_run)
    if not dry_run:
        audit(AuditEvent.Action.RETENTION, target="retention sweep", detail=report.as_dict())
    return report
