"""The payment provider, as the orders app reaches it: only through :func:`get_client`
(tests replace it) and :func:`error`, the provider's failure type."""

from __future__ import annotations


def get_client():
    """The payment provider's client (Klarna Checkout / Order Management)."""
    from tillit.payments.klarna.client import get_client as klarna_client

    return klarna_client()


def error() -> type[Exception]:
    from tillit.payments.klarna.client import KlarnaError

    return KlarnaError
