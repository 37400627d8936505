"""Carts persist, guest and customer alike, under a retention rule the sweep can run (P12)."""

import datetime as dt

import pytest
from django.utils import timezone

from tillit.cart.models import Cart, CartLine
from tillit.privacy import retention
from tillit.privacy.datamap import WhileAccountExists, registry

pytestmark = pytest.mark.django_db


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


def test_the_address_book_has_a_retention_rule():
    from tillit.accounts.models import Address

    assert isinstance(registry.get(Address).retention, WhileAccountExists)


@pytest.mark.promise("P12.a", "P23.a")
def test_the_sweep_deletes_a_guests_cart_after_its_declared_period_not_a_day_before(
        client, customer, product, add_to_cart, clock):
    days = registry.get(Cart).retention.days
    added = dt.datetime(2026, 5, 4, 10, tzinfo=dt.UTC)
    clock(added)
    add_to_cart(client, product, 2)
    guest = Cart.objects.get(user__isnull=True)
    assert guest.session_ref and guest.lines.count() == 1

    report = retention.run(now=added + dt.timedelta(days=days - 1))
    assert Cart.objects.filter(pk=guest.pk).exists()
    assert {x.model: x.found for x in report.lines}["cart.Cart"] == 0

    # A customer's cart changed since then is not touched.
    clock(added + dt.timedelta(days=days - 1))
    CartLine.objects.create(cart=Cart.objects.create(user=customer), product=product,
                            quantity=1)
    report = retention.run(now=added + dt.timedelta(days=days, minutes=1))
    lines = {x.model: x for x in report.lines}
    assert (lines["cart.Cart"].found, lines["cart.Cart"].acted) == (1, 1)
    assert not Cart.objects.filter(pk=guest.pk).exists()
    assert not CartLine.objects.filter(cart_id=guest.pk).exists()
    assert list(Cart.objects.values_list("user", flat=True)) == [customer.pk]
