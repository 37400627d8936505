"""Fulfilment (P02): pack, ship (capturing the payment), deliver, cancel. The provider is
called with no row of the order locked; each step checks the order again, locked, before
it changes it. Captures send an idempotency key stored before the first attempt, so a
retry after a timeout cannot charge twice.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections import Counter

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tillit.catalog.models import Product

from . import notifications, provider, receipts
from .carrier_export import record_handover
from .errors import FulfilmentError
from .models import Order, OrderLine
from .provider_disclosures import CANCEL, CAPTURE, record_call

log = logging.getLogger(__name__)

Status = Order.Status


_TRACKING = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{3,63}$")


def lock(order: Order) -> Order:
    return (Order.objects.select_for_update(of=("self",)).select_related("carrier")
            .get(pk=order.pk))


def mark_packed(order: Order, *, carrier=None) -> Order:
    """Placed → packed, with the carrier that will take it (the default one if none)."""
    from tillit.shipping.selectors import default_carrier

    with transaction.atomic():
        order = lock(order)
        if order.status == Status.PACKED and carrier is None:
            return order
        if order.status not in (Status.PLACED, Status.PACKED):
            raise FulfilmentError(_("Order %(number)s cannot be packed now (it is %(status)s).")
                                  % {"number": order.number,
                                     "status": order.get_status_display()})
        carrier = carrier or order.carrier or default_carrier()
        if carrier is None or not carrier.is_active:
            raise FulfilmentError(_("Choose an active carrier."))
        order.carrier = carrier
        order.status = Status.PACKED
        order.packed_at = order.packed_at or timezone.now()
        order.save(update_fields=["carrier", "status", "packed_at", "updated_at"])
    return order


def ship_order(order: Order, *, carrier, tracking_number: str, recorded_by=None) -> Order:
    """Capture the payment and mark the order shipped with its carrier and tracking number;
    then e-mail the buyer the tracking link (P02). Handing the parcel to the carrier is a
    disclosure (P25): recorded here unless the carrier export recorded it for this order
    and carrier already (``recorded_by``: the member of staff, for the audit log).

    Run it outside a transaction: the capture's idempotency key is committed before the
    provider is called, so a retry after a failure or timeout reuses it and the provider
    captures once. The provider is called with no row locked, so a slow provider keeps no
    one else waiting for the order. An order already shipped is returned as it is, without
    a second capture.
    """
    tracking_number = "".join(str(tracking_number or "").split())
    if not _TRACKING.match(tracking_number):
        raise FulfilmentError(_("Enter the tracking number the carrier gave (4–64 letters "
                                "and digits)."))
    if carrier is None or not carrier.is_active:
        raise FulfilmentError(_("Choose an active carrier."))
    with transaction.atomic():
        locked = lock(order)
        if locked.status in (Status.SHIPPED, Status.DELIVERED):
            return locked
        if locked.status not in (Status.PLACED, Status.PACKED):
            raise FulfilmentError(_("Order %(number)s cannot be shipped (it is %(status)s).")
                                  % {"number": locked.number,
                                     "status": locked.get_status_display()})
        if locked.capture_idempotency_key is None:
            locked.capture_idempotency_key = uuid.uuid4()
            locked.save(update_fields=["capture_idempotency_key", "updated_at"])
    shipping_info = [{"shipping_company": carrier.name, "tracking_number": tracking_number,
                      "tracking_uri": carrier.tracking_url(tracking_number)}]
    try:
        capture_id = provider.get_client().capture(
            locked.klarna_order_id, locked.total_ore, shipping_info=shipping_info,
            idempotency_key=str(locked.capture_idempotency_key))
    except provider.error() as exc:
        log.warning("Capture of order %s failed: %s", locked.number, exc)
        raise FulfilmentError(_("The payment provider did not accept the capture for "
                                "order %(number)s; nothing was changed. Try again in a "
                                "moment.") % {"number": locked.number}) from exc
    with transaction.atomic():
        locked = lock(order)
        if locked.status in (Status.SHIPPED, Status.DELIVERED):
            return locked
        if locked.status not in (Status.PLACED, Status.PACKED):
            # Cancelled while the provider captured: the provider refuses one of the two.
            log.error("Order %s changed to %s while its capture ran", locked.number,
                      locked.status)
            raise FulfilmentError(_("Order %(number)s changed while it was being shipped "
                                    "(it is %(status)s); check it with the payment provider.")
                                  % {"number": locked.number,
                                     "status": locked.get_status_display()})
        now = timezone.now()
        locked.carrier = carrier
        locked.tracking_number = tracking_number
        locked.klarna_capture_id = str(capture_id or "")[:100]
        locked.status = Status.SHIPPED
        locked.packed_at = locked.packed_at or now
        locked.shipped_at = now
        locked.save()
        record_call(locked, CAPTURE, recorded_by=recorded_by)
        record_handover(locked, carrier, recorded_by=recorded_by)
    try:
        notifications.send_shipped(locked)
    except Exception:
        log.exception("Could not send the shipping e-mail of order %s", locked.number)
    return locked


def mark_delivered(order: Order, *, when=None) -> Order:
    """Shipped → delivered; the 14-day return period starts from ``when`` (default now)."""
    with transaction.atomic():
        order = lock(order)
        if order.status == Status.DELIVERED:
            return order
        if order.status != Status.SHIPPED:
            raise FulfilmentError(_("Order %(number)s has not been shipped.")
                                  % {"number": order.number})
        when = when or timezone.now()
        if order.shipped_at and timezone.localdate(when) < timezone.localdate(order.shipped_at):
            raise FulfilmentError(_("Order %(number)s was shipped on %(day)s: it cannot have "
                                    "been delivered before.")
                                  % {"number": order.number,
                                     "day": timezone.localdate(order.shipped_at)})
        order.status = Status.DELIVERED
        order.delivered_at = when
        order.save(update_fields=["status", "delivered_at", "updated_at"])
    return order


def cancel_order(order: Order) -> Order:
    """Cancel an order not yet shipped: the provider releases the payment, the goods go
    back in stock. The receipt is corrected by a credit note for the whole order, which
    the buyer gets by e-mail with word of the cancellation."""
    def cancellable(order: Order) -> bool:
        if order.status not in (Status.PLACED, Status.PACKED, Status.CANCELLED):
            raise FulfilmentError(_("Order %(number)s has been shipped; use a return instead.")
                                  % {"number": order.number})
        return order.status != Status.CANCELLED

    # The provider is asked with no row locked (a slow provider keeps nobody waiting); the
    # order is checked again, locked, before it is changed.
    if not cancellable(Order.objects.get(pk=order.pk)):
        return Order.objects.get(pk=order.pk)
    try:
        provider.get_client().cancel(order.klarna_order_id)
    except provider.error() as exc:
        raise FulfilmentError(_("The payment provider did not cancel order %(number)s; "
                                "nothing was changed.") % {"number": order.number}) from exc
    with transaction.atomic():
        order = lock(order)
        if not cancellable(order):
            return order
        lines = list(order.lines.select_related("product"))
        restock([(line, line.quantity) for line in lines])
        credit_note = receipts.issue_credit_note(order, [(line, line.quantity)
                                                         for line in lines])
        order.status = Status.CANCELLED
        order.cancelled_at = timezone.now()
        order.save(update_fields=["status", "cancelled_at", "updated_at"])
        record_call(order, CANCEL)
    try:
        notifications.send_cancelled(order, credit_note)
    except Exception:
        log.exception("Could not send the cancellation e-mail of order %s", order.number)
    return order


def restock(pairs: list[tuple[OrderLine, int]]) -> None:
    quantities = Counter()
    for line, quantity in pairs:
        if line.is_goods and line.product_id:
            quantities[line.product_id] += quantity
    for product in Product.objects.select_for_update().filter(pk__in=quantities).order_by("pk"):
        product.stock += quantities[product.pk]
        product.save(update_fields=["stock"])
