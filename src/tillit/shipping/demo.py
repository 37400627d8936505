"""The demo's carriers: the defaults (idempotent)."""

from .services import ensure_default_carriers


def load() -> None:
    ensure_default_carriers()
