"""Whose cart a request is about: the logged-in customer's, or the guest session's."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.sessions.backends.base import SessionBase

# The session remembers the guest cart's id, because Django gives the session a new key at
# login (against session fixation) and the login merge must still find the guest cart.
GUEST_CART_SESSION_KEY = "cart_id"
# Total number of items, shown in the header of every page without a query.
COUNT_SESSION_KEY = "cart_count"


@dataclass(frozen=True)
class CartOwner:
    """A customer (``user``) or a guest (``user`` is None; the cart is keyed by the session)."""

    session: SessionBase
    user: object | None = None

    @classmethod
    def of(cls, request) -> CartOwner:
        user = request.user if request.user.is_authenticated else None
        return cls(session=request.session, user=user)

    @property
    def is_guest(self) -> bool:
        return self.user is None
