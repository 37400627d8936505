"""Klarna Checkout v3 order payloads built from a cart, in Klarna's arithmetic.

The rules, which the emulator enforces as Klarna does:

- amounts are integers in minor units (öre), ``unit_price`` includes VAT;
- ``tax_rate`` is in basis points (2500 = 25 %);
- ``total_amount = unit_price × quantity − total_discount_amount``;
- ``total_tax_amount = total_amount − total_amount × 10000 / (10000 + tax_rate)``, rounded
  as :func:`tillit.core.money.vat_part` rounds (Klarna accepts ±1);
- ``order_amount`` is the sum of the lines' ``total_amount`` and ``order_tax_amount`` the
  sum of their ``total_tax_amount``;
- ``purchase_country`` SE, ``purchase_currency`` SEK, and the four ``merchant_urls``
  (terms, checkout, confirmation, push; push differs from the others).

Only order contents go into the payload: no name, e-mail or address of the buyer, who
types those into the provider's checkout (P05, minimal data).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from tillit.core.money import CURRENCY, vat_part

PURCHASE_COUNTRY = "SE"
PURCHASE_CURRENCY = CURRENCY
LOCALES = {"sv": "sv-SE", "en": "en-SE"}
MERCHANT_URL_KEYS = ("terms", "checkout", "confirmation", "push")
# Klarna's placeholder in the confirmation and push URLs, replaced by the order id.
ORDER_ID_PLACEHOLDER = "{checkout.order.id}"

# Klarna's line types for the catalogue's kinds of product.
LINE_TYPES = {"physical": "physical", "licence": "digital", "cloud": "digital"}
MAX_REFERENCE = 64
MAX_NAME = 255


def line_tax(total_amount: int, tax_rate: int) -> int:
    """The VAT in a line's ``total_amount``, as Klarna computes it."""
    return vat_part(total_amount, tax_rate)


def order_line(*, reference: str, name: str, quantity: int, unit_price: int, tax_rate: int,
               type: str = "physical") -> dict:  # noqa: A002 (Klarna's field name)
    """One Klarna order line. ``unit_price`` in öre incl. VAT; ``tax_rate`` in basis points."""
    for label, value in (("quantity", quantity), ("unit_price", unit_price),
                         ("tax_rate", tax_rate)):
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"{label} must be an integer (öre / basis points), not {value!r}.")
    if quantity < 1 or unit_price < 0 or not 0 <= tax_rate <= 10000:
        raise ValueError("quantity ≥ 1, unit_price ≥ 0 and 0 ≤ tax_rate ≤ 10000 are required.")
    total = unit_price * quantity
    return {
        "type": type,
        "reference": str(reference)[:MAX_REFERENCE],
        "name": str(name)[:MAX_NAME],
        "quantity": quantity,
        "quantity_unit": "pcs",
        "unit_price": unit_price,
        "tax_rate": tax_rate,
        "total_amount": total,
        "total_discount_amount": 0,
        "total_tax_amount": line_tax(total, tax_rate),
    }


def order_lines(lines: Iterable) -> list[dict]:
    """Klarna order lines for cart lines (each with ``quantity`` and a ``product`` carrying
    ``sku``, ``name``, ``price_ore``, ``vat_rate`` and ``kind``)."""
    return [
        order_line(reference=line.product.sku, name=line.product.name,
                   quantity=line.quantity, unit_price=line.product.price_ore,
                   tax_rate=line.product.vat_rate,
                   type=LINE_TYPES.get(getattr(line.product, "kind", ""), "physical"))
        for line in lines
    ]


def order_totals(lines: Iterable[Mapping]) -> tuple[int, int]:
    """``(order_amount, order_tax_amount)``: the sums of the lines' totals and taxes."""
    lines = list(lines)
    return (sum(line["total_amount"] for line in lines),
            sum(line["total_tax_amount"] for line in lines))


def checkbox(box_id: str, text: str, *, checked: bool = False, required: bool = False) -> dict:
    """One of ``options.additional_checkboxes``: a box the provider shows in its checkout
    with the merchant's words; the buyer's answer comes back in the completed order's
    ``merchant_requested.additional_checkboxes``."""
    return {"id": box_id, "text": str(text), "checked": checked, "required": required}


def checkout_payload(cart_summary, *, merchant_urls: Mapping[str, str],
                     locale: str = "sv-SE", checkboxes: Iterable[Mapping] = ()) -> dict:
    """The body of ``POST /checkout/v3/orders`` (and of its update) for ``cart_summary``
    (a :class:`tillit.cart.selectors.CartSummary`), with the merchant's ``checkboxes``
    (:func:`checkbox`) when there are any."""
    missing = [key for key in MERCHANT_URL_KEYS if not merchant_urls.get(key)]
    if missing:
        raise ValueError(f"merchant_urls lacks {', '.join(missing)}.")
    if merchant_urls["push"] in (merchant_urls[k] for k in ("terms", "checkout",
                                                            "confirmation")):
        raise ValueError("The push URL must differ from the other merchant URLs.")
    lines = order_lines(cart_summary.lines)
    if not lines:
        raise ValueError("An order needs at least one line.")
    amount, tax = order_totals(lines)
    return {
        "purchase_country": PURCHASE_COUNTRY,
        "purchase_currency": PURCHASE_CURRENCY,
        "locale": locale,
        "order_amount": amount,
        "order_tax_amount": tax,
        "order_lines": lines,
        "merchant_urls": {key: merchant_urls[key] for key in MERCHANT_URL_KEYS},
        **({"options": {"additional_checkboxes": list(checkboxes)}} if checkboxes else {}),
    }


def checkbox_answers(klarna_order: Mapping) -> dict[str, bool]:
    """The buyer's answer to each of the merchant's boxes in a completed order, by id."""
    requested = klarna_order.get("merchant_requested") if isinstance(klarna_order,
                                                                      Mapping) else None
    boxes = requested.get("additional_checkboxes") if isinstance(requested, Mapping) else None
    return {str(b["id"]): b.get("checked") is True for b in boxes or ()
            if isinstance(b, Mapping) and "id" in b}
