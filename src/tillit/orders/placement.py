"""Placing an order from the provider's completed order (P05, P17): stock reserved, order
and lines written with a snapshot of name, SKU, price and VAT rate, the receipt issued,
what was paid for taken out of the cart, the confirmation e-mailed once.

Placement is idempotent: the provider's order id is unique, the products are locked before
the order is looked for again, and a lost race returns the winner's order.
"""

from __future__ import annotations

import ipaddress
import logging
from collections import Counter
from collections.abc import Mapping
from dataclasses import replace

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tillit.cart.models import CartLine
from tillit.catalog.models import Product
from tillit.core.money import vat_part
from tillit.payments.klarna import order as provider_json
from tillit.payments.klarna.order import Line

from . import notifications, numbering, provider, receipts
from .errors import OutOfStock, PlacementRefused, Shortage
from .models import Order, OrderLine
from .provider_disclosures import record_release

log = logging.getLogger(__name__)

# Provider statuses of an order the buyer has completed and the provider has authorised
# (checkout API: checkout_complete; order management API: AUTHORIZED).
PLACEABLE = {"checkout_complete", "AUTHORIZED"}
GOODS_KINDS = {OrderLine.Kind.PHYSICAL, OrderLine.Kind.DIGITAL}


def _language(checkout, klarna_order: Mapping) -> str:
    locale = getattr(checkout, "locale", "") or klarna_order.get("locale") or ""
    return "en" if str(locale).lower().startswith("en") else "sv"


def _org_nr(klarna_order: Mapping, user) -> str:
    customer = klarna_order.get("customer")
    if isinstance(customer, Mapping):
        org_nr = customer.get("organization_registration_id")
        if isinstance(org_nr, str) and org_nr.strip():
            return org_nr.strip()[:30]
    if user is not None and getattr(user, "company", ""):
        return user.org_nr
    return ""


def _parse(klarna_order: Mapping, checkout) -> tuple[dict, list[Line]]:
    """The order's fields and lines, from the provider's order JSON and the checkout."""
    if not isinstance(klarna_order, Mapping):
        raise PlacementRefused(_("The payment provider sent an order we cannot read."))
    if klarna_order.get("status") not in PLACEABLE:
        raise PlacementRefused(_("The payment has not been completed."))
    if klarna_order.get("purchase_currency", "SEK") != "SEK":
        raise PlacementRefused(_("The payment provider's order is not in Swedish kronor."))
    try:
        return _read(klarna_order, checkout)
    except provider_json.Unreadable as unreadable:
        raise PlacementRefused(unreadable.message) from None


def _read(klarna_order: Mapping, checkout) -> tuple[dict, list[Line]]:
    billing = klarna_order.get("billing_address")
    shipping = klarna_order.get("shipping_address") or billing
    email = provider_json.text(billing if isinstance(billing, Mapping) else {}, "email", 254,
                               required=True)
    user = getattr(checkout, "user", None)
    if user is not None and not getattr(user, "pk", None):
        user = None
    fields = {
        "klarna_order_id": provider_json.text(klarna_order, "order_id", 100, required=True),
        "user": user, "email": email,
        "language": _language(checkout, klarna_order),
        **provider_json.address(billing, "billing"),
        **provider_json.address(shipping, "shipping"),
        "billing_org_nr": "",
        "policy_version": getattr(checkout, "policy_version", None),
        "currency": "SEK",
        "payment_method": provider_json.payment_method(klarna_order),
    }
    company = bool(fields["billing_company"])
    fields["billing_org_nr"] = _org_nr(klarna_order, user) if company else ""
    fields["billing_vat_number"] = provider_json.vat_number(klarna_order) if company else ""
    lines = [replace(line, kind=line.kind if line.kind in OrderLine.Kind.values
                     else OrderLine.Kind.OTHER)
             for line in provider_json.lines(klarna_order)]
    if fields["shipping_phone"] == "":
        fields["shipping_phone"] = fields["billing_phone"]
    return fields, lines


def _shortages(lines: list[Line], products: dict[str, Product]) -> list[Shortage]:
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


def _create(fields: dict, lines: list[Line], products: dict[str, Product], checkout) -> Order:
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


def _take_bought_from_cart(cart_id, lines: list[Line], products: dict[str, Product]) -> None:
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
                _cancel_quietly(klarna_id, user=fields["user"], email=fields["email"])
                raise
    if existing is not None:
        order = existing
    if notify:
        send_confirmation_once(order)
    return order


def _cancel_quietly(klarna_id: str, *, user=None, email: str = "") -> None:
    """Cancel the provider's order we could not fill; the authorisation would otherwise
    hold the buyer's money until it expires. Failures are logged, not raised: the buyer is
    told the order failed either way. The cancellation is a disclosure like any call."""
    try:
        provider.get_client().cancel(klarna_id)
    except Exception:  # the provider's outage must not hide the stock error
        log.exception("Could not cancel provider order %s after a stock shortage", klarna_id)
        return
    record_release(klarna_id, user=user, email=email)


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
