"""Writes to orders: placement, fulfilment (pack, ship, deliver, cancel) and returns.

Every function either does all it promises or raises an :class:`OrderError` (its
``message`` is meant for the buyer or the member of staff) and leaves nothing changed. The
payment provider is reached only through :func:`get_client` (tests replace it).

Placement (:func:`place_order_from_klarna`) is idempotent: the provider's order id is
unique, the products are locked before the order is looked for again, and a lost race
returns the winner's order. Captures and refunds send an idempotency key that is stored
before the first attempt, so a retry after a timeout cannot charge or refund twice.
"""

from __future__ import annotations

import ipaddress
import logging
import re
import uuid
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tillit.cart.models import CartLine
from tillit.catalog.models import Product
from tillit.core import vatnumber
from tillit.core.money import vat_part

from . import notifications, numbering, receipts
from .models import CreditNote, Order, OrderLine, ReturnLine, ReturnRequest

log = logging.getLogger(__name__)

Status = Order.Status

# Provider statuses of an order the buyer has completed and the provider has authorised
# (checkout API: checkout_complete; order management API: AUTHORIZED).
PLACEABLE = {"checkout_complete", "AUTHORIZED"}
GOODS_KINDS = {OrderLine.Kind.PHYSICAL, OrderLine.Kind.DIGITAL}
MAX_REASON = 1000


def get_client():
    """The payment provider's client (Klarna Checkout / Order Management)."""
    from tillit.payments.klarna.client import get_client as klarna_client

    return klarna_client()


def _provider_error() -> type[Exception]:
    from tillit.payments.klarna.client import KlarnaError

    return KlarnaError


class OrderError(Exception):
    """An order operation that cannot be done; ``message`` says why, for people."""

    def __init__(self, message: str | Promise):
        super().__init__(str(message))
        self.message = message


class PlacementRefused(OrderError):
    """The provider's order cannot become an order here (malformed, not completed)."""


@dataclass(frozen=True)
class Shortage:
    sku: str
    name: str
    wanted: int
    in_stock: int


class OutOfStock(OrderError):
    """Some goods are no longer in stock; the provider's order has been cancelled."""

    def __init__(self, shortages: list[Shortage]):
        names = ", ".join(s.name for s in shortages)
        super().__init__(_("Sorry, we no longer have enough of: %(names)s. Your order was "
                           "not placed and your payment has been cancelled; nothing is "
                           "charged.") % {"names": names})
        self.shortages = shortages


class FulfilmentError(OrderError):
    """A packing, shipping, delivery or cancellation step that cannot be done."""


class ReturnRefused(OrderError):
    """A return that cannot be started or refunded."""


RETURN_WINDOW_CLOSED = _("The 14-day return period for this order has ended, so a return "
                         "can no longer be started here. Contact us if you think this is "
                         "wrong.")


# Placement ------------------------------------------------------------------------------


def _text(data: Mapping, key: str, limit: int, *, required: bool = False) -> str:
    value = data.get(key, "")
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise PlacementRefused(_("The payment provider sent an order we cannot read."))
    value = value.strip()
    if (required and not value) or len(value) > limit:
        raise PlacementRefused(_("The payment provider sent an order we cannot read."))
    return value


def _int(data: Mapping, key: str, *, default: int | None = None) -> int:
    value = data.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int):
        raise PlacementRefused(_("The payment provider sent an order we cannot read."))
    return value


def _address(data, prefix: str) -> dict:
    if not isinstance(data, Mapping):
        raise PlacementRefused(_("The payment provider sent an order without an address."))
    name = " ".join(filter(None, (_text(data, "given_name", 100), _text(data, "family_name", 100))))
    if not name:
        raise PlacementRefused(_("The payment provider sent an order without a name."))
    country = _text(data, "country", 2, required=True).upper()
    return {
        f"{prefix}_name": name,
        f"{prefix}_company": _text(data, "organization_name", 200),
        f"{prefix}_street": _text(data, "street_address", 200, required=True),
        f"{prefix}_street2": _text(data, "street_address2", 200),
        f"{prefix}_postal_code": _text(data, "postal_code", 20, required=True),
        f"{prefix}_city": _text(data, "city", 100, required=True),
        f"{prefix}_country": country,
        f"{prefix}_phone": _text(data, "phone", 40),
    }


