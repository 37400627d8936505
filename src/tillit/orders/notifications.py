"""The order e-mails (P17: contract communication): confirmation with the receipt, shipped
with the tracking link (P02), refunded with the credit note.

All go through ``tillit.core.mail.send`` (which adds and enforces the controller footer,
P03), in the language the buyer used at checkout: Swedish, or English if they chose it.
"""

from __future__ import annotations

from django.utils import translation

from tillit.core import mail

from .links import absolute, order_path
from .models import CreditNote, Order, ReturnRequest


def _context(order: Order) -> dict:
    with translation.override(order.language):
        url = absolute(order_path(order, language=order.language))
    return {"order": order, "lines": list(order.lines.all()), "vat": order.vat_breakdown(),
            "order_url": url}


def send_confirmation(order: Order):
    receipt = order.receipt
    context = {**_context(order), "receipt": receipt}
    return mail.send("orders/email/confirmation", context, [order.email],
                     language=order.language,
                     attachments=[(f"{receipt.display_number}.html", receipt.html,
                                   "text/html")])


def send_shipped(order: Order):
    return mail.send("orders/email/shipped", _context(order), [order.email],
                     language=order.language)


def send_refunded(return_request: ReturnRequest, credit_note: CreditNote):
    order = return_request.order
    context = {**_context(order), "return": return_request, "credit_note": credit_note,
               "refund_ore": return_request.refund_ore}
    return mail.send("orders/email/refunded", context, [order.email], language=order.language,
                     attachments=[(f"{credit_note.display_number}.html", credit_note.html,
                                   "text/html")])
