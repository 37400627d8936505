"""The order e-mails (P17: contract communication): confirmation with the receipt, shipped
with the tracking link (P02), refunded with the credit note, cancelled by the shop with
the credit note.

All go through ``tillit.core.mail.send`` (which adds and enforces the controller footer,
P03), in the language the buyer used at checkout: Swedish, or English if they chose it.

An order whose buyer was erased while it was open (staff override) keeps only a keyed hash
of the address: there is nobody left to write to, so nothing is sent, and that is logged.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from tillit.core import mail
from tillit.core.links import absolute

from . import provider
from .links import order_path
from .models import RETURN_DAYS, CreditNote, Order, ReturnRequest
from .privacy import GUEST_LINK_DAYS

log = logging.getLogger(__name__)


def _to(order: Order, what: str) -> list[str]:
    """The buyer's address as a recipient list; empty once the order was anonymised."""
    if not order.contact_email:
        log.info("No %s e-mail for order %s: its buyer was erased", what, order.number)
        return []
    return [order.contact_email]


def _context(order: Order) -> dict:
    with translation.override(order.language):
        url = absolute(order_path(order, language=order.language))
    return {"order": order, "lines": list(order.lines.all()), "vat": order.vat_breakdown(),
            "order_url": url, "guest_link_days": GUEST_LINK_DAYS}


def send_confirmation(order: Order):
    to = _to(order, "confirmation")
    if not to:
        return None
    receipt = order.receipt
    with translation.override(order.language):
        terms_url = absolute(reverse("checkout:terms"))
    context = {**_context(order), "receipt": receipt,
               "withdrawal_form_url": f"{terms_url}#withdrawal-form"}
    return mail.send("orders/email/confirmation", context, to,
                     language=order.language,
                     attachments=[(f"{receipt.display_number}.html", receipt.html,
                                   "text/html"),
                                  (TERMS_FILE, terms_document(order), "text/html")])


TERMS_FILE = "kopvillkor.html"


def terms_document(order: Order) -> str:
    """The purchase terms as they read when ``order`` was placed, in its language: the
    confirmation carries them, so the buyer keeps them on a durable medium."""
    with translation.override(order.language):
        return render_to_string("shop/terms_document.html", {
            "controller": settings.TILLIT_CONTROLLER, "provider": provider.name(),
            "return_days": RETURN_DAYS, "language": order.language,
            "as_of": timezone.localtime(order.placed_at).strftime("%Y-%m-%d %H:%M"),
        })


def send_shipped(order: Order):
    to = _to(order, "shipping")
    if not to:
        return None
    return mail.send("orders/email/shipped", _context(order), to,
                     language=order.language)


def send_refunded(return_request: ReturnRequest, credit_note: CreditNote):
    order = return_request.order
    to = _to(order, "refund")
    if not to:
        return None
    context = {**_context(order), "return": return_request, "credit_note": credit_note,
               "refund_ore": return_request.refund_ore}
    return mail.send("orders/email/refunded", context, to, language=order.language,
                     attachments=[(f"{credit_note.display_number}.html", credit_note.html,
                                   "text/html")])


def send_cancelled(order: Order, credit_note: CreditNote):
    to = _to(order, "cancellation")
    if not to:
        return None
    context = {**_context(order), "credit_note": credit_note, "receipt": order.receipt}
    return mail.send("orders/email/cancelled", context, to, language=order.language,
                     attachments=[(f"{credit_note.display_number}.html", credit_note.html,
                                   "text/html")])


def send_fresh_link(order: Order):
    """A new link to a guest's order page, to the address the order was placed with."""
    to = _to(order, "fresh link")
    if not to:
        return None
    return mail.send("orders/email/fresh_link", {**_context(order), "days": GUEST_LINK_DAYS},
                     to, language=order.language)
