"""Fixtures for orders and shipping tests: provider orders as Klarna sends them, a stand-in
checkout session, a fake provider client, and placed orders.

Imported by tests/orders/conftest.py and tests/shipping/conftest.py.
"""

from __future__ import annotations

import itertools
import uuid
from types import SimpleNamespace

import pytest

from tillit.cart.models import Cart, CartLine
from tillit.core.money import vat_part
from tillit.orders import provider, services
from tillit.orders.models import Order
from tillit.payments.klarna.client import KlarnaUnavailable
from tillit.privacy.policy import current_version
from tillit.shipping.services import ensure_default_carriers

_ids = itertools.count(1)


def klarna_line(product, quantity=1, *, kind="physical", unit_price=None, tax_rate=None):
    unit_price = product.price_ore if unit_price is None else unit_price
    tax_rate = product.vat_rate if tax_rate is None else tax_rate
    total = unit_price * quantity
    return {"type": kind, "reference": product.sku, "name": product.name,
            "quantity": quantity, "quantity_unit": "pcs", "unit_price": unit_price,
            "tax_rate": tax_rate, "total_amount": total, "total_discount_amount": 0,
            "total_tax_amount": vat_part(total, tax_rate)}


def shipping_line(price_ore=4900, tax_rate=2500):
    return {"type": "shipping_fee", "reference": "FRAKT", "name": "Frakt", "quantity": 1,
            "unit_price": price_ore, "tax_rate": tax_rate, "total_amount": price_ore,
            "total_discount_amount": 0, "total_tax_amount": vat_part(price_ore, tax_rate)}


def address(**overrides):
    data = {"given_name": "Kim", "family_name": "Kund", "email": "kim.kund@example.com",
            "street_address": "Exempelgatan 1", "postal_code": "565 31", "city": "Mullsjö",
            "phone": "070-123 45 67", "country": "se"}
    data.update(overrides)
    return data


def klarna_order(lines, *, order_id=None, status="checkout_complete", billing=None,
                 shipping=None, locale="sv-SE", **extra):
    """A completed order as the provider returns it (amounts in öre)."""
    data = {
        "order_id": order_id or str(uuid.uuid4()), "status": status,
        "purchase_country": "SE", "purchase_currency": "SEK", "locale": locale,
        "billing_address": billing or address(), "shipping_address": shipping or address(),
        "order_amount": sum(line["total_amount"] for line in lines),
        "order_tax_amount": sum(line["total_tax_amount"] for line in lines),
        "order_lines": lines,
    }
    data.update(extra)
    return data


def checkout(user=None, *, cart=None, policy_version=None, buyer_ip="203.0.113.7",
             locale="sv"):
    """A stand-in for the checkout engineer's CheckoutSession row."""
    if policy_version is None:
        policy_version = current_version()[1]
    return SimpleNamespace(user=user, session_key="", cart_id=cart.pk if cart else None,
                           policy_version=policy_version, buyer_ip=buyer_ip, locale=locale)


class FakeKlarna:
    """Records every call; ``fail`` holds exceptions to raise on the next calls of a kind."""

    def __init__(self):
        self.calls: list[tuple] = []
        self.fail: dict[str, list[Exception]] = {}

    def _maybe_fail(self, kind):
        pending = self.fail.get(kind)
        if pending:
            raise pending.pop(0)

    def capture(self, order_id, amount, *, order_lines=None, shipping_info=None,
                idempotency_key=None):
        self.calls.append(("capture", order_id, amount, idempotency_key, shipping_info))
        self._maybe_fail("capture")
        return f"cap-{next(_ids)}"

    def refund(self, order_id, amount, *, order_lines=None, description="",
               idempotency_key=None):
        self.calls.append(("refund", order_id, amount, idempotency_key, order_lines))
        self._maybe_fail("refund")
        return f"ref-{next(_ids)}"

    def cancel(self, order_id):
        self.calls.append(("cancel", order_id))
        self._maybe_fail("cancel")

    def of(self, kind):
        return [c for c in self.calls if c[0] == kind]


def unavailable():
    return KlarnaUnavailable("timed out", code="timeout")


@pytest.fixture
def fake_klarna(monkeypatch):
    fake = FakeKlarna()
    monkeypatch.setattr(provider, "get_client", lambda: fake)
    return fake


@pytest.fixture
def carriers(db):
    return {c.code: c for c in ensure_default_carriers()}


@pytest.fixture
def cart_with(db):
    """``cart_with(user, [(product, qty), ...])``: a customer's cart holding those lines."""

    def make(user, items):
        cart = Cart.objects.create(user=user)
        for product, quantity in items:
            CartLine.objects.create(cart=cart, product=product, quantity=quantity)
        return cart

    return make


@pytest.fixture
def place(fake_klarna):
    """``place(items, user=None, **klarna_order_kwargs)`` → Order; items are (product, qty)."""

    def make(items, user=None, *, locale="sv", extra_lines=(), cart=None, **kwargs):
        lines = [klarna_line(p, q) for p, q in items] + list(extra_lines)
        data = klarna_order(lines, locale="en-SE" if locale == "en" else "sv-SE", **kwargs)
        return services.place_order_from_klarna(
            data, checkout=checkout(user, cart=cart, locale=locale))

    return make


@pytest.fixture
def two_rate_products(make_product):
    """A 25 % product and a 6 % book."""
    mixer = make_product(name="Mixer", price_ore=129900, vat_rate=2500, stock=5)
    book = make_product(name="Ljudboken", price_ore=34900, vat_rate=600, stock=5)
    return mixer, book


@pytest.fixture
def customer_order(place, customer, two_rate_products, mailoutbox) -> Order:
    mixer, book = two_rate_products
    order = place([(mixer, 1), (book, 2)], user=customer)
    mailoutbox.clear()
    return order


@pytest.fixture
def guest_order(place, two_rate_products, mailoutbox) -> Order:
    mixer, _book = two_rate_products
    order = place([(mixer, 2)], billing=address(email="gast@example.com", given_name="Gus",
                                                family_name="Gäst"))
    mailoutbox.clear()
    return order
