"""An erasure that must wait (P31.b): the person is told by e-mail what waits for what, sees
the waiting request on "My details" (a guest gets a link instead) and may withdraw it, and
the nightly sweep carries it out by itself, with the confirmation e-mail, once nothing
stands in the way. The whole path runs with the shop's clock moved on."""

import datetime as dt
import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.conftest import PASSWORD
from tests.orders.orders_fixtures import address
from tests.privacy.rights_fixtures import link_in
from tillit.orders import services as order_services
from tillit.orders.models import Order
from tillit.privacy import retention
from tillit.privacy.models import PrivacyRequest, RequestToken

pytestmark = pytest.mark.django_db
User = get_user_model()
Status = PrivacyRequest.Status


def _ask_to_erase(client):
    client.post(reverse("privacy:erase_start"), {"password": PASSWORD})
    return client.post(reverse("privacy:erase_confirm"), {"confirm": "on"}, follow=True)


def _ship(order, carriers, when):
    """Shipped the day before ``when``, delivered then."""
    order_services.ship_order(order, carrier=carriers["postnord"], tracking_number="TRACK1234")
    Order.objects.filter(pk=order.pk).update(shipped_at=when - dt.timedelta(days=1))
    return order_services.mark_delivered(order, when=when)


def _withdraw_link(message) -> str:
    return re.search(r"https?://\S+/radera/aterkalla/\S+/", message.body).group(0)


@pytest.mark.promise("P31.b", "P04.a")
def test_an_account_holders_erasure_waits_is_shown_and_completes_by_itself(
        holder, holder_client, place, two_rate_products, carriers, mailoutbox, clock):
    start = timezone.now()
    mixer, _book = two_rate_products
    order = place([(mixer, 1)], user=holder)
    mailoutbox.clear()

    waiting = _ask_to_erase(holder_client)
    assert waiting.status_code == 200
    page = waiting.content.decode()
    assert str(order.number) in page and reverse("accounts:profile") in page
    req = PrivacyRequest.objects.get(kind="erasure")
    assert req.status == Status.WAITING
    # Told by e-mail at once: what it waits for, that it happens by itself, where to see it.
    [told] = mailoutbox
    assert told.to == ["maja@example.com"] and "väntar" in told.subject
    assert str(order.number) in told.body
    assert "genomför vi raderingen själva" in told.body
    assert reverse("accounts:profile") in told.body
    # A second try while it waits tells nothing new.
    _ask_to_erase(holder_client)
    assert len(mailoutbox) == 1

    shown = holder_client.get(reverse("accounts:profile")).content.decode()
    section = shown.split('id="waiting-erasure"', 1)[1].split("</div>", 1)[0]
    assert str(order.number) in section
    assert reverse("privacy:erase_withdraw_mine") in section

    # Shipped and delivered two days on: the 14-day return period still keeps it waiting.
    clock(start + dt.timedelta(days=2))
    _ship(order, carriers, when=start + dt.timedelta(days=2))
    clock(start + dt.timedelta(days=10))
    assert retention.run().passes["waiting erasures"] == 0
    assert User.objects.filter(pk=holder.pk).exists()
    # The period over, the nightly sweep erases and confirms, unasked.
    clock(start + dt.timedelta(days=17))
    mailoutbox.clear()
    assert retention.run().passes["waiting erasures"] == 1
    assert not User.objects.filter(pk=holder.pk).exists()
    [confirmed] = mailoutbox
    assert confirmed.to == ["maja@example.com"] and "raderats" in confirmed.subject
    req.refresh_from_db()
    assert req.status == Status.DONE


@pytest.mark.promise("P31.b")
def test_an_account_holder_withdraws_the_waiting_erasure_from_my_details(
        holder, holder_client, place, two_rate_products, carriers, mailoutbox):
    mixer, _book = two_rate_products
    order = place([(mixer, 1)], user=holder)
    _ask_to_erase(holder_client)
    response = holder_client.post(reverse("privacy:erase_withdraw_mine"))
    assert response["Location"] == reverse("accounts:profile")
    req = PrivacyRequest.objects.get(kind="erasure")
    assert req.status == Status.WITHDRAWN and req.closed_at is not None
    assert "återkallad" in mailoutbox[-1].subject and mailoutbox[-1].to == [holder.email]
    page = holder_client.get(reverse("accounts:profile")).content.decode()
    assert 'id="waiting-erasure"' not in page and "återkallad" in page
    _ship(order, carriers, when=timezone.now() - dt.timedelta(days=30))
    assert retention.run().passes["waiting erasures"] == 0
    assert User.objects.filter(pk=holder.pk).exists()
    # Withdrawing again, or with nothing waiting, changes nothing and fails nothing.
    assert holder_client.post(reverse("privacy:erase_withdraw_mine")).status_code == 302
    assert holder_client.get(reverse("privacy:erase_withdraw_mine")).status_code == 405


