"""Staff's order desk in the admin: ship with carrier and tracking number, pack, deliver,
refund returns, read documents; opening personal data is audited (P33)."""

import datetime as dt

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext

from tillit.orders import services
from tillit.orders.models import CreditNote, Order, ReturnRequest
from tillit.privacy.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client, make_user):
    user = make_user(is_staff=True, is_superuser=True)
    client.force_login(user)
    return user


def test_the_order_pages_render_for_staff(client, staff, customer_order, guest_order):
    assert client.get(reverse("admin:orders_order_changelist")).status_code == 200
    page = client.get(reverse("admin:orders_order_change", args=[customer_order.pk]))
    assert page.status_code == 200 and "Mixer" in page.content.decode()
    for name in ("receipt", "creditnote", "returnrequest"):
        assert client.get(reverse(f"admin:orders_{name}_changelist")).status_code == 200


@pytest.mark.promise("P02.a")
def test_staff_ship_an_order_from_its_ship_page(client, staff, customer_order, carriers,
                                                fake_klarna, mailoutbox):
    url = reverse("admin:orders_order_ship", args=[customer_order.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"carrier": carriers["dhl"].pk,
                                 "tracking_number": "JD014600001234"})
    assert response.status_code == 302
    customer_order.refresh_from_db()
    assert customer_order.status == Order.Status.SHIPPED
    assert customer_order.tracking_url.endswith("tracking-id=JD014600001234")
    assert len(fake_klarna.of("capture")) == 1 and len(mailoutbox) == 1


def test_a_refused_capture_is_shown_on_the_ship_page(client, staff, customer_order, carriers,
                                                     fake_klarna):
    from tests.orders.orders_fixtures import unavailable

    fake_klarna.fail["capture"] = [unavailable()]
    response = client.post(reverse("admin:orders_order_ship", args=[customer_order.pk]),
                           {"carrier": carriers["dhl"].pk, "tracking_number": "JD0146000"})
    assert response.status_code == 200
    with translation.override("sv"):  # the admin speaks the shop's language
        expected = gettext("The payment provider did not accept the capture for order "
                           "%(number)s; nothing was changed. Try again in a moment.") % {
            "number": customer_order.number}
    assert escape(expected) in response.content.decode()
    customer_order.refresh_from_db()
    assert customer_order.status == Order.Status.PLACED


def test_staff_without_order_rights_cannot_ship(client, make_user, customer_order, carriers,
                                                fake_klarna):
    from django.contrib.auth.models import Permission

    clerk = make_user(is_staff=True)
    clerk.user_permissions.add(Permission.objects.get(codename="view_order"))
    client.force_login(clerk)
    response = client.post(reverse("admin:orders_order_ship", args=[customer_order.pk]),
                           {"carrier": carriers["dhl"].pk, "tracking_number": "JD0146000"})
    assert response.status_code == 403 and fake_klarna.calls == []


def test_the_pack_action_asks_for_the_carrier_then_packs(client, staff, customer_order,
                                                         carriers):
    url = reverse("admin:orders_order_changelist")
    ask = client.post(url, {"action": "pack", ACTION_CHECKBOX_NAME: [customer_order.pk]})
    assert ask.status_code == 200 and "Bring" in ask.content.decode()
    client.post(url, {"action": "pack", "apply": "1", "carrier": carriers["bring"].pk,
                      ACTION_CHECKBOX_NAME: [customer_order.pk]})
    customer_order.refresh_from_db()
    assert customer_order.status == Order.Status.PACKED
    assert customer_order.carrier == carriers["bring"]


def test_the_deliver_action_and_the_refund_actions(client, staff, customer_order, carriers,
                                                   fake_klarna, mailoutbox):
    services.ship_order(customer_order, carrier=carriers["postnord"], tracking_number="AB1234SE")
    url = reverse("admin:orders_order_changelist")
    ask = client.post(url, {"action": "deliver", ACTION_CHECKBOX_NAME: [customer_order.pk]})
    assert ask.status_code == 200 and 'name="delivered_on"' in ask.content.decode()
    client.post(url, {"action": "deliver", "apply": "1",
                      "delivered_on": timezone.localdate().isoformat(),
                      ACTION_CHECKBOX_NAME: [customer_order.pk]})
    customer_order.refresh_from_db()
    assert customer_order.status == Order.Status.DELIVERED
    assert timezone.localdate(customer_order.delivered_at) == timezone.localdate()
    ret = services.start_return(customer_order, {customer_order.lines.first().pk: 1})
    returns = reverse("admin:orders_returnrequest_changelist")
    client.post(returns, {"action": "refund", ACTION_CHECKBOX_NAME: [ret.pk]})
    assert fake_klarna.of("refund") == []  # not received yet: refused with a message
    client.post(returns, {"action": "receive", ACTION_CHECKBOX_NAME: [ret.pk]})
    client.post(returns, {"action": "refund", ACTION_CHECKBOX_NAME: [ret.pk]})
    ret.refresh_from_db()
    assert ret.status == ReturnRequest.Status.REFUNDED and len(fake_klarna.of("refund")) == 1
    note = CreditNote.objects.get()
    page = client.get(reverse("admin:orders_creditnote_document", args=[note.pk]))
    assert page.content.decode() == note.html


