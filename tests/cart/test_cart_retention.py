"""Carts persist, guest and customer alike, under a retention rule the sweep can run (P12)."""

import datetime as dt

import pytest
from django.utils import timezone

from tillit.cart.models import Cart, CartLine
from tillit.privacy.datamap import WhileAccountExists, registry

pytestmark = pytest.mark.django_db


@pytest.mark.promise("P12")
def test_guest_and_customer_carts_are_stored_and_expire_by_their_declared_rule(
        client, customer, product, add_to_cart):
    add_to_cart(client, product, 1)
    guest = Cart.objects.get(user__isnull=True)
    mine = Cart.objects.create(user=customer)
    CartLine.objects.create(cart=mine, product=product, quantity=2)

    rule = registry.get(Cart).retention
    line_rule = registry.get(CartLine).retention
    later = timezone.now() + dt.timedelta(days=rule.days + 1)
    assert set(rule.expired(Cart.objects.all(), now=timezone.now())) == set()
    assert set(rule.expired(Cart.objects.all(), now=later)) == {guest, mine}
    # A cart's lines go with the cart: their rule counts from the cart's last change.
    Cart.objects.filter(pk=mine.pk).update(updated_at=later)
    assert set(line_rule.expired(CartLine.objects.all(), now=later)) == set(
        CartLine.objects.filter(cart=guest))


@pytest.mark.promise("P12")
def test_the_address_book_has_a_retention_rule():
    from tillit.accounts.models import Address

    assert isinstance(registry.get(Address).retention, WhileAccountExists)
