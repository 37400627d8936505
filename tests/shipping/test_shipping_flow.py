"""Staff ship an order: the payment is captured once (with a stored idempotency key), the
order gets its carrier and tracking number (P02), then delivery starts the return period."""

import datetime as dt

import pytest
from django.utils import timezone

from tests.orders.orders_fixtures import unavailable
from tillit.orders import carrier_export as export
from tillit.orders import services
from tillit.orders.models import Order
from tillit.privacy.models import Disclosure

pytestmark = pytest.mark.django_db


def test_shipping_captures_the_full_amount_and_records_the_tracking(customer_order, carriers,
                                                                    fake_klarna, mailoutbox):
    order = services.ship_order(customer_order, carrier=carriers["postnord"],
                                tracking_number=" 0037 0712 3456 ")
    [capture] = fake_klarna.of("capture")
    _kind, klarna_id, amount, key, shipping_info = capture
    assert klarna_id == customer_order.klarna_order_id and amount == 199700
    order.refresh_from_db()
    assert key == str(order.capture_idempotency_key)
    assert shipping_info == [{"shipping_company": "PostNord", "tracking_number": "003707123456",
                              "tracking_uri": "https://tracking.postnord.com/se/?id=003707123456"}]
    assert order.status == Order.Status.SHIPPED and order.shipped_at is not None
    assert order.tracking_number == "003707123456" and order.klarna_capture_id.startswith("cap-")
    assert len(mailoutbox) == 1


def test_a_retried_capture_reuses_the_stored_key(customer_order, carriers, fake_klarna,
                                                 mailoutbox):
    fake_klarna.fail["capture"] = [unavailable()]
    with pytest.raises(services.FulfilmentError):
        services.ship_order(customer_order, carrier=carriers["dhl"], tracking_number="JD01460000")
    customer_order.refresh_from_db()
    assert customer_order.status == Order.Status.PLACED and customer_order.tracking_number == ""
    assert mailoutbox == []
    services.ship_order(customer_order, carrier=carriers["dhl"], tracking_number="JD01460000")
    keys = [call[3] for call in fake_klarna.of("capture")]
    customer_order.refresh_from_db()
    assert keys == [str(customer_order.capture_idempotency_key)] * 2


def test_shipping_twice_captures_once(customer_order, carriers, fake_klarna, mailoutbox):
    services.ship_order(customer_order, carrier=carriers["bring"], tracking_number="70701234")
    services.ship_order(customer_order, carrier=carriers["bring"], tracking_number="70701234")
    assert len(fake_klarna.of("capture")) == 1 and len(mailoutbox) == 1


@pytest.mark.parametrize("number", ["", "   ", "ab", "<script>", "x" * 65, "12 34\x00"])
def test_a_bad_tracking_number_is_refused_before_any_capture(customer_order, carriers,
                                                            fake_klarna, number):
    with pytest.raises(services.FulfilmentError):
        services.ship_order(customer_order, carrier=carriers["postnord"], tracking_number=number)
    assert fake_klarna.calls == []
    customer_order.refresh_from_db()
    assert customer_order.capture_idempotency_key is None


def test_an_inactive_carrier_is_refused(customer_order, carriers, fake_klarna):
    carrier = carriers["budbee"]
    carrier.is_active = False
    carrier.save()
    with pytest.raises(services.FulfilmentError):
        services.ship_order(customer_order, carrier=carrier, tracking_number="BB123456")
    assert fake_klarna.calls == []


def test_a_cancelled_order_cannot_be_shipped(customer_order, carriers, fake_klarna):
    services.cancel_order(customer_order)
    with pytest.raises(services.FulfilmentError):
        services.ship_order(customer_order, carrier=carriers["postnord"],
                            tracking_number="AB12345SE")
    assert fake_klarna.of("capture") == []


def test_packing_assigns_the_default_carrier(customer_order, carriers):
    order = services.mark_packed(customer_order)
    assert order.status == Order.Status.PACKED and order.carrier == carriers["postnord"]
    assert services.mark_packed(order, carrier=carriers["dhl"]).carrier == carriers["dhl"]


def test_delivery_is_recorded_after_shipping_only(customer_order, carriers, fake_klarna):
    with pytest.raises(services.FulfilmentError):
        services.mark_delivered(customer_order)
    services.ship_order(customer_order, carrier=carriers["postnord"], tracking_number="AB1234SE")
    when = timezone.now()
    order = services.mark_delivered(customer_order, when=when)
    assert order.status == Order.Status.DELIVERED and order.delivered_at == when
    assert order.return_deadline() == timezone.localdate(when) + dt.timedelta(days=14)


def test_tracking_urls_quote_the_number(carriers):
    url = carriers["bring"].tracking_url("A B/../?x=1")
    assert url == "https://tracking.bring.se/tracking/A%20B%2F..%2F%3Fx%3D1"
    assert carriers["bring"].tracking_url("") == ""


# Handing the parcel to the carrier is a disclosure (P25) -----------------------------------


def _carrier_entries(order):
    return Disclosure.objects.filter(recipient_kind="carrier", reference=str(order.number))


def test_a_parcel_booked_by_hand_is_in_the_ledger_with_name_address_and_phone(
        customer_order, carriers, fake_klarna):
    services.ship_order(customer_order, carrier=carriers["postnord"],
                        tracking_number="00370712345")

    [entry] = _carrier_entries(customer_order)
    assert entry.recipient == "PostNord"
    assert entry.user == customer_order.user and entry.email == customer_order.email
    assert set(entry.categories) >= {"user.name", "user.contact.address.street",
                                     "user.contact.address.postal_code",
                                     "user.contact.address.city",
                                     "user.contact.phone_number"}
    assert "user.contact.email" not in entry.categories
    assert (entry.purpose, entry.legal_basis) == ("essential.service", "contract")


def test_shipping_after_the_export_adds_no_second_entry(customer_order, carriers, fake_klarna):
    export.export([services.mark_packed(customer_order, carrier=carriers["postnord"])])

    services.ship_order(customer_order, carrier=carriers["postnord"],
                        tracking_number="00370712345")

    [entry] = _carrier_entries(customer_order)
    assert "user.contact.email" in entry.categories  # the export's entry: the file had it


def test_exported_for_one_carrier_but_shipped_with_another_names_both(customer_order,
                                                                      carriers, fake_klarna):
    export.export([services.mark_packed(customer_order, carrier=carriers["postnord"])])

    services.ship_order(customer_order, carrier=carriers["dhl"], tracking_number="JD01460000")

    assert sorted(_carrier_entries(customer_order).values_list("recipient", flat=True)) == [
        "DHL", "PostNord"]


def test_a_failed_capture_records_no_handover(customer_order, carriers, fake_klarna):
    fake_klarna.fail["capture"] = [unavailable()]

    with pytest.raises(services.FulfilmentError):
        services.ship_order(customer_order, carrier=carriers["dhl"], tracking_number="JD01460000")

    assert not _carrier_entries(customer_order).exists()


def test_staff_shipping_in_the_admin_is_recorded_as_theirs(customer_order, carriers,
                                                           fake_klarna, client, make_user):
    from django.urls import reverse

    staff = make_user(is_staff=True, is_superuser=True)
    client.force_login(staff)

    client.post(reverse("admin:orders_order_ship", args=[customer_order.pk]),
                {"carrier": carriers["bring"].pk, "tracking_number": "70701234"})

    [entry] = _carrier_entries(customer_order)
    assert entry.recorded_by == staff and entry.recipient == "Bring"
