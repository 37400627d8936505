"""A slow provider holds no lock (issue 16 §6): staff capturing or cancelling an order wait
for the provider with no row of the order locked, so the shop's other work on it (a
customer's page, another member of staff, the nightly sweep) never waits behind them."""

import pytest
from django.db import connection

from tillit.orders import services
from tillit.orders.models import Order

pytestmark = pytest.mark.django_db


@pytest.fixture
def depth_at_call(fake_klarna):
    """The transaction depth at each provider call, against the test's own."""
    baseline = len(connection.atomic_blocks)
    seen = []
    for kind in ("capture", "cancel"):
        real = getattr(fake_klarna, kind)

        def spy(*args, _real=real, **kwargs):
            seen.append(len(connection.atomic_blocks) - baseline)
            return _real(*args, **kwargs)

        setattr(fake_klarna, kind, spy)
    return seen


def test_the_capture_runs_with_no_transaction_open(customer_order, carriers, depth_at_call):
    order = services.ship_order(customer_order, carrier=carriers["postnord"],
                                tracking_number="AB12345SE")
    assert order.status == Order.Status.SHIPPED
    assert depth_at_call == [0]


def test_the_cancellation_runs_with_no_transaction_open(customer_order, depth_at_call):
    assert services.cancel_order(customer_order).status == Order.Status.CANCELLED
    assert depth_at_call == [0]


def test_an_order_cancelled_while_its_capture_ran_is_not_marked_shipped(
        customer_order, carriers, fake_klarna):
    real = fake_klarna.capture

    def cancelled_meanwhile(*args, **kwargs):
        Order.objects.filter(pk=customer_order.pk).update(status=Order.Status.CANCELLED)
        return real(*args, **kwargs)

    fake_klarna.capture = cancelled_meanwhile
    with pytest.raises(services.FulfilmentError):
        services.ship_order(customer_order, carrier=carriers["postnord"],
                            tracking_number="AB12345SE")
    customer_order.refresh_from_db()
    assert customer_order.status == Order.Status.CANCELLED