@dataclass
class _Line:
    kind: str
    sku: str
    name: str
    unit_price: int
    vat_rate: int
    quantity: int
    total: int


def _lines(klarna_order: Mapping) -> list[_Line]:
    raw = klarna_order.get("order_lines")
    if not isinstance(raw, list) or not raw or len(raw) > 500:
        raise PlacementRefused(_("The payment provider sent an order without items."))
    lines = []
    for item in raw:
        if not isinstance(item, Mapping):
            raise PlacementRefused(_("The payment provider sent an order we cannot read."))
        kind = item.get("type") or "physical"
        if kind not in OrderLine.Kind.values:
            kind = OrderLine.Kind.OTHER
        quantity = _int(item, "quantity")
        unit_price = _int(item, "unit_price")
        vat_rate = _int(item, "tax_rate", default=0)
        total = _int(item, "total_amount")
        discount = _int(item, "total_discount_amount", default=0)
        if quantity < 1 or not 0 <= vat_rate <= 10000 or discount < 0:
            raise PlacementRefused(_("The payment provider sent an order we cannot read."))
        if total != unit_price * quantity - discount:
            raise PlacementRefused(_("The payment provider's order does not add up."))
        lines.append(_Line(kind=kind, sku=_text(item, "reference", 64, required=True),
                           name=_text(item, "name", 255, required=True),
                           unit_price=unit_price, vat_rate=vat_rate, quantity=quantity,
                           total=total))
    if sum(line.total for line in lines) != _int(klarna_order, "order_amount"):
        raise PlacementRefused(_("The payment provider's order does not add up."))
    return lines


def _language(checkout, klarna_order: Mapping) -> str:
    locale = getattr(checkout, "locale", "") or klarna_order.get("locale") or ""
    return "en" if str(locale).lower().startswith("en") else "sv"


def _payment_method(klarna_order: Mapping) -> str:
    from tillit.payments.klarna.client import provider_name

    provider = provider_name()
    method = klarna_order.get("initial_payment_method")
    if isinstance(method, Mapping) and isinstance(method.get("description"), str):
        return f"{provider}: {method['description'][:150]}"
    return f"{provider} Checkout"


def _org_nr(klarna_order: Mapping, user) -> str:
    customer = klarna_order.get("customer")
    if isinstance(customer, Mapping):
        org_nr = customer.get("organization_registration_id")
        if isinstance(org_nr, str) and org_nr.strip():
            return org_nr.strip()[:30]
    if user is not None and getattr(user, "company", ""):
        return user.org_nr
    return ""


def _vat_number(klarna_order: Mapping) -> str:
    """A company buyer's VAT number, when the provider gives one (``customer.vat_id``; not
    a documented field of Klarna Checkout v3's customer object, so often absent). A value
    that is not a VAT number is left out and logged: no reason to refuse a paid order."""
    customer = klarna_order.get("customer")
    value = customer.get("vat_id") if isinstance(customer, Mapping) else None
    if value in (None, ""):
        return ""
    number = vatnumber.normalise(value)
    if not number:
        log.warning("Provider order %s: ignored a VAT number that is not one",
                    klarna_order.get("order_id"))
    return number


def _parse(klarna_order: Mapping, checkout) -> tuple[dict, list[_Line]]:
    if not isinstance(klarna_order, Mapping):
        raise PlacementRefused(_("The payment provider sent an order we cannot read."))
    if klarna_order.get("status") not in PLACEABLE:
        raise PlacementRefused(_("The payment has not been completed."))
    if klarna_order.get("purchase_currency", "SEK") != "SEK":
        raise PlacementRefused(_("The payment provider's order is not in Swedish kronor."))
    billing = klarna_order.get("billing_address")
    shipping = klarna_order.get("shipping_address") or billing
    email = _text(billing if isinstance(billing, Mapping) else {}, "email", 254, required=True)
    user = getattr(checkout, "user", None)
    if user is not None and not getattr(user, "pk", None):
        user = None
    fields = {
        "klarna_order_id": _text(klarna_order, "order_id", 100, required=True),
        "user": user, "email": email,
        "language": _language(checkout, klarna_order),
        **_address(billing, "billing"), **_address(shipping, "shipping"),
        "billing_org_nr": "",
        "policy_version": getattr(checkout, "policy_version", None),
        "currency": "SEK",
        "payment_method": _payment_method(klarna_order),
    }
    fields["billing_org_nr"] = _org_nr(klarna_order, user) if fields["billing_company"] else ""
    fields["billing_vat_number"] = _vat_number(klarna_order) if fields["billing_company"] \
        else ""
    lines = _lines(klarna_order)
    if fields["shipping_phone"] == "":
        fields["shipping_phone"] = fields["billing_phone"]
    return fields, lines


