"""Erasure from the shop's pages (P31, P32, P04): password re-entry, a preview, a
confirmation e-mail sent before the address goes, log-out; guests by e-mail verification;
open orders make it wait; hostile input never erases anything."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import PASSWORD
from tests.orders.orders_fixtures import address
from tests.privacy.rights_fixtures import link_in
from tillit.accounts.models import Address
from tillit.orders import services as order_services
from tillit.orders.models import Order, OrderLine, Receipt
from tillit.privacy import retention
from tillit.privacy.models import AuditEvent, LegalHold, PrivacyRequest, RecipientNotice

pytestmark = pytest.mark.django_db
User = get_user_model()


def _reauth(client, password=PASSWORD):
    return client.post(reverse("privacy:erase_start"), {"password": password})


def _deliver(order, carriers, *, days_ago=0):
    """Shipped the day before it was delivered, ``days_ago`` days ago."""
    order_services.ship_order(order, carrier=carriers["postnord"], tracking_number="TRACK1234")
    when = timezone.now() - dt.timedelta(days=days_ago)
    Order.objects.filter(pk=order.pk).update(shipped_at=when - dt.timedelta(days=1))
    return order_services.mark_delivered(order, when=when)


# Account holders -------------------------------------------------------------------------


def test_erasure_asks_for_the_password_first(holder_client, holder):
    assert holder_client.get(reverse("privacy:erase_confirm")).status_code == 302
    wrong = _reauth(holder_client, "not-my-password")
    assert wrong.status_code == 200 and "errorlist" in wrong.content.decode()
    assert holder_client.get(reverse("privacy:erase_confirm"))["Location"] == \
        reverse("privacy:erase_start")
    assert User.objects.filter(pk=holder.pk).exists()


@pytest.mark.promise("P31.a", "P31.c", "P04.a", "P33.b")
def test_an_account_holder_erases_their_account_from_my_details(
        holder_client, holder, mailoutbox):
    assert _reauth(holder_client)["Location"] == reverse("privacy:erase_confirm")
    preview = holder_client.get(reverse("privacy:erase_confirm")).content.decode()
    assert "Din adressbok" in preview or "Your address book" in preview
    no_confirm = holder_client.post(reverse("privacy:erase_confirm"), {})
    assert no_confirm.status_code == 200 and User.objects.filter(pk=holder.pk).exists()

    done = holder_client.post(reverse("privacy:erase_confirm"), {"confirm": "on"})
    assert done.status_code == 302 and done["Location"] == reverse("privacy:goodbye")
    assert not User.objects.filter(pk=holder.pk).exists()
    assert not Address.objects.filter(city="Hemby").exists()
    # The confirmation went to the address before it was erased.
    assert [m.to for m in mailoutbox] == [["maja@example.com"]]
    assert "Teknikboden" in mailoutbox[0].subject
    # Logged out; the goodbye page shows; the account cannot log in; the address is free.
    assert holder_client.get(reverse("privacy:goodbye")).status_code == 200
    profile = holder_client.get(reverse("accounts:profile"))
    assert profile.status_code == 302
    assert not Client().login(username="maja", password=PASSWORD)
    User.objects.create_user(username="maja-igen", email="maja@example.com", name="Ny",
                             password=PASSWORD)
    event = AuditEvent.objects.get(action=AuditEvent.Action.ERASURE)
    assert event.actor is None and event.detail["channel"] == "self_service"
    assert "maja" not in (event.actor_label + event.target + str(event.detail)).lower()
    assert RecipientNotice.objects.get(reason="erasure").recipient == "Kustom"
    req = PrivacyRequest.objects.get(kind="erasure")
    assert req.status == PrivacyRequest.Status.DONE and req.user is None
    assert req.email.startswith("hmac-sha256:")


@pytest.mark.promise("P31.a")
def test_no_confirmation_e_mail_means_no_erasure(holder_client, holder, monkeypatch):
    from tillit.core import mail

    def broken(*args, **kwargs):
        raise ConnectionError("mail server down")

    monkeypatch.setattr(mail, "send", broken)
    _reauth(holder_client)
    with pytest.raises(ConnectionError):
        holder_client.post(reverse("privacy:erase_confirm"), {"confirm": "on"})
    assert User.objects.filter(pk=holder.pk).exists()
    assert Address.objects.filter(user=holder).count() == 2


@pytest.mark.promise("P32.a", "P31.a")
def test_kept_accounting_records_are_shown_with_their_end_date_and_detached(
        holder, holder_client, place, two_rate_products, carriers, mailoutbox):
    mixer, _book = two_rate_products
    order = place([(mixer, 1)], user=holder)
    _deliver(order, carriers, days_ago=30)
    _reauth(holder_client)
    preview = holder_client.get(reverse("privacy:erase_confirm")).content.decode()
    end = f"{timezone.localdate().year + 7}-12-31"
    assert end in preview
    holder_client.post(reverse("privacy:erase_confirm"), {"confirm": "on"})
    order.refresh_from_db()
    assert order.user is None and order.billing_name == "" and order.email.startswith("hmac")
    assert OrderLine.objects.filter(order=order).count() == 1
    receipt = Receipt.objects.get(order=order)
    assert receipt.total_ore == order.total_ore
    assert end in mailoutbox[-1].body


def test_an_undelivered_order_makes_the_erasure_wait_until_it_closes(
        holder, holder_client, place, two_rate_products, carriers, mailoutbox):
    mixer, _book = two_rate_products
    order = place([(mixer, 1)], user=holder)
    _reauth(holder_client)
    preview = holder_client.get(reverse("privacy:erase_confirm")).content.decode()
    assert str(order.number) in preview
    waiting = holder_client.post(reverse("privacy:erase_confirm"), {"confirm": "on"})
    assert waiting["Location"] == reverse("privacy:erase_waiting")  # reloading asks nothing
    waiting = holder_client.get(waiting["Location"])
    assert waiting.status_code == 200 and str(order.number) in waiting.content.decode()
    assert User.objects.filter(pk=holder.pk).exists()
    req = PrivacyRequest.objects.get(kind="erasure")
    assert req.status == PrivacyRequest.Status.WAITING

    # Delivered today: still inside the 14-day return period, so the sweep waits too.
    _deliver(order, carriers)
    assert retention.run().passes["waiting erasures"] == 0
    assert User.objects.filter(pk=holder.pk).exists()
    # Once the period has ended, the nightly sweep carries the erasure out.
    Order.objects.filter(pk=order.pk).update(
        delivered_at=timezone.now() - dt.timedelta(days=20))
    mailoutbox.clear()
    assert retention.run().passes["waiting erasures"] == 1
    assert not User.objects.filter(pk=holder.pk).exists()
    assert [m.to for m in mailoutbox] == [["maja@example.com"]]
    req.refresh_from_db()
    assert req.status == PrivacyRequest.Status.DONE


@pytest.mark.promise("P18.c")
def test_a_legal_hold_shows_in_the_preview_and_stops_the_erasure(holder, holder_client):
    LegalHold.objects.create(user=holder, reason="Tvist om faktura 1042")
    _reauth(holder_client)
    assert "Tvist om faktura 1042" in holder_client.get(
        reverse("privacy:erase_confirm")).content.decode()
    response = holder_client.post(reverse("privacy:erase_confirm"), {"confirm": "on"},
                                  follow=True)
    assert response.status_code == 200 and "Tvist om faktura 1042" in response.content.decode()
    assert User.objects.filter(pk=holder.pk).exists()


def test_the_password_check_expires(holder_client, holder, monkeypatch):
    _reauth(holder_client)
    later = timezone.now() + dt.timedelta(minutes=11)
    monkeypatch.setattr(timezone, "now", lambda: later)
    response = holder_client.post(reverse("privacy:erase_confirm"), {"confirm": "on"})
    assert response.status_code == 302 and User.objects.filter(pk=holder.pk).exists()


# Guests ----------------------------------------------------------------------------------


def _verified_guest_erasure(client, mailoutbox, email="gast@example.com"):
    client.post(reverse("privacy:rights"), {"email": email, "kind": "erasure"})
    return client.post(link_in(mailoutbox[-1]))


@pytest.mark.promise("P31.a", "P32.a", "P04.a")
def test_a_guest_erases_their_data_after_verifying_their_e_mail(
        client, place, two_rate_products, carriers, mailoutbox):
    mixer, _book = two_rate_products
    order = place([(mixer, 1)], billing=address(email="gast@example.com"),
                  shipping=address(email="gast@example.com"))
    _deliver(order, carriers, days_ago=40)
    preview = _verified_guest_erasure(client, mailoutbox)
    assert preview.status_code == 302
    page = client.get(preview["Location"]).content.decode()
    assert f"{timezone.localdate().year + 7}-12-31" in page
    done = client.post(preview["Location"], {"confirm": "on"})
    assert done["Location"] == reverse("privacy:goodbye")
    order.refresh_from_db()
    assert order.email.startswith("hmac-sha256:") and order.shipping_street == ""
    assert mailoutbox[-1].to == ["gast@example.com"]
    # The page cannot be used again.
    assert client.get(preview["Location"]).status_code == 404


def test_a_guest_erasure_request_id_of_another_browser_is_404(client, mailoutbox):
    preview = _verified_guest_erasure(client, mailoutbox)
    assert Client().get(preview["Location"]).status_code == 404
    assert Client().post(preview["Location"], {"confirm": "on"}).status_code == 404
    other_id = reverse("privacy:guest_erase", args=[PrivacyRequest.objects.get().pk + 1])
    assert client.get(other_id).status_code == 404


def test_an_accounts_e_mail_sends_the_verified_guest_to_log_in(client, holder, mailoutbox):
    response = _verified_guest_erasure(client, mailoutbox, email="MAJA@example.com")
    assert response.status_code == 200
    assert reverse("privacy:erase_start") in response.content.decode()
    assert User.objects.filter(pk=holder.pk).exists()


@given(password=st.text(max_size=300), confirm=st.sampled_from(["", "on", "x", "0"]))
# Each example checks a password with Argon2 (slow on purpose), so fewer examples.
@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_hostile_erasure_input_never_erases_without_the_password(
        holder_client, holder, no_rate_limit, password, confirm):
    response = holder_client.post(reverse("privacy:erase_start"), {"password": password})
    assert response.status_code == (302 if password == PASSWORD else 200)
    if password != PASSWORD:
        response = holder_client.post(reverse("privacy:erase_confirm"), {"confirm": confirm})
        assert response["Location"] == reverse("privacy:erase_start")
        assert User.objects.filter(pk=holder.pk).exists()
