"""Links to an order: the customer's own page, or a signed link for guests.

A guest has no account, so the order e-mails carry a link signed with the site's secret
key (``django.core.signing``, with a salt of its own, and the time it was made). It opens
the order while the order is open and for ``GUEST_LINK_DAYS`` (``orders/privacy.py``)
after the later of its delivery (or cancellation) and the link's own making; after that
the page holds personal data nobody needs to reach by a bare link, so the link answers 410
(:class:`LinkExpired`) and the buyer may ask for a fresh one, sent to the order's e-mail
address. A changed token is a 404.
"""

from __future__ import annotations

import datetime as dt

from django.core import signing
from django.urls import reverse
from django.utils import timezone, translation

from .models import Order
from .privacy import GUEST_LINK_DAYS

SALT = "tillit.orders.guest-link"


class LinkExpired(Exception):
    """A guest link we made, for ``order``, whose time has passed."""

    def __init__(self, order: Order):
        super().__init__(f"The link to order {order.number} has expired.")
        self.order = order


class _Signer(signing.TimestampSigner):
    # The shop's clock (timezone.now), which the expiry is reckoned by too.
    def timestamp(self):
        return signing.b62_encode(int(timezone.now().timestamp()))


def guest_token(order: Order) -> str:
    return _Signer(salt=SALT).sign_object(order.number)


def expires_at(order: Order, issued_at: dt.datetime) -> dt.datetime | None:
    """When a link made at ``issued_at`` stops opening ``order``: ``None`` while the order
    is open (not yet delivered or cancelled)."""
    ended = order.delivered_at or order.cancelled_at
    if ended is None:
        return None
    return max(ended, issued_at) + dt.timedelta(days=GUEST_LINK_DAYS)


def order_for_token(token: str, now: dt.datetime | None = None) -> Order | None:
    """The order a guest token names, or None if the token was not made by us;
    :class:`LinkExpired` when it was, but its time has passed."""
    if not isinstance(token, str) or len(token) > 200:
        return None
    try:
        number = signing.loads(token, salt=SALT)
        issued_at = dt.datetime.fromtimestamp(signing.b62_decode(token.rsplit(":", 2)[-2]),
                                              tz=dt.UTC)
    except (signing.BadSignature, ValueError, OverflowError, OSError):
        return None
    if isinstance(number, bool) or not isinstance(number, int):
        return None
    order = Order.objects.filter(number=number).first()
    if order is not None:
        until = expires_at(order, issued_at)
        if until is not None and until <= (now or timezone.now()):
            raise LinkExpired(order)
    return order


def order_path(order: Order, view: str = "detail", language: str | None = None) -> str:
    """The order's page (``view``: detail, receipt, return) for its buyer: the account page
    for a customer's order, the signed guest page otherwise."""
    with translation.override(language or translation.get_language()):
        if order.user_id is not None:
            return reverse(f"orders:{view}", args=[order.number])
        return reverse(f"orders:guest_{view}", args=[guest_token(order)])