def test_the_waiting_page_is_a_page_of_its_own(holder, holder_client, place,
                                               two_rate_products):
    assert holder_client.get(reverse("privacy:erase_waiting"))["Location"] == \
        reverse("accounts:profile")  # nothing waits
    mixer, _book = two_rate_products
    order = place([(mixer, 1)], user=holder)
    _ask_to_erase(holder_client)
    for _ in range(2):  # a reload shows the same, and asks nothing again
        page = holder_client.get(reverse("privacy:erase_waiting"))
        assert page.status_code == 200 and str(order.number) in page.content.decode()
    assert PrivacyRequest.objects.filter(kind="erasure").count() == 1
    assert holder_client.post(reverse("privacy:erase_waiting")).status_code == 405


def test_another_account_cannot_withdraw_my_waiting_erasure(
        holder, holder_client, other, place, two_rate_products):
    mixer, _book = two_rate_products
    place([(mixer, 1)], user=holder)
    _ask_to_erase(holder_client)
    stranger = Client()
    stranger.force_login(other)
    stranger.post(reverse("privacy:erase_withdraw_mine"))
    assert PrivacyRequest.objects.get(kind="erasure").status == Status.WAITING
    assert Client().post(reverse("privacy:erase_withdraw_mine")).status_code == 302  # login
    assert PrivacyRequest.objects.get(kind="erasure").status == Status.WAITING


@pytest.mark.promise("P31.b")
def test_a_guests_waiting_erasure_is_told_by_e_mail_with_a_link_to_withdraw_it(
        client, place, two_rate_products, mailoutbox):
    mixer, _book = two_rate_products
    order = place([(mixer, 1)], billing=address(email="gast@example.com"),
                  shipping=address(email="gast@example.com"))
    client.post(reverse("privacy:rights"), {"email": "gast@example.com", "kind": "erasure"})
    preview = client.post(link_in(mailoutbox[-1]))
    waiting = client.post(preview["Location"], {"confirm": "on"})
    assert waiting.status_code == 200 and str(order.number) in waiting.content.decode()
    told = mailoutbox[-1]
    assert told.to == ["gast@example.com"] and str(order.number) in told.body
    link = _withdraw_link(told)
    path = link.split("://", 1)[1].split("/", 1)[1]
    # Opening the link (as a mail scanner does) changes nothing; the button does, once.
    assert Client().get("/" + path).status_code == 200
    assert PrivacyRequest.objects.get(kind="erasure").status == Status.WAITING
    done = Client().post("/" + path)
    assert done.status_code == 200 and "återkallad" in done.content.decode()
    assert PrivacyRequest.objects.get(kind="erasure").status == Status.WITHDRAWN
    assert Client().post("/" + path).status_code == 410
    assert Client().get("/" + path).status_code == 410


@pytest.mark.parametrize("token", ["x", "a" * 43, "..%2F..%2Fetc", "ÅÄÖ" * 10, "%00" * 5])
def test_a_made_up_withdrawal_link_is_404(client, token):
    url = reverse("privacy:erase_withdraw", args=[token])
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404


def test_an_expired_withdrawal_link_is_410(client, place, two_rate_products, mailoutbox):
    mixer, _book = two_rate_products
    place([(mixer, 1)], billing=address(email="gast@example.com"),
          shipping=address(email="gast@example.com"))
    client.post(reverse("privacy:rights"), {"email": "gast@example.com", "kind": "erasure"})
    preview = client.post(link_in(mailoutbox[-1]))
    client.post(preview["Location"], {"confirm": "on"})
    path = "/" + _withdraw_link(mailoutbox[-1]).split("://", 1)[1].split("/", 1)[1]
    RequestToken.objects.filter(purpose="withdraw").update(
        expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert client.post(path).status_code == 410
    assert PrivacyRequest.objects.get(kind="erasure").status == Status.WAITING
