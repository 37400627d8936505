"""At login the guest cart joins the customer's cart (the session key changes at login)."""

from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD
from tillit.cart import services
from tillit.cart.models import Cart, CartLine
from tillit.cart.owner import CartOwner
from tillit.privacy.hashing import keyed_hash


def _customer_cart_has(customer, items: dict) -> None:
    owner = CartOwner(session=Client().session, user=customer)
    for product, quantity in items.items():
        services.add(owner, product.pk, quantity)


def test_login_moves_the_guest_cart_to_the_customer_and_deletes_it(
        client, customer, product, add_to_cart, lines_of):
    add_to_cart(client, product, 2)
    guest_key = client.session.session_key

    assert client.login(username=customer.username, password=PASSWORD)

    assert client.session.session_key != guest_key  # Django cycled the key
    assert lines_of(client) == {product.pk: 2}
    assert Cart.objects.get().user == customer
    assert not Cart.objects.filter(session_ref=keyed_hash(guest_key, "cart-session")).exists()
    assert client.session["cart_count"] == 2


def test_login_sums_quantities_and_caps_them_at_the_stock(
        client, customer, make_product, add_to_cart, lines_of):
    both = make_product(stock=5)
    plenty = make_product(stock=50)
    only_guest = make_product(stock=3)
    only_customer = make_product()
    _customer_cart_has(customer, {both: 3, plenty: 4, only_customer: 1})
    add_to_cart(client, both, 4)
    add_to_cart(client, plenty, 6)
    add_to_cart(client, only_guest, 3)

    client.login(username=customer.username, password=PASSWORD)

    assert lines_of(client) == {both.pk: 5, plenty.pk: 10, only_guest.pk: 3,
                                only_customer.pk: 1}
    assert Cart.objects.count() == 1
    assert client.session["cart_count"] == 19


def test_login_leaves_out_products_withdrawn_while_the_guest_shopped(
        client, customer, make_product, add_to_cart, lines_of):
    gone, kept = make_product(), make_product()
    add_to_cart(client, gone, 1)
    add_to_cart(client, kept, 1)
    gone.is_active = False
    gone.save()

    client.force_login(customer)

    assert lines_of(client) == {kept.pk: 1}
    assert not Cart.objects.filter(user__isnull=True).exists()


def test_login_without_a_guest_cart_shows_the_customers_saved_count(
        client, customer, product, lines_of):
    _customer_cart_has(customer, {product: 4})

    client.login(username=customer.username, password=PASSWORD)

    assert client.session["cart_count"] == 4
    assert lines_of(client) == {product.pk: 4}


def test_customer_cart_is_kept_after_logout_and_back_at_next_login(
        client, customer, product, add_to_cart, lines_of):
    client.force_login(customer)
    add_to_cart(client, product, 2)
    client.logout()

    assert b"cart-empty" in client.get(reverse("cart:detail")).content

    client.force_login(customer)
    assert lines_of(client) == {product.pk: 2}
    assert client.session["cart_count"] == 2


def test_logged_in_customer_adds_to_the_account_cart(client, customer, product, add_to_cart):
    client.force_login(customer)

    add_to_cart(client, product, 1)

    assert CartLine.objects.get().cart.user == customer
    assert Cart.objects.get().session_ref is None


def test_guest_cart_of_another_session_is_not_taken_at_login(
        client, customer, product, add_to_cart, lines_of):
    stranger = Client()
    add_to_cart(stranger, product, 2)

    client.login(username=customer.username, password=PASSWORD)

    assert lines_of(client) == {}
    assert lines_of(stranger) == {product.pk: 2}
