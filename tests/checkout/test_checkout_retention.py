"""The checkout's rows keep the buyer's IP address and session only as long as declared
(P10), and the sweep removes them when their time is up (P23)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tillit.checkout.models import CheckoutSession
from tillit.checkout.privacy import CHECKOUT_DAYS
from tillit.payments.klarna.emulator.models import EmulatedOrder
from tillit.privacy import retention
from tillit.privacy.datamap import registry


@pytest.fixture
def opened(client, product, add_to_cart):
    add_to_cart(client, product, 1)
    assert client.get(reverse("checkout:start"), REMOTE_ADDR="198.51.100.4").status_code == 200
    return CheckoutSession.objects.get()


def test_the_buyers_ip_at_checkout_is_declared_with_a_retention_rule():
    declaration = registry.get(CheckoutSession)

    assert declaration.fields["buyer_ip"].category == "user.device.ip_address"
    assert declaration.retention.days == CHECKOUT_DAYS
    assert declaration.retention.anchor == "updated_at"


@pytest.mark.promise("P10.b", "P23.a")
def test_the_sweep_removes_a_checkout_and_its_ip_30_days_after_its_last_use(opened):
    assert opened.buyer_ip == "198.51.100.4"
    last_use = opened.updated_at

    retention.run(now=last_use + dt.timedelta(days=CHECKOUT_DAYS - 1))
    assert CheckoutSession.objects.filter(pk=opened.pk).exists()

    retention.run(now=last_use + dt.timedelta(days=CHECKOUT_DAYS, minutes=1))
    assert not CheckoutSession.objects.filter(pk=opened.pk).exists()


def test_the_sweep_forgets_an_unfinished_emulated_checkout_after_48_hours(opened):
    order = EmulatedOrder.objects.get()

    retention.run(now=order.created_at + dt.timedelta(hours=47))
    assert EmulatedOrder.objects.filter(pk=order.pk).exists()

    retention.run(now=order.created_at + dt.timedelta(hours=48, minutes=1))
    assert not EmulatedOrder.objects.filter(pk=order.pk).exists()


def test_a_placed_emulated_order_is_kept_30_days_after_its_last_change(client, opened, pay,
                                                                      no_push):
    from tests.checkout.checkout_fixtures import emulator_path

    answer = pay(client, client.get(reverse("checkout:start")))
    client.get(emulator_path(answer["Location"]))
    order = EmulatedOrder.objects.get()

    retention.run(now=timezone.now() + dt.timedelta(days=29))
    assert EmulatedOrder.objects.filter(pk=order.pk).exists()
    retention.run(now=order.updated_at + dt.timedelta(days=30, minutes=1))
    assert not EmulatedOrder.objects.filter(pk=order.pk).exists()
