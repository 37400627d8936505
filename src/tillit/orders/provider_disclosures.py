"""Every call after the checkout that sends a buyer's data to the checkout provider is a
disclosure (P25), as the checkout load is (``checkout/services.py``): the capture at
shipment (the amount, the carrier and the tracking number), a refund (the amount and the
returned lines) and a cancellation (that the order was called off). Each writes one entry
in the ledger, with the data categories of exactly what the call carried, named by the
fields of the data map's declarations; the entry's reference is the provider's order id,
the record an Art. 19 notice names to the provider.
"""

from __future__ import annotations

from tillit.privacy.datamap import registry
from tillit.privacy.ledger import record_disclosure
from tillit.privacy.models import Disclosure
from tillit.privacy.selectors import checkout_provider

from . import provider
from .models import Order, OrderLine

PURPOSE, LEGAL_BASIS = "essential.service.payment_processing", "contract"
CAPTURE = ("klarna_order_id", "total_ore", "carrier", "tracking_number")
REFUND = ("klarna_order_id", "refunded_ore")
CANCEL = ("klarna_order_id", "cancelled_at")


def record_call(order: Order, fields: tuple[str, ...], *, lines: bool = False,
                recorded_by=None) -> Disclosure | None:
    """Record that a call about ``order`` sent the provider ``fields`` of the order (and,
    with ``lines``, order lines: what was bought or returned). An order with no provider
    order behind it sent nothing, and records nothing.

    The person is the order's buyer: their account and address, or the keyed hash an
    erasure left in the address's place (as the ledger's own entries keep after one)."""
    if not order.klarna_order_id:
        return None
    categories = set(registry.get(Order).categories(fields))
    if lines:
        categories |= set(registry.get(OrderLine).categories())
    return _record(order.klarna_order_id, categories, user=order.user, email=order.email,
                   recorded_by=recorded_by)


def record_release(klarna_order_id: str, *, user=None, email: str = "",
                   session_ref: str = "") -> Disclosure | None:
    """Record that the provider was told to release the payment of a checkout no order
    came of (the goods ran out, or another buyer won the last item): the same data as a
    cancellation. The person is whoever the checkout knows: the account, the address the
    buyer gave the provider, or the guest's browser session."""
    if not (user or email or session_ref):
        return None
    return _record(klarna_order_id, set(registry.get(Order).categories(CANCEL)), user=user,
                   email=email, session_ref=session_ref)


def _record(klarna_order_id: str, categories, *, user=None, email: str = "",
            session_ref: str = "", recorded_by=None) -> Disclosure:
    return record_disclosure(
        recipient_kind="payment_provider", recipient=provider.name(),
        categories=categories, purpose=PURPOSE, legal_basis=LEGAL_BASIS, user=user,
        email=email, session_ref=session_ref, reference=klarna_order_id,
        registered=checkout_provider(), recorded_by=recorded_by)
