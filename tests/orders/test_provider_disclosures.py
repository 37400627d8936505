"""Every call after the checkout that sends the buyer's data to the checkout provider is in
the disclosure ledger (P25.a): the capture at shipment, a refund, a cancellation, and the
release of a payment no order came of; and the buyer's access report lists each."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse
from django.utils import timezone

from tests.orders.orders_fixtures import checkout, klarna_line, klarna_order
from tillit.orders import services
from tillit.orders.models import Order
from tillit.privacy import export
from tillit.privacy.models import Disclosure

pytestmark = pytest.mark.django_db


def _provider_entries(order):
    return list(Disclosure.objects.filter(recipient_kind="payment_provider",
                                          reference=order.klarna_order_id)
                .order_by("occurred_at", "pk"))


@pytest.mark.promise("P25.a")
def test_shipping_refunding_and_what_each_call_sent_are_in_the_ledger(
        staff_client, customer, customer_order, carriers, fake_klarna, settings):
    client, staff = staff_client, staff_client.staff
    assert _provider_entries(customer_order) == []  # placed by the push: no call yet
    client.post(reverse("admin:orders_order_ship", args=[customer_order.pk]),
                {"carrier": carriers["dhl"].pk, "tracking_number": "JD014600001234"})
    [capture] = _provider_entries(customer_order)
    assert len(fake_klarna.of("capture")) == 1
    # The capture carries the amount, the carrier and the tracking number.
    assert set(capture.categories) == {"user.financial", "user.behavior.purchase_history"}
    assert (capture.user, capture.email) == (customer, customer_order.email)
    assert capture.recipient == settings.TILLIT_CHECKOUT["provider_name"]
    assert capture.purpose == "essential.service.payment_processing"
    assert capture.recorded_by == staff  # staff shipped it: the audit log names them

    client.post(reverse("admin:orders_order_changelist"),
                {"action": "deliver", "apply": "1",
                 "delivered_on": timezone.localdate().isoformat(),
                 ACTION_CHECKBOX_NAME: [customer_order.pk]})
    ret = services.start_return(customer_order, {customer_order.lines.first().pk: 1})
    returns = reverse("admin:orders_returnrequest_changelist")
    client.post(returns, {"action": "receive", ACTION_CHECKBOX_NAME: [ret.pk]})
    client.post(returns, {"action": "refund", ACTION_CHECKBOX_NAME: [ret.pk]})
    assert len(fake_klarna.of("refund")) == 1
    capture_again, refund = _provider_entries(customer_order)
    assert capture_again == capture
    # The refund carries the amount and the returned lines.
    assert set(refund.categories) == {"user.financial", "user.behavior.purchase_history"}

    report = export.collect(customer, language="sv")
    listed = [d for d in report["disclosures"]
              if d["reference"] == customer_order.klarna_order_id]
    assert len(listed) == 2
    assert all(d["recipient_role"] == "controller" for d in listed)
    carrier = [d for d in report["disclosures"] if d["recipient_kind"] == "carrier"]
    assert [d["reference"] for d in carrier] == [str(customer_order.number)]


@pytest.mark.promise("P25.a")
def test_a_cancelled_order_tells_the_provider_and_the_ledger(
        staff_client, guest_order, fake_klarna):
    client = staff_client
    client.post(reverse("admin:orders_order_changelist"),
                {"action": "cancel", ACTION_CHECKBOX_NAME: [guest_order.pk]})
    guest_order.refresh_from_db()
    assert guest_order.status == Order.Status.CANCELLED
    assert fake_klarna.of("cancel") == [("cancel", guest_order.klarna_order_id)]
    [entry] = _provider_entries(guest_order)
    assert entry.user is None and entry.email == guest_order.email
    assert set(entry.categories) == {"user.financial", "user.behavior.purchase_history"}


def test_a_refused_cancellation_records_nothing(staff_client, guest_order, fake_klarna):
    client = staff_client
    from tests.orders.orders_fixtures import unavailable

    fake_klarna.fail["cancel"] = [unavailable()]
    client.post(reverse("admin:orders_order_changelist"),
                {"action": "cancel", ACTION_CHECKBOX_NAME: [guest_order.pk]})
    guest_order.refresh_from_db()
    assert guest_order.status != Order.Status.CANCELLED
    assert _provider_entries(guest_order) == []


@pytest.mark.promise("P25.a")
def test_releasing_the_payment_of_goods_that_ran_out_is_in_the_ledger(
        customer, make_product, cart_with, fake_klarna):
    scarce = make_product(name="Sista exemplaret", stock=1)
    cart = cart_with(customer, [(scarce, 2)])
    data = klarna_order([klarna_line(scarce, 2)])
    with pytest.raises(services.OutOfStock):
        services.place_order_from_klarna(data, checkout=checkout(customer, cart=cart))
    [entry] = Disclosure.objects.filter(reference=data["order_id"])
    assert entry.user == customer and entry.recipient_kind == "payment_provider"
    assert set(entry.categories) == {"user.financial", "user.behavior.purchase_history"}
