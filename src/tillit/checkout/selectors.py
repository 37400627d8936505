"""Reads of checkout sessions."""

from __future__ import annotations

from tillit.payments.klarna.client import is_valid_order_id

from .models import CheckoutSession


def checkout_for_provider_order(order_id: object) -> CheckoutSession | None:
    """The checkout session of the provider's ``order_id``; None for an unknown or
    malformed id (it is checked before it reaches the database)."""
    if not is_valid_order_id(order_id):
        return None
    return (CheckoutSession.objects.select_related("user", "policy_version")
            .filter(klarna_order_id=order_id).first())
