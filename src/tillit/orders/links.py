"""Links to an order: the customer's own page, or a signed link for guests.

A guest has no account, so the confirmation e-mail carries a link signed with the site's
secret key (``django.core.signing``, with a salt of its own). It does not expire: the
guest needs it for the order's whole life, returns included. A changed token is a 404.
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import translation

from .models import Order

SALT = "tillit.orders.guest-link"


def guest_token(order: Order) -> str:
    return signing.dumps(order.number, salt=SALT)


def order_for_token(token: str) -> Order | None:
    """The order a guest token names, or None if the token was not made by us."""
    if not isinstance(token, str) or len(token) > 200:
        return None
    try:
        number = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    if isinstance(number, bool) or not isinstance(number, int):
        return None
    return Order.objects.filter(number=number).first()


def order_path(order: Order, view: str = "detail", language: str | None = None) -> str:
    """The order's page (``view``: detail, receipt, return) for its buyer: the account page
    for a customer's order, the signed guest page otherwise."""
    with translation.override(language or translation.get_language()):
        if order.user_id is not None:
            return reverse(f"orders:{view}", args=[order.number])
        return reverse(f"orders:guest_{view}", args=[guest_token(order)])


def absolute(path: str) -> str:
    return settings.TILLIT_PUBLIC_URL.rstrip("/") + path
