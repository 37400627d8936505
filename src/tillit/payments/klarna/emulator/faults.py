"""Failures on demand, so tests (and a curious demo user) can watch the shop cope with a
provider that errs, stalls or talks nonsense.

A fault is a rule, from ``settings.TILLIT_KLARNA_EMULATOR_FAULT`` or, for one request, the
``Klarna-Emulator-Fault`` header::

    KIND[:SECONDS][@PATH][*TIMES]

KIND is an HTTP status (``500``, ``503``, ``400``, …), ``malformed`` (200 with a body that
is not JSON), ``delay`` (wait SECONDS, then answer normally), ``stall`` (wait SECONDS, then
answer 504 without touching anything) or ``lost`` (do the work, then answer 500, as when
the answer is lost on its way back). ``@PATH`` limits the rule to request paths containing
PATH; ``*TIMES`` to the first TIMES matching requests (counted per rule in this process;
:func:`reset` starts the count again). Several rules may be given, separated by commas.

Only the emulated API is affected, never the buyer's checkout page.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass

from django.conf import settings

HEADER = "HTTP_KLARNA_EMULATOR_FAULT"
_RULE = re.compile(r"^(?P<kind>\d{3}|malformed|delay|stall|lost)(?::(?P<seconds>\d+(?:\.\d+)?))?"
                   r"(?:@(?P<path>[^*]+))?(?:\*(?P<times>\d+))?$")
MAX_SECONDS = 30.0

_used: dict[str, int] = {}
_lock = threading.Lock()


@dataclass(frozen=True)
class Fault:
    kind: str
    seconds: float = 0.0

    @property
    def status(self) -> int | None:
        return int(self.kind) if self.kind.isdigit() else None


def reset() -> None:
    with _lock:
        _used.clear()


def _rules(text: str) -> list[tuple[str, re.Match]]:
    out = []
    for raw in (text or "").split(","):
        raw = raw.strip()
        match = _RULE.match(raw) if raw else None
        if match:
            out.append((raw, match))
    return out


def fault_for(request) -> Fault | None:
    """The fault to apply to ``request``, if any (and count it)."""
    text = request.META.get(HEADER) or getattr(settings, "TILLIT_KLARNA_EMULATOR_FAULT", "")
    for raw, match in _rules(text):
        path = match["path"]
        if path and path not in request.path:
            continue
        times = int(match["times"]) if match["times"] else None
        with _lock:
            used = _used.get(raw, 0)
            if times is not None and used >= times:
                continue
            _used[raw] = used + 1
        seconds = min(float(match["seconds"] or 0), MAX_SECONDS)
        return Fault(kind=match["kind"], seconds=seconds)
    return None