def _shortages(lines: list[_Line], products: dict[str, Product]) -> list[Shortage]:
    wanted = Counter()
    names = {}
    for line in lines:
        if line.kind in GOODS_KINDS:
            wanted[line.sku] += line.quantity
            names[line.sku] = line.name
    shortages = []
    for sku, quantity in wanted.items():
        product = products.get(sku)
        stock = product.stock if product is not None and product.is_active else 0
        if stock < quantity:
            shortages.append(Shortage(sku=sku, name=names[sku], wanted=quantity,
                                      in_stock=stock))
    return shortages


def _ip(value) -> str:
    try:
        return str(ipaddress.ip_address(str(value).strip())) if value else ""
    except ValueError:
        return ""


def _create(fields: dict, lines: list[_Line], products: dict[str, Product], checkout) -> Order:
    total = sum(line.total for line in lines)
    vat = sum(vat_part(line.total, line.vat_rate) for line in lines)
    order = Order.objects.create(
        number=numbering.next_number(numbering.ORDER), total_ore=total, total_vat_ore=vat,
        buyer_ip=_ip(getattr(checkout, "buyer_ip", None)), **fields,
    )
    OrderLine.objects.bulk_create([
        OrderLine(order=order, product=products.get(line.sku) if line.kind in GOODS_KINDS
                  else None, kind=line.kind, sku=line.sku, name=line.name,
                  unit_price_ore=line.unit_price, vat_rate=line.vat_rate,
                  quantity=line.quantity, total_ore=line.total,
                  vat_ore=vat_part(line.total, line.vat_rate))
        for line in lines
    ])
    for line in lines:
        if line.kind in GOODS_KINDS:
            product = products[line.sku]
            product.stock -= line.quantity
            product.save(update_fields=["stock"])
    receipts.issue_receipt(order)
    _take_bought_from_cart(getattr(checkout, "cart_id", None), lines, products)
    return order


def _take_bought_from_cart(cart_id, lines: list[_Line], products: dict[str, Product]) -> None:
    """Take what was paid for out of the cart it came from, and only that: a line the buyer
    added (or a quantity raised) in another tab after paying stays for the next purchase."""
    if not cart_id:
        return
    bought = Counter()
    for line in lines:
        if line.kind in GOODS_KINDS:
            bought[products[line.sku].pk] += line.quantity
    for cart_line in CartLine.objects.select_for_update().filter(
            cart_id=cart_id, product_id__in=bought):
        left = cart_line.quantity - bought[cart_line.product_id]
        if left > 0:
            cart_line.quantity = left
            cart_line.save(update_fields=["quantity"])
        else:
            cart_line.delete()


def place_order_from_klarna(klarna_order: Mapping, *, checkout, notify: bool = True) -> Order:
    """Make our order from the provider's completed order, once.

    ``klarna_order`` is the provider's order JSON (checkout or order-management view);
    ``checkout`` the checkout session (``user``, ``cart_id``, ``policy_version``,
    ``buyer_ip``, ``locale``). In one transaction: the products are locked and their stock
    reserved, the order and its lines are written with a snapshot of name, SKU, price and
    VAT rate, the receipt is issued and the cart emptied. Then the confirmation e-mail goes
    out (once; a later call retries it if sending failed).

    A repeated or concurrent call for the same provider order returns the same order. If
    the goods are no longer in stock the provider's order is cancelled and
    :class:`OutOfStock` raised; an order that cannot be read raises
    :class:`PlacementRefused`. Acknowledging the order to the provider is the caller's.
    """
    klarna_id = klarna_order.get("order_id") if isinstance(klarna_order, Mapping) else None
    existing = Order.objects.filter(klarna_order_id=klarna_id).first() if klarna_id else None
    if existing is None:
        fields, lines = _parse(klarna_order, checkout)
        skus = sorted({line.sku for line in lines if line.kind in GOODS_KINDS})
        try:
            with transaction.atomic():
                # Locking the products serialises placements of the same goods, so a
                # concurrent call for this provider order finds it below once we commit.
                products = {p.sku: p for p in
                            Product.objects.select_for_update().filter(sku__in=skus)
                            .order_by("pk")}
                existing = Order.objects.filter(klarna_order_id=klarna_id).first()
                if existing is None:
                    shortages = _shortages(lines, products)
                    if shortages:
                        raise OutOfStock(shortages)
                    order = _create(fields, lines, products, checkout)
        except IntegrityError:
            existing = Order.objects.filter(klarna_order_id=klarna_id).first()
            if existing is None:
                raise
        except OutOfStock:
            existing = Order.objects.filter(klarna_order_id=klarna_id).first()
            if existing is None:
                _cancel_quietly(klarna_id)
                raise
    if existing is not None:
        order = existing
    if notify:
        send_confirmation_once(order)
    return order


