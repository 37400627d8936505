"""The payment provider, as the orders app reaches it: only through :func:`get_client`
(tests replace it), :func:`name` and :func:`error`, the provider's failure type."""

from __future__ import annotations


def get_client():
    """The payment provider's client (Klarna Checkout / Order Management)."""
    from tillit.payments.klarna.client import get_client as klarna_client

    return klarna_client()


def name() -> str:
    """The provider's name as buyers, the ledger and the policy see it (one setting)."""
    from tillit.payments.klarna.client import provider_name

    return provider_name()


def error() -> type[Exception]:
    from tillit.payments.klarna.client import KlarnaError

    return KlarnaError
