"""Returns under the 14-day right of withdrawal (ångerrätt): the window, the buyer's form
(hostile input included), and staff's refund with a credit note and restocking."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django import forms
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.orders.orders_fixtures import shipping_line, unavailable
from tillit.orders import links, services
from tillit.orders.models import CreditNote, Order, ReturnLine, ReturnRequest

pytestmark = pytest.mark.django_db
STOCKHOLM = ZoneInfo("Europe/Stockholm")
DELIVERED = dt.datetime(2026, 3, 1, 10, 0, tzinfo=STOCKHOLM)


@pytest.fixture
def delivered(customer_order, carriers, clock):
    clock(DELIVERED - dt.timedelta(days=2))
    services.ship_order(customer_order, carrier=carriers["postnord"], tracking_number="AB12345SE")
    services.mark_delivered(customer_order, when=DELIVERED)
    customer_order.refresh_from_db()
    return customer_order


def _line(order, name):
    return order.lines.get(name=name)


def test_a_return_may_be_started_on_the_14th_day_after_delivery(delivered, clock, client,
                                                                 customer):
    clock(dt.datetime(2026, 3, 15, 23, 59, tzinfo=STOCKHOLM))
    client.force_login(customer)
    page = client.get(reverse("orders:detail", args=[delivered.number])).content.decode()
    assert "data-start-return" in page and "2026-03-15" in page
    book = _line(delivered, "Ljudboken")
    response = client.post(reverse("orders:return", args=[delivered.number]),
                           {f"line_{book.pk}": "1", "reason": "Fel upplaga"})
    assert response.status_code == 302
    ret = ReturnRequest.objects.get()
    assert ret.reason == "Fel upplaga" and ret.status == ReturnRequest.Status.REQUESTED
    assert list(ret.lines.values_list("order_line", "quantity")) == [(book.pk, 1)]


def test_on_the_15th_day_the_button_is_gone_and_a_post_is_refused(delivered, clock, client,
                                                                  customer):
    clock(dt.datetime(2026, 3, 16, 0, 1, tzinfo=STOCKHOLM))
    client.force_login(customer)
    page = client.get(reverse("orders:detail", args=[delivered.number])).content.decode()
    assert "data-start-return" not in page
    book = _line(delivered, "Ljudboken")
    url = reverse("orders:return", args=[delivered.number])
    response = client.post(url, {f"line_{book.pk}": "1"})
    assert response.status_code == 403
    assert "Returperioden på 14 dagar" in response.content.decode()
    assert client.get(url).status_code == 403
    assert not ReturnRequest.objects.exists()
    with pytest.raises(services.ReturnRefused):
        services.start_return(delivered, {book.pk: 1})


def test_no_return_before_delivery(customer_order, client, customer):
    client.force_login(customer)
    line = _line(customer_order, "Mixer")
    response = client.post(reverse("orders:return", args=[customer_order.number]),
                           {f"line_{line.pk}": "1"})
    assert response.status_code == 403 and not ReturnRequest.objects.exists()


def test_a_guest_returns_through_the_signed_link(place, product, carriers, clock, client):
    clock(DELIVERED - dt.timedelta(days=1))
    order = place([(product, 2)])
    services.ship_order(order, carrier=carriers["dhl"], tracking_number="JD0146000012345")
    services.mark_delivered(order, when=DELIVERED)
    clock(DELIVERED + dt.timedelta(days=3))
    line = order.lines.get()
    response = client.post(links.order_path(order, "return"), {f"line_{line.pk}": "2"})
    assert response.status_code == 302
    assert ReturnRequest.objects.get().lines.get().quantity == 2


def test_more_than_was_bought_cannot_be_returned(delivered, clock):
    clock(DELIVERED + dt.timedelta(days=1))
    book = _line(delivered, "Ljudboken")
    services.start_return(delivered, {book.pk: 1})
    with pytest.raises(services.ReturnRefused):
        services.start_return(delivered, {book.pk: 2})
    assert ReturnRequest.objects.count() == 1


def test_a_line_of_another_order_cannot_be_returned(delivered, place, product, clock):
    other = place([(product, 1)])
    clock(DELIVERED + dt.timedelta(days=1))
    with pytest.raises(services.ReturnRefused):
        services.start_return(delivered, {other.lines.get().pk: 1})
    assert not ReturnRequest.objects.exists()


def _state():
    return (list(ReturnRequest.objects.values_list("id", "status")),
            list(ReturnLine.objects.values_list("id", "quantity")),
            list(Order.objects.values_list("id", "status", "refunded_ore")))


HOSTILE = settings(max_examples=50, deadline=None,
                   suppress_health_check=[HealthCheck.function_scoped_fixture])


def _returnable_amount(value: str) -> bool:
    """Whether the form could read ``value`` as a quantity someone may return (1 or 2)."""
    try:
        return forms.IntegerField(required=False).clean(value) in (1, 2)
    except forms.ValidationError:
        return False


bad_quantity = st.one_of(
    st.integers(max_value=-1).map(str), st.integers(min_value=3).map(str),
    st.text(max_size=20).filter(lambda s: not _returnable_amount(s)),
    st.sampled_from(["1.5", "1e3", "NaN", "-0.5", "9" * 5000, "٣", "\x00", "0x1", "3.0",
                     "-1", "1_000"]),
)


@HOSTILE
@given(own=st.dictionaries(st.sampled_from(["Mixer", "Ljudboken"]), bad_quantity, min_size=1),
       foreign=st.dictionaries(st.integers(min_value=-5, max_value=10 ** 12),
                               st.text(max_size=10), max_size=4),
       reason=st.text(max_size=1200))
def test_hostile_return_input_gets_a_4xx_and_changes_nothing(delivered, place, product,
                                                             clock, client, customer,
                                                             own, foreign, reason):
    clock(DELIVERED + dt.timedelta(days=2))
    client.force_login(customer)
    lines = {line.name: line.pk for line in delivered.lines.all()}
    data = {f"line_{lines[name]}": value for name, value in own.items()}
    data.update({f"line_{key}": value for key, value in foreign.items()
                 if key not in lines.values()})
    data["reason"] = reason
    before = _state()
    response = client.post(reverse("orders:return", args=[delivered.number]), data)
    assert response.status_code == 400
    assert _state() == before


def test_only_another_orders_lines_is_refused_with_a_message(delivered, place, product,
                                                             clock, client, customer):
    other = place([(product, 1)])
    clock(DELIVERED + dt.timedelta(days=2))
    client.force_login(customer)
    response = client.post(reverse("orders:return", args=[delivered.number]),
                           {f"line_{other.lines.get().pk}": "1"})
    assert response.status_code == 400
    assert "Välj minst en vara att returnera" in response.content.decode()
    assert not ReturnRequest.objects.exists()


def test_a_partial_refund_writes_a_credit_note_and_restocks(delivered, clock, fake_klarna,
                                                            two_rate_products):
    clock(DELIVERED + dt.timedelta(days=3))
    _mixer, book = two_rate_products
    book.refresh_from_db()
    stock_before = book.stock
    ret = services.start_return(delivered, {_line(delivered, "Ljudboken").pk: 1})
    services.mark_return_received(ret)
    note = services.refund_return(ret)
    [refund] = fake_klarna.of("refund")
    assert refund[1] == delivered.klarna_order_id and refund[2] == 34900
    ret.refresh_from_db()
    assert refund[3] == str(ret.refund_idempotency_key)
    assert ret.status == ReturnRequest.Status.REFUNDED and ret.refund_ore == 34900
    assert note.total_ore == -34900 and note.receipt == delivered.receipt
    assert note.data["credits"]["receipt_number"] == delivered.receipt.display_number
    assert note.data["vat"] == [{"rate_bp": 600, "gross_ore": -34900, "vat_ore": -1975,
                                 "net_ore": -32925}]
    book.refresh_from_db()
    assert book.stock == stock_before + 1
    delivered.refresh_from_db()
    assert delivered.status == Order.Status.RETURNED and delivered.refunded_ore == 34900


def test_refunding_twice_refunds_once(delivered, clock, fake_klarna):
    clock(DELIVERED + dt.timedelta(days=3))
    ret = services.start_return(delivered, {_line(delivered, "Mixer").pk: 1})
    services.mark_return_received(ret)
    first = services.refund_return(ret)
    second = services.refund_return(ret)
    assert first.pk == second.pk and CreditNote.objects.count() == 1
    assert len(fake_klarna.of("refund")) == 1


def test_a_failed_refund_changes_nothing_and_the_retry_reuses_its_key(delivered, clock,
                                                                      fake_klarna):
    clock(DELIVERED + dt.timedelta(days=3))
    ret = services.start_return(delivered, {_line(delivered, "Mixer").pk: 1})
    services.mark_return_received(ret)
    fake_klarna.fail["refund"] = [unavailable()]
    with pytest.raises(services.ReturnRefused):
        services.refund_return(ret)
    ret.refresh_from_db()
    assert ret.status == ReturnRequest.Status.RECEIVED and not CreditNote.objects.exists()
    services.refund_return(ret)
    keys = [call[3] for call in fake_klarna.of("refund")]
    assert len(keys) == 2 and keys[0] == keys[1] == str(ret.refund_idempotency_key)


def test_a_return_must_be_received_before_it_is_refunded(delivered, clock, fake_klarna):
    clock(DELIVERED + dt.timedelta(days=3))
    ret = services.start_return(delivered, {_line(delivered, "Mixer").pk: 1})
    with pytest.raises(services.ReturnRefused):
        services.refund_return(ret)
    assert fake_klarna.of("refund") == []


def test_returning_everything_refunds_the_shipping_too(place, product, carriers, clock,
                                                       fake_klarna):
    clock(DELIVERED - dt.timedelta(days=1))
    order = place([(product, 2)], extra_lines=[shipping_line(4900)])
    services.ship_order(order, carrier=carriers["postnord"], tracking_number="AB12345SE")
    services.mark_delivered(order, when=DELIVERED)
    clock(DELIVERED + dt.timedelta(days=5))
    goods = order.lines.get(kind="physical")
    first = services.start_return(order, {goods.pk: 1})
    services.mark_return_received(first)
    services.refund_return(first)
    second = services.start_return(order, {goods.pk: 1})
    services.mark_return_received(second)
    note = services.refund_return(second)
    assert [c[2] for c in fake_klarna.of("refund")] == [129900, 129900 + 4900]
    assert note.total_ore == -(129900 + 4900)
    order.refresh_from_db()
    assert order.status == Order.Status.REFUNDED and order.refunded_ore == order.total_ore
    numbers = list(CreditNote.objects.order_by("number").values_list("number", flat=True))
    assert numbers == [numbers[0], numbers[0] + 1]


def test_cancelling_before_shipment_releases_the_payment_and_restocks(customer_order,
                                                                      fake_klarna,
                                                                      two_rate_products):
    mixer, _book = two_rate_products
    mixer.refresh_from_db()
    stock = mixer.stock
    services.cancel_order(customer_order)
    assert fake_klarna.of("cancel") == [("cancel", customer_order.klarna_order_id)]
    mixer.refresh_from_db()
    assert mixer.stock == stock + 1
    customer_order.refresh_from_db()
    assert customer_order.status == Order.Status.CANCELLED
    assert CreditNote.objects.get().total_ore == -customer_order.total_ore


def test_a_refund_after_the_buyer_was_erased_mails_nobody(delivered, clock, customer,
                                                          fake_klarna, mailoutbox):
    """Staff erased the buyer while the return was open (override): the refund and its
    credit note still happen, but no e-mail goes to the keyed hash left of the address."""
    from tillit.privacy import erasure
    from tillit.privacy.hashing import is_hashed

    clock(DELIVERED + dt.timedelta(days=3))
    ret = services.start_return(delivered, {_line(delivered, "Ljudboken").pk: 1}, "Ångrade")
    erasure.execute(customer, override_reason="Begärt per telefon; returen hanteras klart")
    delivered.refresh_from_db()
    assert is_hashed(delivered.email)
    mailoutbox.clear()
    note = services.refund_return(services.mark_return_received(ret))
    assert CreditNote.objects.filter(pk=note.pk, return_request=ret).exists()
    assert fake_klarna.of("refund")
    assert mailoutbox == []
