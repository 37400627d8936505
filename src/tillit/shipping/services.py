"""Writes about carriers: the default carriers."""

from __future__ import annotations

from .defaults import DEFAULT_CARRIER_CODE, DEFAULT_CARRIERS
from .models import Carrier


def ensure_default_carriers() -> list[Carrier]:
    """Create the default carriers that are missing; leave existing ones as staff set them."""
    carriers = []
    for position, (code, name, template) in enumerate(DEFAULT_CARRIERS):
        carrier, _created = Carrier.objects.get_or_create(
            code=code, defaults={"name": name, "tracking_url_template": template,
                                 "position": position,
                                 "is_default": code == DEFAULT_CARRIER_CODE})
        carriers.append(carrier)
    return carriers
