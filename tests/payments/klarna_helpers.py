"""Helpers for tests that talk to the Klarna emulator: valid bodies, the buyer's details,
and a transport that records what the shop sent.

Imported by tests/payments and tests/checkout.
"""

from __future__ import annotations

import json
import re

import httpx

from tillit.core.money import vat_part
from tillit.payments.klarna.emulator.transport import InProcessTransport

USERNAME = "demo-merchant"
PASSWORD = "demo-only-emulator-secret"
BUYER = {
    "email": "kim.kund@example.com", "given_name": "Kim", "family_name": "Kund",
    "street_address": "Exempelgatan 1", "postal_code": "56531", "city": "Mullsjö",
    "phone": "070-123 45 67", "payment_method": "invoice",
}


def line(unit_price=129900, quantity=1, tax_rate=2500, **overrides):
    total = unit_price * quantity
    data = {"type": "physical", "reference": "MIX-012", "name": "Studiomixer 12",
            "quantity": quantity, "quantity_unit": "pcs", "unit_price": unit_price,
            "tax_rate": tax_rate, "total_amount": total, "total_discount_amount": 0,
            "total_tax_amount": vat_part(total, tax_rate)}
    data.update(overrides)
    return data


def merchant_urls(base="https://shop.example"):
    return {"terms": f"{base}/terms", "checkout": f"{base}/kassa/",
            "confirmation": f"{base}/kassa/bekraftelse/?order_id={{checkout.order.id}}",
            "push": f"{base}/kassa/push/{{checkout.order.id}}/"}


def order_body(lines=None, *, base="https://shop.example", **overrides):
    lines = lines if lines is not None else [line()]
    body = {"purchase_country": "SE", "purchase_currency": "SEK", "locale": "sv-SE",
            "order_amount": sum(x["total_amount"] for x in lines),
            "order_tax_amount": sum(x["total_tax_amount"] for x in lines),
            "order_lines": lines, "merchant_urls": merchant_urls(base)}
    body.update(overrides)
    return body


def checkout_page_url(html: str) -> str:
    """The provider's checkout page that the snippet in ``html`` makes its script frame
    (the ``ORDER_URL`` of the configuration the snippet's inline script sets)."""
    match = re.search(r'"ORDER_URL":\s*("(?:[^"\\]|\\.)*")', html)
    assert match, "no checkout configuration in the snippet"
    return json.loads(match.group(1))


class RecordingTransport(httpx.BaseTransport):
    """Hands requests to the project in-process and remembers them."""

    def __init__(self):
        self.inner = InProcessTransport()
        self.requests: list[httpx.Request] = []

    def handle_request(self, request):
        request.read()
        self.requests.append(request)
        return self.inner.handle_request(request)

    def bodies(self, path_part: str = "") -> list[dict]:
        return [json.loads(r.content) for r in self.requests
                if path_part in r.url.path and r.content]

    def paths(self) -> list[str]:
        return [f"{r.method} {r.url.path}" for r in self.requests]
