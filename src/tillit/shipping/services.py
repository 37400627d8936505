"""Writes about carriers: the default carriers, and the disclosure of a parcel handed over."""

from __future__ import annotations

from tillit.orders.models import Order
from tillit.privacy.datamap import registry
from tillit.privacy.ledger import record_disclosure
from tillit.privacy.models import Disclosure

from .defaults import DEFAULT_CARRIER_CODE, DEFAULT_CARRIERS
from .export import LEGAL_BASIS, PURPOSE
from .models import Carrier

# What staff give a carrier when they book a parcel by hand instead of through the export
# file: the recipient's name and address, a phone number for the delivery notice, and the
# order number as the parcel's reference.
HANDOVER_FIELDS = ("number", "shipping_name", "shipping_company", "shipping_street",
                   "shipping_street2", "shipping_postal_code", "shipping_city",
                   "shipping_country", "shipping_phone")


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


def record_handover(order: Order, carrier: Carrier, *, recorded_by=None) -> Disclosure | None:
    """Record that ``order``'s parcel went to ``carrier`` with the recipient's details (P25),
    unless the carrier export already recorded a disclosure of this order to this carrier
    (the file held the same details and more). Returns the new entry, or None.

    Run it in the transaction that marks the order shipped.
    """
    if Disclosure.objects.filter(recipient_kind="carrier", recipient=carrier.name,
                                 reference=str(order.number)).exists():
        return None
    # The phone falls back to the billing phone, as in the export file.
    given = {name for name in HANDOVER_FIELDS if getattr(order, name)}
    if order.billing_phone and not order.shipping_phone:
        given.add("billing_phone")
    return record_disclosure(
        recipient_kind="carrier", recipient=carrier.name,
        categories=registry.get(Order).categories(given), purpose=PURPOSE,
        legal_basis=LEGAL_BASIS, user=order.user,
        email=order.contact_email,
        reference=str(order.number), recorded_by=recorded_by,
    )