@pytest.mark.promise("P33.b")
def test_staff_reading_a_receipt_is_audited_without_copying_it(client, staff, customer_order):
    receipt = customer_order.receipt
    page = client.get(reverse("admin:orders_receipt_document", args=[receipt.pk]))
    assert page.status_code == 200 and page.content.decode() == receipt.html
    event = AuditEvent.objects.get(target=f"orders.Receipt:{receipt.pk}")
    assert event.actor == staff and event.action == AuditEvent.Action.STAFF_VIEW
    assert receipt.buyer_name not in str(event.detail) and event.subject_ref


def test_orders_cannot_be_added_or_deleted_in_the_admin(client, staff, customer_order):
    assert client.get(reverse("admin:orders_order_add")).status_code == 403
    assert client.get(reverse("admin:orders_order_delete",
                              args=[customer_order.pk])).status_code == 403


@pytest.mark.promise("P03.a", "P17.a")
def test_staff_cancel_an_order_and_the_buyer_gets_the_credit_note_by_e_mail(
        client, staff, customer_order, fake_klarna, mailoutbox, settings):
    client.post(reverse("admin:orders_order_changelist"),
                {"action": "cancel", ACTION_CHECKBOX_NAME: [customer_order.pk]})
    customer_order.refresh_from_db()
    assert customer_order.status == Order.Status.CANCELLED
    [message] = mailoutbox
    note = CreditNote.objects.get()
    assert message.to == [customer_order.email]
    assert message.subject == f"Din beställning {customer_order.number} är avbruten"
    assert f"Vi har avbrutit din beställning {customer_order.number}" in message.body
    assert "du debiteras inte för den här beställningen" in message.body
    assert note.display_number in message.body and customer_order.receipt.display_number \
        in message.body
    assert message.attachments == [(f"{note.display_number}.html", note.html, "text/html")]
    # The same footer as every order e-mail: the trader's identity (P03).
    assert settings.TILLIT_CONTROLLER["org_nr"] in message.body


def test_cancelling_an_erased_buyers_order_mails_nobody_and_says_so_in_the_log(
        client, staff, customer_order, customer, fake_klarna, mailoutbox, caplog):
    from tillit.privacy import erasure

    erasure.execute(customer, override_reason="Begärt per telefon, ordern avbryts")
    mailoutbox.clear()
    with caplog.at_level("INFO", logger="tillit.orders"):
        client.post(reverse("admin:orders_order_changelist"),
                    {"action": "cancel", ACTION_CHECKBOX_NAME: [customer_order.pk]})
    customer_order.refresh_from_db()
    assert customer_order.status == Order.Status.CANCELLED
    assert mailoutbox == []
    assert f"No cancellation e-mail for order {customer_order.number}: its buyer was erased" \
        in caplog.text


def test_staff_mark_delivered_on_the_day_the_tracking_says_and_the_return_period_follows(
        client, staff, customer_order, carriers, fake_klarna, clock):
    """The right of withdrawal counts from the day the buyer received the goods
    (distansavtalslagen 2 kap. 12 §), not from the day staff click."""
    now = timezone.now()
    clock(now - dt.timedelta(days=5))
    services.ship_order(customer_order, carrier=carriers["postnord"], tracking_number="AB1234SE")
    clock(now)
    url = reverse("admin:orders_order_changelist")
    received = timezone.localdate() - dt.timedelta(days=3)
    client.post(url, {"action": "deliver", "apply": "1", "delivered_on": received.isoformat(),
                      ACTION_CHECKBOX_NAME: [customer_order.pk]})
    customer_order.refresh_from_db()
    assert timezone.localdate(customer_order.delivered_at) == received
    assert customer_order.return_deadline() == received + dt.timedelta(days=14)


@pytest.mark.parametrize("day", ["", "tomorrow", "2001-01-01", "9999-12-31", "2026-02-30"])
def test_a_bad_delivery_day_gets_the_form_again_and_changes_nothing(
        client, staff, customer_order, carriers, fake_klarna, day):
    services.ship_order(customer_order, carrier=carriers["postnord"], tracking_number="AB1234SE")
    if day == "tomorrow":
        day = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    response = client.post(reverse("admin:orders_order_changelist"), {
        "action": "deliver", "apply": "1", "delivered_on": day,
        ACTION_CHECKBOX_NAME: [customer_order.pk]})
    assert response.status_code == 200 and "errorlist" in response.content.decode()
    customer_order.refresh_from_db()
    assert customer_order.status == Order.Status.SHIPPED


def test_a_delivery_before_the_shipment_is_refused(client, staff, customer_order, carriers,
                                                   fake_klarna):
    services.ship_order(customer_order, carrier=carriers["postnord"], tracking_number="AB1234SE")
    before = timezone.localdate() - dt.timedelta(days=2)
    client.post(reverse("admin:orders_order_changelist"), {
        "action": "deliver", "apply": "1", "delivered_on": before.isoformat(),
        ACTION_CHECKBOX_NAME: [customer_order.pk]})
    customer_order.refresh_from_db()
    assert customer_order.status == Order.Status.SHIPPED
