"""Staff see carts in the admin for support, read-only, without the guest's session key."""

import pytest
from django.urls import reverse

from tillit.cart.models import Cart, CartLine
from tillit.privacy.hashing import keyed_hash


@pytest.fixture
def guest_cart(make_product, add_to_cart):
    from django.test import Client

    guest = Client()
    add_to_cart(guest, make_product(name="Gitarrkabel 3 m"), 2)
    return Cart.objects.get(session_ref=keyed_hash(guest.session.session_key, "cart-session"))


def test_staff_see_the_cart_list_and_a_carts_lines(staff_client, guest_cart):
    listing = staff_client.get(reverse("admin:cart_cart_changelist"))
    page = staff_client.get(reverse("admin:cart_cart_change", args=[guest_cart.pk]))

    assert listing.status_code == 200
    assert page.status_code == 200
    assert "Gitarrkabel 3 m" in page.content.decode()


def test_admin_never_shows_the_session_key(staff_client, guest_cart):
    listing = staff_client.get(reverse("admin:cart_cart_changelist"))
    page = staff_client.get(reverse("admin:cart_cart_change", args=[guest_cart.pk]))

    assert guest_cart.session_ref not in listing.content.decode()
    assert guest_cart.session_ref not in page.content.decode()


def test_admin_cannot_change_add_or_delete_carts(staff_client, guest_cart):
    line = guest_cart.lines.get()
    change_url = reverse("admin:cart_cart_change", args=[guest_cart.pk])

    page = staff_client.get(change_url)
    assert b'name="_save"' not in page.content

    staff_client.post(change_url, {"lines-0-id": line.pk, "lines-0-quantity": 9})
    assert staff_client.get(reverse("admin:cart_cart_add")).status_code == 403
    assert staff_client.post(reverse("admin:cart_cart_delete", args=[guest_cart.pk]),
                             {"post": "yes"}).status_code == 403
    assert CartLine.objects.get(pk=line.pk).quantity == 2
    assert Cart.objects.filter(pk=guest_cart.pk).exists()
