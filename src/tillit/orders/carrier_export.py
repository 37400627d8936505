"""The carrier export and the hand-over (P25): which orders are ready to ship, one CSV per
carrier (layout: ``tillit.shipping.export``), and, for each order, one entry in the
disclosure ledger naming the carrier, the order number and exactly the data categories the
carrier received. Marking an order shipped without the file records the hand-over too.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from tillit.privacy import hashing
from tillit.privacy.datamap import registry
from tillit.privacy.ledger import record_disclosure
from tillit.privacy.models import Disclosure
from tillit.shipping.export import SOURCE_FIELDS, CarrierFile, row_for, to_csv
from tillit.shipping.models import Carrier

from .models import Order

PURPOSE, LEGAL_BASIS = "essential.service", "contract"
# What staff give a carrier when they book a parcel by hand instead of through the export
# file: the recipient's name and address, a phone number for the delivery notice, and the
# order number as the parcel's reference.
HANDOVER_FIELDS = ("number", "shipping_name", "shipping_company", "shipping_street",
                   "shipping_street2", "shipping_postal_code", "shipping_city",
                   "shipping_country", "shipping_phone")


def ready_to_ship(carrier: Carrier | None = None, *, include_exported: bool = False):
    """Packed orders with a carrier, not yet shipped (and not yet exported, unless asked).
    An order whose buyer was erased while it was open (staff override) has no delivery
    details left to send, so it is not among them."""
    orders = Order.objects.filter(status=Order.Status.PACKED, carrier__isnull=False).exclude(
        email__startswith=hashing.PREFIX)
    if carrier is not None:
        orders = orders.filter(carrier=carrier)
    if not include_exported:
        orders = orders.filter(exported_at__isnull=True)
    return orders.select_related("carrier", "user").order_by("number")


def categories_sent(row: dict[str, str]) -> list[str]:
    """The data categories (from the data map) a row actually carries; empty columns send
    nothing."""
    declaration = registry.get(Order)
    return declaration.categories(SOURCE_FIELDS[col] for col, value in row.items() if value)


def export(orders, *, recorded_by=None, now=None) -> list[CarrierFile]:
    """Build one CSV per carrier for ``orders`` (those without a carrier are skipped),
    record one disclosure per order and stamp the orders as exported.

    Runs in a transaction: callers that write the files inside it (see the command) get
    no disclosure for a file that was never written.
    """
    now = now or timezone.now()
    stamp = timezone.localtime(now).strftime("%Y%m%d-%H%M%S")
    by_carrier: dict[int, CarrierFile] = {}
    rows: dict[int, list[dict[str, str]]] = {}
    with transaction.atomic():
        for order in sorted(orders, key=lambda o: o.number):
            if order.carrier is None:
                continue
            carrier = order.carrier
            file = by_carrier.setdefault(
                carrier.pk, CarrierFile(carrier, f"{carrier.code}-{stamp}.csv", ""))
            row = row_for(order)
            rows.setdefault(carrier.pk, []).append(row)
            file.orders.append(order)
            record_disclosure(
                recipient_kind="carrier", recipient=carrier.name,
                categories=categories_sent(row), purpose=PURPOSE, legal_basis=LEGAL_BASIS,
                user=order.user, email=order.email, reference=str(order.number),
                recorded_by=recorded_by,
            )
        exported = [o.pk for f in by_carrier.values() for o in f.orders]
        Order.objects.filter(pk__in=exported).update(exported_at=now)
        for pk, file in by_carrier.items():
            file.content = to_csv(rows[pk])
    return list(by_carrier.values())


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
