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


@pytest.mark.promise("P23.a", "P23.b")
def test_an_orders_contact_details_go_three_years_after_delivery_the_order_stays(
        new_years_eve_sale, customer, place, product, clock, client):
    """Delivery, returns and complaints need the contact details (a consumer may complain
    for three years after receiving the goods); the books need the order, not them."""
    order = new_years_eve_sale
    email = order.email
    open_order = place([(product, 1)], user=customer)  # placed in 2027, never delivered
    Order.objects.filter(pk=open_order.pk).update(
        placed_at=dt.datetime(2027, 1, 8, 12, tzinfo=STOCKHOLM))
    retention.run(now=dt.datetime(2029, 12, 31, 12, tzinfo=dt.UTC))
    order.refresh_from_db()
    assert order.shipping_street and order.billing_phone and order.email == email

    report = retention.run(now=dt.datetime(2030, 1, 3, 12, tzinfo=dt.UTC))
    order.refresh_from_db()
    for name in ("billing_name", "billing_street", "billing_postal_code", "billing_city",
                 "billing_phone", "shipping_name", "shipping_street", "shipping_postal_code",
                 "shipping_city", "shipping_phone", "tracking_number"):
        assert getattr(order, name) == "", name
    assert order.shipping_country == "SE"  # a country names nobody
    # The address becomes the hash an erasure writes: a hold can still find the order.
    assert order.email == keyed_hash(email, "erased:orders.Order:email")
    assert order.number and order.total_ore and order.lines.exists()
    receipt = Receipt.objects.get(order=order)
    assert receipt.buyer_name and receipt.html  # the accounting record keeps the name
    line = {x.model: x for x in report.lines}["orders.Order"]
    assert line.hashed >= 12 and line.found == 0
    # An order neither delivered nor cancelled counts from its placing (8 January 2027).
    open_order.refresh_from_db()
    assert open_order.shipping_street
    retention.run(now=dt.datetime(2030, 1, 9, 12, tzinfo=dt.UTC))
    open_order.refresh_from_db()
    assert open_order.shipping_street == ""

    # The published policy says so, from the same rule.
    page = client.get("/integritetspolicy").content.decode()
    assert "tas bort 3 år efter att beställningen levererades (eller avbröts)" in page


def test_a_held_buyers_order_keeps_its_contact_details(new_years_eve_sale, customer):
    from tillit.privacy.models import LegalHold

    LegalHold.objects.create(user=customer, reason="Reklamation pågår")
    retention.run(now=dt.datetime(2030, 1, 3, 12, tzinfo=dt.UTC))
    new_years_eve_sale.refresh_from_db()
    assert new_years_eve_sale.shipping_street and not is_hashed(new_years_eve_sale.email)