def _cancel_quietly(klarna_id: str) -> None:
    """Cancel the provider's order we could not fill; the authorisation would otherwise
    hold the buyer's money until it expires. Failures are logged, not raised: the buyer is
    told the order failed either way."""
    try:
        get_client().cancel(klarna_id)
    except Exception:  # the provider's outage must not hide the stock error
        log.exception("Could not cancel provider order %s after a stock shortage", klarna_id)


def send_confirmation_once(order: Order) -> bool:
    """Send the order confirmation unless it has been sent; True if sent now."""
    claimed = Order.objects.filter(pk=order.pk, confirmation_sent_at__isnull=True).update(
        confirmation_sent_at=timezone.now())
    if not claimed:
        return False
    try:
        notifications.send_confirmation(order)
    except Exception:
        # Leave it unsent, so the provider's next push (or staff) retries it.
        Order.objects.filter(pk=order.pk).update(confirmation_sent_at=None)
        log.exception("Could not send the confirmation of order %s", order.number)
        return False
    order.refresh_from_db(fields=["confirmation_sent_at"])
    return True


# Fulfilment -----------------------------------------------------------------------------

_TRACKING = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{3,63}$")


def _locked(order: Order) -> Order:
    return (Order.objects.select_for_update(of=("self",)).select_related("carrier")
            .get(pk=order.pk))


def mark_packed(order: Order, *, carrier=None) -> Order:
    """Placed → packed, with the carrier that will take it (the default one if none)."""
    from tillit.shipping.selectors import default_carrier

    with transaction.atomic():
        order = _locked(order)
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
        locked = _locked(order)
        if locked.status in (Status.SHIPPED, Status.DELIVERED):
            return locked
        if locked.status not in (Status.PLACED, Status.PACKED):
            raise FulfilmentError(_("Order %(number)s cannot be shipped (it is %(status)s).")
                                  % {"number": locked.number,
                                     "status": locked.get_status_display()})
        if locked.capture_idempotency_key is None:
            locked.capture_idempotency_key = uuid.uuid4()
            locked.save(update_fields=["capture_idempotency_key", "updated_at"])
    from tillit.shipping.services import record_handover

    shipping_info = [{"shipping_company": carrier.name, "tracking_number": tracking_number,
                      "tracking_uri": carrier.tracking_url(tracking_number)}]
    try:
        capture_id = get_client().capture(
            locked.klarna_order_id, locked.total_ore, shipping_info=shipping_info,
            idempotency_key=str(locked.capture_idempotency_key))
    except _provider_error() as exc:
        log.warning("Capture of order %s failed: %s", locked.number, exc)
        raise FulfilmentError(_("The payment provider did not accept the capture for "
                                "order %(number)s; nothing was changed. Try again in a "
                                "moment.") % {"number": locked.number}) from exc
    with transaction.atomic():
        locked = _locked(order)
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
        record_handover(locked, carrier, recorded_by=recorded_by)
    try:
        notifications.send_shipped(locked)
    except Exception:
        log.exception("Could not send the shipping e-mail of order %s", locked.number)
    return locked


