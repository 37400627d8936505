"""Reads about carriers."""

from __future__ import annotations

from .models import Carrier


def active_carriers():
    return Carrier.objects.filter(is_active=True)


def default_carrier() -> Carrier | None:
    """The carrier for orders packed without one chosen: the default, else the first."""
    carriers = active_carriers()
    return carriers.filter(is_default=True).first() or carriers.first()
