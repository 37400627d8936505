"""The checkout's marketing boxes (issue 12 §2): inside the provider's checkout, both
unticked, the shop's own words. The existing-customer rule (MFL 19 § 2 st.) applies only
to a buyer who was told at checkout and did not object; a tick in the objection box is a
no; a tick in the newsletter box starts a sign-up that only its e-mail link confirms. Each
purchase's answers are recorded once, whether the buyer's confirmation page or the
provider's push comes first."""

from __future__ import annotations

import html

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from tests.checkout.checkout_fixtures import emulator_path
from tests.payments.klarna_helpers import checkout_page_url
from tillit.checkout.models import CheckoutSession
from tillit.marketing.models import Campaign, PendingSignup
from tillit.marketing.privacy import NEWSLETTER
from tillit.orders.models import Order
from tillit.privacy import consents
from tillit.privacy.datamap import LEGITIMATE_INTEREST
from tillit.privacy.models import Consent

pytestmark = pytest.mark.django_db


def _buy(client, product, add_to_cart, pay, **boxes):
    add_to_cart(client, product, 1)
    page = client.get(reverse("checkout:start"))
    answer = pay(client, page, **{f"merchant_checkbox_{k}": "on" for k, v in boxes.items()
                                  if v})
    assert answer.status_code == 303
    client.get(emulator_path(answer["Location"]))
    return Order.objects.order_by("-pk").first()


@pytest.mark.promise("P19.a", "P20.a")
def test_the_boxes_are_shown_in_the_providers_checkout_unticked_with_the_shops_words(
        client, product, add_to_cart):
    add_to_cart(client, product, 1)
    page = client.get(reverse("checkout:start"))
    frame = client.get(emulator_path(checkout_page_url(page.content.decode())))
    text = html.unescape(frame.content.decode())
    assert str(NEWSLETTER.ask) in text and str(NEWSLETTER.objection) in text
    assert 'name="merchant_checkbox_newsletter"' in text
    assert 'name="merchant_checkbox_no_offers"' in text
    assert "checked" not in text.split('name="merchant_checkbox_newsletter"')[1][:80]


@pytest.mark.promise("P19.a", "P20.a")
def test_a_buyer_told_who_does_not_object_gets_the_existing_customer_rule(send_campaign,
        client, customer, product, add_to_cart, pay):
    client.force_login(customer)
    order = _buy(client, product, add_to_cart, pay)
    row = Consent.objects.get()
    assert (row.topic, row.given, row.basis, row.method, row.user) == (
        NEWSLETTER.key, True, LEGITIMATE_INTEREST, Consent.Method.CHECKOUT, customer)
    assert row.text.text == str(NEWSLETTER.objection) and row.proof == f"order {order.number}"
    assert row.email == order.email and row.ip
    # The rule's campaign reaches them; a subscribers-only one does not.
    mail.outbox.clear()
    send_campaign(Campaign.objects.create(subject="Tillbehör", body="Nya kablar",
                                            audience=Campaign.Audience.CUSTOMERS))
    assert [m.to for m in mail.outbox] == [[order.email]]
    assert "som kund" in mail.outbox[0].body
    # The opt-out in every such message: the link, and the one-click header.
    assert "/nyhetsbrev/avregistrera/" in mail.outbox[0].body
    assert mail.outbox[0].extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # A subscribers-only campaign does not reach a buyer under the rule.
    mail.outbox.clear()
    send_campaign(Campaign.objects.create(subject="Nyhetsbrev", body="Hej"))
    assert mail.outbox == []
    # Paid twice over (the push after the confirmation page): recorded once.
    session = CheckoutSession.objects.get()
    assert session.choices_recorded_at is not None
    assert Client().post(reverse("checkout:push", args=[session.klarna_order_id])
                         ).status_code in (200, 204)
    assert Consent.objects.count() == 1


@pytest.mark.promise("P19.a", "P20.a")
def test_a_tick_in_the_objection_box_is_a_no(client, customer, product, add_to_cart, pay):
    client.force_login(customer)
    _buy(client, product, add_to_cart, pay, no_offers=True)
    row = Consent.objects.get()
    assert (row.given, row.basis, row.method) == (False, LEGITIMATE_INTEREST,
                                                  Consent.Method.CHECKOUT)
    assert not consents.holders(NEWSLETTER.key).exists()


@pytest.mark.promise("P19.a")
def test_a_later_purchase_does_not_undo_an_earlier_no(client, customer, product, add_to_cart,
                                                      pay):
    client.force_login(customer)
    _buy(client, product, add_to_cart, pay, no_offers=True)
    _buy(client, product, add_to_cart, pay)
    assert Consent.objects.count() == 1
    assert not consents.allows(customer, NEWSLETTER.key)


@pytest.mark.promise("P20.a")
def test_a_tick_in_the_newsletter_box_is_a_sign_up_confirmed_by_e_mail(
        client, product, add_to_cart, pay):
    order = _buy(client, product, add_to_cart, pay, newsletter=True)
    signup = PendingSignup.objects.get()
    assert signup.email == order.email
    confirm = next(m for m in mail.outbox if "/nyhetsbrev/bekrafta/" in m.body)
    assert confirm.to == [order.email]
    # Until the link is followed the newsletter is not consented to (the guest was told of
    # the existing-customer rule and did not object).
    assert not consents.holders(NEWSLETTER.key, basis="consent").exists()
    assert consents.holders(NEWSLETTER.key, basis=LEGITIMATE_INTEREST).count() == 1


def test_a_guests_push_reads_the_answers_from_the_checkout_view(client, product, add_to_cart,
                                                                pay, push_inline):
    order = _buy(client, product, add_to_cart, pay, no_offers=True)
    row = Consent.objects.get()
    assert (row.email, row.given, row.user) == (order.email, False, None)


@pytest.mark.promise("P19.a")
def test_answers_of_a_checkout_only_the_reconciliation_placed_are_recorded(
        client, product, add_to_cart, pay, no_push):
    import datetime as dt

    from django.utils import timezone

    from tillit.checkout import reconcile

    add_to_cart(client, product, 1)
    page = client.get(reverse("checkout:start"))
    # Paid, but the buyer never came back to the confirmation page and no push arrived.
    assert pay(client, page, merchant_checkbox_no_offers="on").status_code == 303
    assert not Consent.objects.exists()
    report = reconcile.run(now=timezone.now() + dt.timedelta(minutes=30))
    assert report.placed == 1
    row = Consent.objects.get()
    assert (row.given, row.basis) == (False, LEGITIMATE_INTEREST)
    assert reconcile.run(now=timezone.now() + dt.timedelta(minutes=40)).choices == 0
