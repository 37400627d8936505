"""Two demo orders for the demo customer ``kund``: one delivered (its return button shows
for 14 days after loading), one shipped (its tracking link shows), each with its receipt.

:func:`load` is idempotent (orders are matched by their demo provider id) and calls no
payment provider: the orders are placed from provider-shaped data built here, then moved
along as staff would, without the capture. They exist only in this shop, so refunding a
return of them fails with the provider's "unknown order"; a purchase through the demo
checkout runs the whole flow against the emulator.
"""

from __future__ import annotations

from types import SimpleNamespace

from django.db import transaction
from django.utils import timezone

from tillit.accounts.models import User
from tillit.catalog.models import Product
from tillit.core.money import vat_part
from tillit.privacy.policy import current_version
from tillit.shipping.services import ensure_default_carriers

from . import services
from .models import Order

DEMO_CUSTOMER = "kund"
# (provider id, [(SKU, quantity)], carrier code, tracking number, delivered)
_ORDERS = [
    ("demo-order-0001", [("HGT-EM5", 2), ("BOK-MIKR", 1)], "postnord", "00370712345678", True),
    ("demo-order-0002", [("MIX-K16", 1)], "budbee", "BUDBEE123456", False),
]


def _provider_order(klarna_id: str, products: list[tuple[Product, int]], user: User) -> dict:
    lines = []
    for product, quantity in products:
        total = product.price_ore * quantity
        lines.append({"type": "physical", "reference": product.sku, "name": product.name,
                      "quantity": quantity, "unit_price": product.price_ore,
                      "tax_rate": product.vat_rate, "total_amount": total,
                      "total_tax_amount": vat_part(total, product.vat_rate)})
    given, _sep, family = user.name.partition(" ")
    address = {"given_name": given, "family_name": family, "email": user.email,
               "street_address": "Exempelgatan 1", "postal_code": "565 31",
               "city": "Mullsjö", "country": "SE", "phone": user.phone}
    return {"order_id": klarna_id, "status": "checkout_complete", "purchase_country": "SE",
            "purchase_currency": "SEK", "locale": "sv-SE", "billing_address": address,
            "shipping_address": address, "order_lines": lines,
            "order_amount": sum(line["total_amount"] for line in lines),
            "initial_payment_method": {"type": "INVOICE", "description": "Faktura"}}


@transaction.atomic
def load() -> None:
    user = User.objects.filter(username=DEMO_CUSTOMER).first()
    if user is None:
        return
    carriers = {c.code: c for c in ensure_default_carriers()}
    _policy, version = current_version("sv")
    for klarna_id, items, carrier, tracking, delivered in _ORDERS:
        if Order.objects.filter(klarna_order_id=klarna_id).exists():
            continue
        products = {p.sku: p for p in Product.objects.filter(sku__in=[s for s, _q in items])}
        if len(products) != len(items):
            continue  # the demo catalogue is not loaded
        chosen = [(products[sku], quantity) for sku, quantity in items]
        checkout = SimpleNamespace(user=user, cart_id=None, policy_version=version,
                                   buyer_ip="", locale="sv")
        order = services.place_order_from_klarna(_provider_order(klarna_id, chosen, user),
                                                 checkout=checkout, notify=False)
        # Moved along at once and directly: a demo order has no provider order to capture.
        # (Its dates stay today's, as its receipt's do.)
        now = timezone.now()
        Order.objects.filter(pk=order.pk).update(
            packed_at=now, shipped_at=now, carrier=carriers[carrier], tracking_number=tracking,
            klarna_capture_id="demo-capture",
            status=Order.Status.DELIVERED if delivered else Order.Status.SHIPPED,
            delivered_at=now if delivered else None, confirmation_sent_at=now)
