"""The cart services without HTTP: every rule, and that a refused change changes nothing."""

import pytest

from tillit.cart import services
from tillit.cart.models import Cart, CartLine
from tillit.cart.owner import CartOwner


def test_add_creates_a_guest_cart_keyed_by_a_new_session(guest_owner, product):
    assert guest_owner.session.session_key is None

    line = services.add(guest_owner, product.pk, 2)

    cart = line.cart
    assert guest_owner.session.session_key is not None
    assert cart.session_ref == guest_owner.session_ref
    assert guest_owner.session.session_key not in cart.session_ref  # never the live key
    assert cart.user is None
    assert guest_owner.session["cart_id"] == cart.pk
    assert guest_owner.session["cart_count"] == 2


def test_add_to_a_customer_cart_keys_it_by_the_account_not_the_session(customer_owner, product):
    line = services.add(customer_owner, product.pk, 1)

    assert line.cart.user == customer_owner.user
    assert line.cart.session_ref is None
    assert customer_owner.session.session_key is None


def test_adding_a_product_again_adds_to_its_line(guest_owner, product):
    services.add(guest_owner, product.pk, 2)
    line = services.add(guest_owner, product.pk, 3)

    assert line.quantity == 5
    assert CartLine.objects.count() == 1
    assert guest_owner.session["cart_count"] == 5


def test_cart_count_is_the_total_number_of_items(guest_owner, make_product):
    a, b = make_product(), make_product()
    services.add(guest_owner, a.pk, 2)
    services.add(guest_owner, b.pk, 3)

    assert guest_owner.session["cart_count"] == 5


@pytest.mark.parametrize("quantity", [0, -1, -1000])
def test_add_refuses_a_quantity_below_one(guest_owner, product, quantity):
    with pytest.raises(services.CartError) as raised:
        services.add(guest_owner, product.pk, quantity)

    assert raised.value.message == services.TOO_FEW
    assert not Cart.objects.exists()
    assert guest_owner.session.session_key is None


@pytest.mark.parametrize("quantity", ["2", 2.0, None, True, "två"])
def test_add_refuses_a_quantity_that_is_not_a_whole_number(guest_owner, product, quantity):
    with pytest.raises(services.CartError) as raised:
        services.add(guest_owner, product.pk, quantity)

    assert raised.value.message == services.NOT_A_NUMBER
    assert not Cart.objects.exists()


def test_add_refuses_more_than_the_stock(guest_owner, make_product):
    product = make_product(stock=3)

    with pytest.raises(services.CartError) as raised:
        services.add(guest_owner, product.pk, 4)

    assert "3" in str(raised.value.message)
    assert not CartLine.objects.exists()


def test_add_refuses_when_the_sum_with_the_cart_exceeds_the_stock(guest_owner, make_product):
    product = make_product(stock=3)
    services.add(guest_owner, product.pk, 2)

    with pytest.raises(services.CartError):
        services.add(guest_owner, product.pk, 2)

    assert CartLine.objects.get().quantity == 2
    assert guest_owner.session["cart_count"] == 2


def test_add_accepts_exactly_the_stock(guest_owner, make_product):
    product = make_product(stock=3)
    services.add(guest_owner, product.pk, 1)

    assert services.add(guest_owner, product.pk, 2).quantity == 3


def test_add_refuses_a_product_out_of_stock(guest_owner, make_product):
    product = make_product(stock=0)

    with pytest.raises(services.CartError):
        services.add(guest_owner, product.pk, 1)

    assert not Cart.objects.exists()


@pytest.mark.parametrize("product_id", [0, -5, 10**6, 10**30, "1", None, 1.0])
def test_add_refuses_an_unknown_product(guest_owner, product, product_id):
    with pytest.raises(services.CartError) as raised:
        services.add(guest_owner, product_id, 1)

    assert raised.value.message == services.PRODUCT_UNAVAILABLE
    assert not Cart.objects.exists()


def test_add_refuses_an_inactive_product(guest_owner, make_product):
    product = make_product(is_active=False)

    with pytest.raises(services.CartError) as raised:
        services.add(guest_owner, product.pk, 1)

    assert raised.value.message == services.PRODUCT_UNAVAILABLE
    assert not Cart.objects.exists()


def test_set_quantity_changes_the_line_and_the_count(guest_owner, product):
    line = services.add(guest_owner, product.pk, 1)

    services.set_quantity(guest_owner, line.pk, 4)

    assert CartLine.objects.get(pk=line.pk).quantity == 4
    assert guest_owner.session["cart_count"] == 4


@pytest.mark.parametrize("quantity", [0, -3, 11, 10**12, "4", None])
def test_set_quantity_refuses_a_bad_quantity(guest_owner, product, quantity):
    line = services.add(guest_owner, product.pk, 2)  # stock is 10

    with pytest.raises(services.CartError):
        services.set_quantity(guest_owner, line.pk, quantity)

    assert CartLine.objects.get(pk=line.pk).quantity == 2
    assert guest_owner.session["cart_count"] == 2


def test_set_quantity_refuses_a_product_withdrawn_from_sale(guest_owner, product):
    line = services.add(guest_owner, product.pk, 2)
    product.is_active = False
    product.save()

    with pytest.raises(services.CartError):
        services.set_quantity(guest_owner, line.pk, 1)

    assert CartLine.objects.get(pk=line.pk).quantity == 2


def test_a_line_of_another_cart_cannot_be_changed_or_removed(guest_owner, customer_owner,
                                                             product):
    theirs = services.add(customer_owner, product.pk, 2)
    services.add(guest_owner, product.pk, 1)

    with pytest.raises(services.CartError) as raised:
        services.set_quantity(guest_owner, theirs.pk, 5)
    assert raised.value.message == services.LINE_GONE
    with pytest.raises(services.CartError):
        services.remove(guest_owner, theirs.pk)

    assert CartLine.objects.get(pk=theirs.pk).quantity == 2


def test_a_guest_without_a_cart_cannot_change_any_line(guest_owner, customer_owner, product):
    theirs = services.add(customer_owner, product.pk, 2)

    with pytest.raises(services.CartError):
        services.set_quantity(guest_owner, theirs.pk, 1)
    with pytest.raises(services.CartError):
        services.remove(guest_owner, theirs.pk)

    assert CartLine.objects.get(pk=theirs.pk).quantity == 2
    assert guest_owner.session.session_key is None


def test_remove_deletes_the_line_and_updates_the_count(guest_owner, make_product):
    a, b = make_product(), make_product()
    line = services.add(guest_owner, a.pk, 2)
    services.add(guest_owner, b.pk, 1)

    assert services.remove(guest_owner, line.pk) == a

    assert list(CartLine.objects.values_list("product_id", flat=True)) == [b.pk]
    assert guest_owner.session["cart_count"] == 1


def test_removing_a_line_twice_is_refused_the_second_time(guest_owner, product):
    line = services.add(guest_owner, product.pk, 1)
    services.remove(guest_owner, line.pk)

    with pytest.raises(services.CartError):
        services.remove(guest_owner, line.pk)


def test_two_guests_have_separate_carts(db, product):
    from django.contrib.sessions.backends.db import SessionStore

    first, second = CartOwner(session=SessionStore()), CartOwner(session=SessionStore())
    services.add(first, product.pk, 1)
    services.add(second, product.pk, 3)

    assert Cart.objects.count() == 2
    assert sorted(CartLine.objects.values_list("quantity", flat=True)) == [1, 3]
