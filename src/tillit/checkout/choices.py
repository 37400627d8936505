"""The marketing boxes in the provider's checkout (issue 12 §2): what the provider shows,
in the buyer's language, and the buyer's answers into the consent ledger once per
checkout. Written by :func:`tillit.checkout.services.complete_checkout` and, for a
checkout nobody recorded, by ``tillit payments reconcile``."""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone, translation

from tillit.marketing import services as marketing
from tillit.payments.klarna import payload as klarna_payload
from tillit.payments.klarna.client import KlarnaClient, KlarnaError

from .models import CheckoutSession

log = logging.getLogger(__name__)


def boxes(language: str | None) -> list[dict]:
    """The marketing boxes the provider shows in its checkout, in the buyer's language."""
    with translation.override(language or translation.get_language() or "sv"):
        return [klarna_payload.checkbox(box_id, words)
                for box_id, words in marketing.checkout_boxes()]


def record_choices(session: CheckoutSession, order, checkout_view: dict | None,
                    client: KlarnaClient) -> bool:
    """The buyer's answers to the boxes into the consent ledger, once per checkout; True
    when recorded now. The push reads the order management API, which does not carry
    them: the checkout API's view is read then. The claim and the rows are written in one
    transaction, so a failure leaves them for the next call (the push, the buyer's
    confirmation page or `tillit payments reconcile`)."""
    if not CheckoutSession.objects.filter(pk=session.pk,
                                          choices_recorded_at__isnull=True).exists():
        return False  # recorded already: no call to the provider for it
    try:
        view = checkout_view if checkout_view is not None else client.read_order(
            session.klarna_order_id)
    except KlarnaError:
        log.warning("Marketing choices of order %s not read yet", order.number)
        return False
    with transaction.atomic(), translation.override(session.locale.split("-")[0]):
        if not CheckoutSession.objects.filter(
                pk=session.pk, choices_recorded_at__isnull=True).update(
                choices_recorded_at=timezone.now()):
            return False
        marketing.checkout_choices(
            klarna_payload.checkbox_answers(view), user=order.user, email=order.email,
            reference=f"order {order.number}", ip=session.buyer_ip or "")
    return True


def record_missing_choices(session: CheckoutSession, client: KlarnaClient) -> bool:
    """For `tillit payments reconcile`: the answers of a placed checkout nobody recorded."""
    from tillit.orders.models import Order

    order = Order.objects.filter(klarna_order_id=session.klarna_order_id).first()
    return order is not None and record_choices(session, order, None, client)

