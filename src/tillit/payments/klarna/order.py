"""Reading the provider's order JSON (Checkout v3 and Order Management v1) into plain
values, beside ``payload.py``, which writes what the shop sends. A value the shop cannot
use raises :class:`Unreadable` with a message for people; the orders app turns the values
into an order.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tillit.core import vatnumber

from .client import provider_name

log = logging.getLogger("tillit.payments")

class Unreadable(Exception):
    """The provider's order cannot be read; ``message`` says why, for people."""

    def __init__(self, message: str | Promise):
        super().__init__(str(message))
        self.message = message


def text(data: Mapping, key: str, limit: int, *, required: bool = False) -> str:
    value = data.get(key, "")
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise Unreadable(_("The payment provider sent an order we cannot read."))
    value = value.strip()
    if (required and not value) or len(value) > limit:
        raise Unreadable(_("The payment provider sent an order we cannot read."))
    return value


def integer(data: Mapping, key: str, *, default: int | None = None) -> int:
    value = data.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int):
        raise Unreadable(_("The payment provider sent an order we cannot read."))
    return value


def address(data, prefix: str) -> dict:
    if not isinstance(data, Mapping):
        raise Unreadable(_("The payment provider sent an order without an address."))
    name = " ".join(filter(None, (text(data, "given_name", 100), text(data, "family_name", 100))))
    if not name:
        raise Unreadable(_("The payment provider sent an order without a name."))
    country = text(data, "country", 2, required=True).upper()
    return {
        f"{prefix}_name": name,
        f"{prefix}_company": text(data, "organization_name", 200),
        f"{prefix}_street": text(data, "street_address", 200, required=True),
        f"{prefix}_street2": text(data, "street_address2", 200),
        f"{prefix}_postal_code": text(data, "postal_code", 20, required=True),
        f"{prefix}_city": text(data, "city", 100, required=True),
        f"{prefix}_country": country,
        f"{prefix}_phone": text(data, "phone", 40),
    }


@dataclass
class Line:
    kind: str
    sku: str
    name: str
    unit_price: int
    vat_rate: int
    quantity: int
    total: int


def lines(klarna_order: Mapping) -> list[Line]:
    raw = klarna_order.get("order_lines")
    if not isinstance(raw, list) or not raw or len(raw) > 500:
        raise Unreadable(_("The payment provider sent an order without items."))
    read = []
    for item in raw:
        if not isinstance(item, Mapping):
            raise Unreadable(_("The payment provider sent an order we cannot read."))
        kind = item.get("type") or "physical"  # Klarna's line type; the shop maps it
        if not isinstance(kind, str):
            kind = "other"
        quantity = integer(item, "quantity")
        unit_price = integer(item, "unit_price")
        vat_rate = integer(item, "tax_rate", default=0)
        total = integer(item, "total_amount")
        discount = integer(item, "total_discount_amount", default=0)
        if quantity < 1 or not 0 <= vat_rate <= 10000 or discount < 0:
            raise Unreadable(_("The payment provider sent an order we cannot read."))
        if total != unit_price * quantity - discount:
            raise Unreadable(_("The payment provider's order does not add up."))
        read.append(Line(kind=kind, sku=text(item, "reference", 64, required=True),
                         name=text(item, "name", 255, required=True),
                         unit_price=unit_price, vat_rate=vat_rate, quantity=quantity,
                         total=total))
    if sum(line.total for line in read) != integer(klarna_order, "order_amount"):
        raise Unreadable(_("The payment provider's order does not add up."))
    return read


def payment_method(klarna_order: Mapping) -> str:
    provider = provider_name()
    method = klarna_order.get("initial_payment_method")
    if isinstance(method, Mapping) and isinstance(method.get("description"), str):
        return f"{provider}: {method['description'][:150]}"
    return f"{provider} Checkout"


def vat_number(klarna_order: Mapping) -> str:
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