def mark_delivered(order: Order, *, when=None) -> Order:
    """Shipped → delivered; the 14-day return period starts from ``when`` (default now)."""
    with transaction.atomic():
        order = _locked(order)
        if order.status == Status.DELIVERED:
            return order
        if order.status != Status.SHIPPED:
            raise FulfilmentError(_("Order %(number)s has not been shipped.")
                                  % {"number": order.number})
        order.status = Status.DELIVERED
        order.delivered_at = when or timezone.now()
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
        get_client().cancel(order.klarna_order_id)
    except _provider_error() as exc:
        raise FulfilmentError(_("The payment provider did not cancel order %(number)s; "
                                "nothing was changed.") % {"number": order.number}) from exc
    with transaction.atomic():
        order = _locked(order)
        if not cancellable(order):
            return order
        lines = list(order.lines.select_related("product"))
        _restock([(line, line.quantity) for line in lines])
        credit_note = receipts.issue_credit_note(order, [(line, line.quantity)
                                                         for line in lines])
        order.status = Status.CANCELLED
        order.cancelled_at = timezone.now()
        order.save(update_fields=["status", "cancelled_at", "updated_at"])
    try:
        notifications.send_cancelled(order, credit_note)
    except Exception:
        log.exception("Could not send the cancellation e-mail of order %s", order.number)
    return order


def _restock(pairs: list[tuple[OrderLine, int]]) -> None:
    quantities = Counter()
    for line, quantity in pairs:
        if line.is_goods and line.product_id:
            quantities[line.product_id] += quantity
    for product in Product.objects.select_for_update().filter(pk__in=quantities).order_by("pk"):
        product.stock += quantities[product.pk]
        product.save(update_fields=["stock"])


# Returns (ångerrätt) --------------------------------------------------------------------


def returned_quantities(order: Order) -> dict[int, int]:
    """Quantity per order line already in a return that was not rejected."""
    rows = (ReturnLine.objects.filter(return_request__order=order)
            .exclude(return_request__status=ReturnRequest.Status.REJECTED)
            .values("order_line").annotate(n=Sum("quantity")))
    return {row["order_line"]: row["n"] for row in rows}


def return_window_open(order: Order, now=None) -> bool:
    """Whether a return may be started: delivered, and today is at most the 14th day
    after the day of delivery."""
    deadline = order.return_deadline()
    if deadline is None or order.status not in (Status.DELIVERED, Status.RETURNED):
        return False
    return timezone.localdate(now or timezone.now()) <= deadline


def start_return(order: Order, quantities: Mapping[int, int], reason: str = "", *,
                 now=None) -> ReturnRequest:
    """The buyer returns ``quantities`` (order line id → quantity) of the order's goods.

    Refused with :class:`ReturnRefused` after the 14-day period, for lines that are not
    this order's goods, for quantities below 0 or above what is left to return, when
    nothing is chosen, or when the reason is too long.
    """
    if not isinstance(reason, str) or len(reason) > MAX_REASON:
        raise ReturnRefused(_("Keep the reason under %(n)d characters.") % {"n": MAX_REASON})
    with transaction.atomic():
        order = _locked(order)
        if not return_window_open(order, now):
            raise ReturnRefused(RETURN_WINDOW_CLOSED)
        lines = {line.pk: line for line in order.lines.all() if line.is_goods}
        done = returned_quantities(order)
        chosen = []
        for line_id, quantity in quantities.items():
            line = lines.get(line_id) if isinstance(line_id, int) else None
            if line is None:
                raise ReturnRefused(_("That item is not part of this order."))
            if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 0:
                raise ReturnRefused(_("Enter the quantity as a whole number."))
            left = line.quantity - done.get(line.pk, 0)
            if quantity > left:
                raise ReturnRefused(_("You can return at most %(n)d of %(name)s.")
                                    % {"n": left, "name": line.name})
            if quantity:
                chosen.append((line, quantity))
        if not chosen:
            raise ReturnRefused(_("Choose at least one item to return."))
        request = ReturnRequest.objects.create(order=order, reason=reason.strip())
        ReturnLine.objects.bulk_create([
            ReturnLine(return_request=request, order_line=line, quantity=quantity)
            for line, quantity in chosen
        ])
    return request


def mark_return_received(return_request: ReturnRequest) -> ReturnRequest:
    """The returned goods have arrived."""
    with transaction.atomic():
        ret = ReturnRequest.objects.select_for_update().get(pk=return_request.pk)
        if ret.status == ReturnRequest.Status.RECEIVED:
            return ret
        if ret.status != ReturnRequest.Status.REQUESTED:
            raise ReturnRefused(_("This return is already %(status)s.")
                                % {"status": ret.get_status_display()})
        ret.status = ReturnRequest.Status.RECEIVED
        ret.received_at = timezone.now()
        ret.save(update_fields=["status", "received_at"])
    return ret


