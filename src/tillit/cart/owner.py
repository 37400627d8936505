"""Whose cart a request is about: the logged-in customer's, or the guest session's."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.sessions.backends.base import SessionBase

from tillit.privacy.hashing import keyed_hash

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
    def session_ref(self) -> str | None:
        """How a guest's cart row names its session: a keyed hash of the session key, so
        the table never holds the live credential that the session cookie is."""
        key = self.session.session_key
        return keyed_hash(key, "cart-session") if key else None
