"""Fixtures for the cart tests: adding through the real endpoint, and snapshots of carts."""

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.urls import reverse

from tillit.cart.models import Cart, CartLine
from tillit.cart.owner import CartOwner
from tillit.privacy.hashing import keyed_hash


def _all_carts() -> tuple[list, list]:
    carts = sorted(Cart.objects.values_list("id", "user_id", "session_ref"))
    lines = sorted(CartLine.objects.values_list("id", "cart_id", "product_id", "quantity"))
    return carts, lines


def _lines_of(client) -> dict[int, int]:
    session = client.session
    user_id = session.get("_auth_user_id")
    if user_id is not None:
        lines = CartLine.objects.filter(cart__user_id=user_id)
    else:
        lines = CartLine.objects.filter(
            cart__session_ref=keyed_hash(session.session_key, "cart-session"))
    return dict(lines.values_list("product_id", "quantity"))


@pytest.fixture
def all_carts(db):
    """``all_carts()``: every cart and line in the database, to compare before and after."""
    return _all_carts


@pytest.fixture
def lines_of(db):
    """``lines_of(client)``: ``{product_id: quantity}`` of the cart of the client's session
    (the customer's cart when logged in, else the guest cart)."""
    return _lines_of


@pytest.fixture
def add_to_cart():
    """``add_to_cart(client, product, quantity=1, **more_fields)``: posts like the product
    page does."""

    def add(client, product, quantity=1, **extra):
        data = {"product": product.pk, "quantity": quantity, **extra}
        return client.post(reverse("cart:add"), data)

    return add


@pytest.fixture
def guest_owner(db):
    """A guest with a new, not yet saved session, for service tests without HTTP."""
    return CartOwner(session=SessionStore())


@pytest.fixture
def customer_owner(customer):
    return CartOwner(session=SessionStore(), user=customer)
