"""Hostile input to the cart endpoints: never a server error, never a change to any cart."""

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tillit.cart import services
from tillit.cart.models import Cart, CartLine
from tillit.cart.owner import CartOwner
from tillit.privacy.hashing import keyed_hash

HOSTILE = settings(max_examples=40, deadline=None,
                   suppress_health_check=[HealthCheck.function_scoped_fixture])
STOCK, IN_CART = 5, 2

# Text that is no whole number, by our rules or by any looser one.
not_numbers = st.one_of(
    st.text(max_size=30),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.sampled_from(["", " ", "1e3", "0x10", "1_0", "٣", "３", "²", "1,5", "2.5", "NaN",
                     "-inf", "1 2", "\x00", "'; DROP TABLE cart_cart; --", "🛒", "9" * 5000]),
)


def _means(value, number: int) -> bool:
    """Whether a lenient parser (Python's int) could read ``value`` as ``number``."""
    try:
        return int(str(value).strip()) == number
    except ValueError:
        return False


@pytest.fixture
def shop(make_product, customer, add_to_cart):
    """A guest whose cart holds IN_CART of the only buyable product (STOCK in stock), and a
    customer's cart whose line the guest will try to reach."""
    buyable = make_product(stock=STOCK)
    withdrawn = make_product(is_active=False)
    sold_out = make_product(stock=0)
    guest = Client()
    add_to_cart(guest, buyable, IN_CART)
    theirs = services.add(CartOwner(session=Client().session, user=customer), buyable.pk, 1)
    return {
        "guest": guest, "buyable": buyable, "withdrawn": withdrawn, "sold_out": sold_out,
        "own_line": CartLine.objects.get(
            cart__session_ref=keyed_hash(guest.session.session_key, "cart-session")),
        "their_line": theirs,
    }


def _state(client, all_carts):
    return all_carts(), client.session.get("cart_count")


def _bad_quantities_for(left: int):
    """Quantities that can never be added when ``left`` more are allowed (a blank
    quantity means one, as when a "buy" button posts no quantity)."""
    return st.one_of(
        st.integers(max_value=0).map(str),
        st.integers(min_value=left + 1).map(str),
        st.integers(min_value=left + 1, max_value=10**12).map(lambda n: f"  {n} "),
        not_numbers.filter(lambda v: str(v).strip() != "")
        .filter(lambda v: not any(_means(v, n) for n in range(1, left + 1))),
    )


@HOSTILE
@given(data=st.data())
def test_add_with_a_bad_quantity_changes_nothing(shop, all_carts, data):
    guest, buyable = shop["guest"], shop["buyable"]
    product = data.draw(st.sampled_from([buyable.pk, shop["withdrawn"].pk, shop["sold_out"].pk]))
    quantity = data.draw(_bad_quantities_for(STOCK - IN_CART))
    next_url = data.draw(st.one_of(st.none(), st.text(max_size=60), st.just("//evil.example")))
    before = _state(guest, all_carts)

    post = {"product": product, "quantity": quantity}
    if next_url is not None:
        post["next"] = next_url
    response = guest.post(reverse("cart:add"), post)

    assert response.status_code in (302, 400)
    assert _state(guest, all_carts) == before


@HOSTILE
@given(data=st.data())
def test_add_of_an_unknown_or_unbuyable_product_changes_nothing(shop, all_carts, data):
    guest, buyable = shop["guest"], shop["buyable"]
    product = data.draw(st.one_of(
        st.sampled_from([shop["withdrawn"].pk, shop["sold_out"].pk, 0, -1, 10**30]),
        st.integers(),
        not_numbers,
    ).filter(lambda v: not _means(v, buyable.pk)))
    quantity = data.draw(st.one_of(st.just("1"), st.integers().map(str), not_numbers))
    before = _state(guest, all_carts)

    response = guest.post(reverse("cart:add"), {"product": product, "quantity": quantity})

    assert response.status_code in (302, 400)
    assert _state(guest, all_carts) == before


@HOSTILE
@given(quantity=st.one_of(
    _bad_quantities_for(STOCK).filter(lambda v: not _means(v, IN_CART)),
    st.sampled_from(["", "   "]),  # no quantity is no change of quantity
))
def test_update_of_own_line_with_a_bad_quantity_changes_nothing(shop, all_carts, quantity):
    guest = shop["guest"]
    before = _state(guest, all_carts)

    response = guest.post(reverse("cart:update", args=[shop["own_line"].pk]),
                          {"quantity": quantity})

    assert response.status_code in (302, 400)
    assert _state(guest, all_carts) == before


@HOSTILE
@given(data=st.data())
def test_update_or_remove_of_a_line_not_in_this_cart_changes_nothing(shop, all_carts, data):
    guest, own = shop["guest"], shop["own_line"]
    line_id = data.draw(st.one_of(
        st.just(shop["their_line"].pk),
        st.integers(min_value=0, max_value=10**30),
    ).filter(lambda n: n != own.pk))
    quantity = data.draw(st.one_of(st.just("1"), st.integers().map(str), not_numbers))
    endpoint = data.draw(st.sampled_from(["cart:update", "cart:remove"]))
    before = _state(guest, all_carts)

    response = guest.post(reverse(endpoint, args=[line_id]), {"quantity": quantity})

    assert response.status_code in (302, 400)
    assert _state(guest, all_carts) == before


@HOSTILE
@given(product=st.one_of(st.integers().map(str), not_numbers),
       quantity=st.one_of(st.integers().map(str), not_numbers))
def test_bad_add_from_a_new_visitor_creates_no_cart_and_no_session(db, product, quantity):
    visitor = Client()
    carts_before = Cart.objects.count()

    response = visitor.post(reverse("cart:add"), {"product": product, "quantity": quantity})

    assert response.status_code in (302, 400)
    assert Cart.objects.count() == carts_before
    assert "sessionid" not in response.cookies


def test_a_list_of_values_for_one_field_changes_nothing(shop, all_carts):
    guest = shop["guest"]
    before = _state(guest, all_carts)

    response = guest.post(reverse("cart:add"), {"product": [shop["withdrawn"].pk, "x"],
                                                "quantity": ["1", "1000"]})

    assert response.status_code in (302, 400)
    assert _state(guest, all_carts) == before
