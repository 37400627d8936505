"""Receipts and credit notes: the accounting records of a sale (P01, P03, P23).

A receipt carries everything a full invoice must under mervärdesskattelag (2023:200)
17 kap. 24 §: issue date; a sequential number in one unbroken series; the seller's name,
address, org.nr and VAT number; the buyer's name and address (and a company buyer's org.nr
and VAT number, when the provider gave them); quantity and kind of the goods; the date of
supply where it is determined and differs from the issue date; the taxable amount, the VAT
rate and the VAT amount per rate; the total; and how it was paid.

Date of supply. Licences and cloud services are delivered when the order is placed, so
their date is the issue date. Goods are delivered when they are dispatched, which is not
known when the receipt is issued at placement: the receipt says so, and the dispatch notice
(the "shipped" e-mail) gives the date. Nothing claims a date that has not happened.

Both documents are issued inside the transaction that causes them (placing the order,
refunding a return), so their number is taken and kept only if that transaction commits.
The data is a snapshot (the seller from ``settings.TILLIT_CONTROLLER`` as it was), and the
HTML is rendered once from it and stored; nothing is re-rendered later.
"""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation

from tillit.core.money import vat_breakdown, vat_part

from . import numbering
from .models import CreditNote, Order, OrderLine, Receipt, ReturnRequest

# 2: "supply_date" is None until goods are dispatched ("supply_at_dispatch",
# "digital_supply_date"); the buyer has a "vat_number".
SCHEMA = 2


def _seller() -> dict:
    c = settings.TILLIT_CONTROLLER
    keys = ("name", "shop_name", "org_nr", "vat_number", "street", "postal_code", "city",
            "country", "email", "website")
    return {k: c.get(k, "") for k in keys}


def _buyer(order: Order) -> dict:
    return {
        "name": order.billing_name, "company": order.billing_company,
        "org_nr": order.billing_org_nr, "vat_number": order.billing_vat_number,
        "street": order.billing_street,
        "street2": order.billing_street2, "postal_code": order.billing_postal_code,
        "city": order.billing_city, "country": order.billing_country,
    }


def _line(line: OrderLine, quantity: int, sign: int = 1) -> dict:
    total = line.unit_price_ore * quantity
    vat = vat_part(total, line.vat_rate)
    return {
        "sku": line.sku, "name": line.name, "kind": line.kind, "quantity": sign * quantity,
        "unit_price_ore": line.unit_price_ore, "vat_rate_bp": line.vat_rate,
        # The unit price excluding VAT, as a full invoice must show it (ML 17 kap. 24 §).
        "unit_net_ore": line.unit_price_ore - vat_part(line.unit_price_ore, line.vat_rate),
        "total_ore": sign * total, "vat_ore": sign * vat, "net_ore": sign * (total - vat),
    }


def _vat_rows(lines: list[tuple[OrderLine, int]], sign: int = 1) -> list[dict]:
    breakdown = vat_breakdown([(line.unit_price_ore * qty, line.vat_rate)
                               for line, qty in lines])
    return [{"rate_bp": row.rate_bp, "net_ore": sign * row.net.ore,
             "vat_ore": sign * row.vat.ore, "gross_ore": sign * row.gross.ore}
            for row in breakdown]


def _document(kind: str, number: int, prefix: str, issued_at, order: Order,
              lines: list[tuple[OrderLine, int]], sign: int) -> dict:
    rows = [_line(line, qty, sign) for line, qty in lines]
    vat = _vat_rows(lines, sign)
    return {
        "schema": SCHEMA, "kind": kind, "number": number,
        "display_number": f"{prefix}{number}",
        "issued_at": issued_at.isoformat(),
        "issue_date": timezone.localdate(issued_at).isoformat(),
        "currency": order.currency, "language": order.language,
        "seller": _seller(), "buyer": _buyer(order),
        "order_number": order.number,
        "order_date": timezone.localdate(order.placed_at).isoformat(),
        "payment_method": order.payment_method,
        "lines": rows, "vat": vat,
        "total_ore": sum(r["gross_ore"] for r in vat),
        "total_vat_ore": sum(r["vat_ore"] for r in vat),
        "total_net_ore": sum(r["net_ore"] for r in vat),
    }


def _supply(order: Order, issue_date: str) -> dict:
    """When the receipt's lines are supplied: ``supply_date`` when that is the issue date
    for all of them (only licences and cloud services, delivered at once); otherwise none,
    with ``supply_at_dispatch`` set (goods, and what goes with them such as the delivery
    fee, are supplied when dispatched) and ``digital_supply_date`` for any licences and
    cloud services on the same receipt."""
    kinds = {line.kind for line in order.lines.all()}
    if OrderLine.Kind.PHYSICAL not in kinds:
        return {"supply_date": issue_date}
    supply = {"supply_date": None, "supply_at_dispatch": True}
    if OrderLine.Kind.DIGITAL in kinds:
        supply["digital_supply_date"] = issue_date
    return supply


def render(data: dict) -> str:
    """The document as a standalone HTML page, in the order's language."""
    with translation.override(data.get("language") or settings.LANGUAGE_CODE):
        return render_to_string("orders/document.html", {"doc": data})


def issue_receipt(order: Order) -> Receipt:
    """Issue the receipt for a just-placed order. Must run inside its transaction."""
    number = numbering.next_number(numbering.RECEIPT)
    issued_at = timezone.now()
    lines = [(line, line.quantity) for line in order.lines.all()]
    data = _document("receipt", number, Receipt.PREFIX, issued_at, order, lines, sign=1)
    data.update(_supply(order, data["issue_date"]))
    receipt = Receipt(order=order, number=number, issued_at=issued_at,
                      buyer_name=order.billing_name, buyer_email=order.email,
                      total_ore=data["total_ore"], data=data, html=render(data))
    receipt.save()
    return receipt


def issue_credit_note(order: Order, lines: list[tuple[OrderLine, int]], *,
                      return_request: ReturnRequest | None = None,
                      supply_date=None) -> CreditNote:
    """Issue a credit note against the order's receipt for ``lines`` ((order line,
    quantity) pairs; amounts incl. VAT), for a refunded return or a cancellation. Must run
    inside the transaction that refunds or cancels."""
    receipt = order.receipt
    number = numbering.next_number(numbering.CREDIT_NOTE)
    issued_at = timezone.now()
    data = _document("credit_note", number, CreditNote.PREFIX, issued_at, order, lines, -1)
    data["credits"] = {"receipt_number": receipt.display_number,
                       "receipt_date": receipt.data["issue_date"]}
    data["supply_date"] = timezone.localdate(supply_date or issued_at).isoformat()
    note = CreditNote(receipt=receipt, return_request=return_request, number=number,
                      issued_at=issued_at, buyer_name=receipt.buyer_name,
                      buyer_email=receipt.buyer_email, total_ore=data["total_ore"],
                      data=data, html=render(data),
                      # A correction of a receipt locked by its buyer's erasure is locked too.
                      locked_at=receipt.locked_at)
    note.save()
    return note