def _refund_lines(ret: ReturnRequest) -> list[tuple[OrderLine, int]]:
    """The returned goods, plus the shipping fee when this return completes the return of
    every item (the standard delivery cost is refunded on a full withdrawal)."""
    order = ret.order
    pairs = [(rl.order_line, rl.quantity) for rl in ret.lines.select_related("order_line")]
    done = returned_quantities(order)  # includes this return
    goods = [line for line in order.lines.all() if line.is_goods]
    if all(done.get(line.pk, 0) >= line.quantity for line in goods):
        pairs += [(line, line.quantity) for line in order.lines.all()
                  if line.kind == OrderLine.Kind.SHIPPING_FEE]
    return pairs


def _klarna_lines(pairs: list[tuple[OrderLine, int]]) -> list[dict]:
    out = []
    for line, quantity in pairs:
        total = line.unit_price_ore * quantity
        out.append({"type": line.kind, "reference": line.sku, "name": line.name,
                    "quantity": quantity, "unit_price": line.unit_price_ore,
                    "tax_rate": line.vat_rate, "total_amount": total,
                    "total_tax_amount": vat_part(total, line.vat_rate)})
    return out


def refund_return(return_request: ReturnRequest) -> CreditNote:
    """Refund a received return through the provider (the returned lines' amounts), write
    the credit note, put the goods back in stock and e-mail the buyer.

    Idempotent: a refunded return gives back its credit note; the refund's idempotency key
    is committed before the provider is called, so a retry refunds once.
    """
    with transaction.atomic():
        ret = ReturnRequest.objects.select_for_update().get(pk=return_request.pk)
        if ret.status == ReturnRequest.Status.REFUNDED:
            return ret.credit_note
        if ret.status != ReturnRequest.Status.RECEIVED:
            raise ReturnRefused(_("Mark the return as received before refunding it."))
        if ret.refund_idempotency_key is None:
            ret.refund_idempotency_key = uuid.uuid4()
            ret.save(update_fields=["refund_idempotency_key"])
    provider_error = _provider_error()
    with transaction.atomic():
        ret = ReturnRequest.objects.select_for_update().select_related("order").get(pk=ret.pk)
        if ret.status == ReturnRequest.Status.REFUNDED:
            return ret.credit_note
        order = _locked(ret.order)
        pairs = _refund_lines(ret)
        amount = sum(line.unit_price_ore * quantity for line, quantity in pairs)
        if amount <= 0 or amount > order.total_ore - order.refunded_ore:
            raise ReturnRefused(_("The refund would exceed what is left of the order."))
        try:
            refund_id = get_client().refund(
                order.klarna_order_id, amount, order_lines=_klarna_lines(pairs),
                description=f"Return {ret.pk} of order {order.number}",
                idempotency_key=str(ret.refund_idempotency_key))
        except provider_error as exc:
            log.warning("Refund of return %s failed: %s", ret.pk, exc)
            raise ReturnRefused(_("The payment provider did not accept the refund; nothing "
                                  "was changed. Try again in a moment.")) from exc
        now = timezone.now()
        _restock([(line, quantity) for line, quantity in pairs])
        ret.status = ReturnRequest.Status.REFUNDED
        ret.refunded_at = now
        ret.refund_ore = amount
        ret.klarna_refund_id = str(refund_id or "")[:100]
        ret.save()
        order.refunded_ore += amount
        order.status = Status.REFUNDED if order.refunded_ore >= order.total_ore \
            else Status.RETURNED
        order.save(update_fields=["refunded_ore", "status", "updated_at"])
        ret.order = order
        note = receipts.issue_credit_note(order, pairs, return_request=ret,
                                          supply_date=ret.received_at)
    try:
        notifications.send_refunded(ret, note)
    except Exception:
        log.exception("Could not send the refund e-mail for return %s", ret.pk)
    return note


# Guest links ----------------------------------------------------------------------------


def send_fresh_link(order: Order, email: str) -> bool:
    """Send a fresh link to a guest's order when ``email`` is the address the order was
    placed with (in any letter case); the caller answers the same either way, so the form
    tells nobody which address an order has. True when a link was sent."""
    address = order.contact_email
    if order.user_id is not None or not address or \
            address.strip().casefold() != email.strip().casefold():
        return False
    notifications.send_fresh_link(order)
    return True
