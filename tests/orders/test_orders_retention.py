"""The retention sweep and erasure with orders (P23, P32): each accounting record goes when
its own period ends, in any order; the buyer's IP address becomes a keyed hash when its
own, shorter period ends (P10); an erased buyer's orders lose their contact details while
the receipts stay, detached."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from tillit.orders import services
from tillit.orders.models import CreditNote, Order, OrderLine, Receipt, ReturnRequest
from tillit.privacy import erasure, retention
from tillit.privacy.datamap import registry
from tillit.privacy.hashing import is_hashed, keyed_hash

pytestmark = pytest.mark.django_db
STOCKHOLM = ZoneInfo("Europe/Stockholm")


@pytest.fixture
def new_years_eve_sale(place, customer, product, carriers, clock):
    """Sold on 31 Dec 2026, one item returned and credited on 8 Jan 2027."""
    clock(dt.datetime(2026, 12, 31, 12, tzinfo=STOCKHOLM))
    order = place([(product, 2)], user=customer)
    Order.objects.filter(pk=order.pk).update(placed_at=timezone.now())
    services.ship_order(order, carrier=carriers["postnord"], tracking_number="AB12345SE")
    clock(dt.datetime(2027, 1, 2, 12, tzinfo=STOCKHOLM))
    services.mark_delivered(order)
    clock(dt.datetime(2027, 1, 8, 12, tzinfo=STOCKHOLM))
    ret = services.start_return(order, {order.lines.get().pk: 1})
    services.mark_return_received(ret)
    services.refund_return(ret)
    return order


@pytest.mark.promise("P23.a", "P23.b")
def test_the_sweep_removes_each_record_when_its_own_period_ends(new_years_eve_sale):
    order = new_years_eve_sale
    note = CreditNote.objects.get()
    retention.run(now=dt.datetime(2033, 12, 31, 12, tzinfo=dt.UTC))
    assert Order.objects.filter(pk=order.pk).exists() and Receipt.objects.exists()

    retention.run(now=dt.datetime(2034, 1, 2, 12, tzinfo=dt.UTC))
    assert not Order.objects.exists() and not OrderLine.objects.exists()
    assert not ReturnRequest.objects.exists() and not Receipt.objects.exists()
    # The credit note of 2027 stays until the end of 2034, complete in itself.
    note = CreditNote.objects.get(pk=note.pk)
    assert note.receipt is None and note.html and note.data["order_number"] == order.number

    retention.run(now=dt.datetime(2035, 1, 2, 12, tzinfo=dt.UTC))
    assert not CreditNote.objects.exists()


@pytest.mark.promise("P32.a")
def test_erasure_keeps_the_receipts_and_strips_the_orders(customer, customer_order):
    receipt_html = customer_order.receipt.html
    erasure.execute(customer, override_reason="test: the order is still open")
    order = Order.objects.get(pk=customer_order.pk)
    assert order.user is None and order.billing_name == "" and order.shipping_street == ""
    assert order.email.startswith("hmac-sha256:") and order.buyer_ip == ""
    assert order.total_ore == 199700 and order.lines.count() == 2
    receipt = Receipt.objects.get(pk=customer_order.receipt.pk)
    assert receipt.html == receipt_html and receipt.buyer_name == "Kim Kund"


def test_an_undelivered_order_makes_the_erasure_wait(customer, customer_order):
    plan = erasure.preview(customer)
    assert any(str(customer_order.number) in reason for reason in plan.blockers)
    with pytest.raises(erasure.ErasureRefused):
        erasure.execute(customer)


@pytest.mark.promise("P10.b", "P35.b", "P23.a")
def test_the_buyers_ip_becomes_a_keyed_hash_after_its_declared_period_not_a_day_before(
        place, customer, product, clock):
    placed = dt.datetime(2026, 4, 1, 12, tzinfo=STOCKHOLM)
    clock(placed)
    order = place([(product, 1)], user=customer)
    # The field's default took the real clock's function, not the test's.
    Order.objects.filter(pk=order.pk).update(placed_at=timezone.now())
    order.refresh_from_db()
    raw = order.buyer_ip
    assert raw and not is_hashed(raw)
    days = registry.get(Order).fields["buyer_ip"].hash_after.days

    retention.run(now=placed + dt.timedelta(days=days - 1))
    order.refresh_from_db()
    assert order.buyer_ip == raw

    report = retention.run(now=placed + dt.timedelta(days=days, minutes=1))
    order.refresh_from_db()
    # The same keyed hash as in the login logs, so an address misused in both is matched.
    assert order.buyer_ip == keyed_hash(raw, "ip")
    line = {x.model: x for x in report.lines}["orders.Order"]
    assert (line.found, line.hash_found, line.hashed) == (0, 1, 1)
    assert Order.objects.filter(pk=order.pk).exists()  # the order itself is kept longer
