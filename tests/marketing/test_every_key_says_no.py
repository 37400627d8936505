"""A no is a no under every key (review of issue 12): a person's no on their page, at the
desk or by a message's link covers every address and number whose yes is theirs, so a
yes under an old number or a checkout's address cannot outlive it; and a purchase never
undoes an earlier no given under the checkout's address."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from tests.checkout.checkout_fixtures import emulator_path
from tillit.marketing.models import Campaign
from tillit.marketing.privacy import NEWSLETTER, SMS
from tillit.privacy import consents
from tillit.privacy.datamap import LEGITIMATE_INTEREST
from tillit.privacy.models import Consent

pytestmark = pytest.mark.django_db


@pytest.mark.promise("P20.c", "P20.d")
def test_a_no_on_the_account_page_stops_sms_to_an_old_number(make_user, staff_client):
    user = make_user(phone="070-123 45 67")
    browser = Client()
    browser.force_login(user)
    browser.post(reverse("marketing:choices"), {"topic": SMS.key, "given": "1"})
    user.phone = "070-999 88 77"
    user.save(update_fields=["phone"])
    browser.post(reverse("marketing:choices"), {"topic": SMS.key, "given": "0"})
    assert not consents.holders(SMS.key, by="phone").exists()
    # Yes again, then a no by phone to staff, after the number was removed from the account.
    user.phone = "070-123 45 67"
    user.save(update_fields=["phone"])
    browser.post(reverse("marketing:choices"), {"topic": SMS.key, "given": "1"})
    user.phone = ""
    user.save(update_fields=["phone"])
    from tillit.desk.pages import ref_for_user

    answer = staff_client.post(reverse("privacy_desk:person_consent", args=[ref_for_user(user)]),
                               {"topic": SMS.key, "given": "0", "note": "Ringde, inga sms"})
    assert answer.status_code == 302
    assert not consents.holders(SMS.key, by="phone").exists()


@pytest.mark.promise("P19.a", "P20.b")
def test_the_link_in_a_message_to_a_checkout_address_stops_it(customer, staff_client):
    consents.record(NEWSLETTER.key, given=True, basis=LEGITIMATE_INTEREST,
                    method=Consent.Method.CHECKOUT, user=customer, email="jobb@example.com")
    # They said no on their page first: that covers the checkout's address too.
    page = Client()
    page.force_login(customer)
    assert page.post(reverse("marketing:choices"),
                     {"topic": NEWSLETTER.key, "given": "0"}).status_code == 302
    assert not consents.holders(NEWSLETTER.key).exists()
    # Said yes again at checkout, then no by the link in the message sent there.
    consents.record(NEWSLETTER.key, given=True, basis=LEGITIMATE_INTEREST,
                    method=Consent.Method.CHECKOUT, user=customer, email="jobb@example.com")
    mail.outbox.clear()
    campaign = Campaign.objects.create(subject="Rea", body="Hej",
                                       audience=Campaign.Audience.CUSTOMERS)
    staff_client.post(reverse("admin:marketing_campaign_changelist"),
                      {"action": "send", "_selected_action": [campaign.pk]})
    [message] = mail.outbox
    link = re.search(r"/nyhetsbrev/avregistrera/[^/\s]+/", message.body).group(0)
    assert Client().get(link).status_code == 200
    assert not consents.holders(NEWSLETTER.key).exists()


@pytest.mark.promise("P19.a")
def test_a_guests_objection_is_not_undone_by_a_purchase_logged_in(customer, product,
                                                                  add_to_cart, pay):
    def buy(client, **boxes):
        add_to_cart(client, product, 1)
        answer = pay(client, client.get(reverse("checkout:start")), email="x@example.com",
                     **{f"merchant_checkbox_{k}": "on" for k in boxes})
        client.get(emulator_path(answer["Location"]))

    buy(Client(), no_offers=True)  # as a guest, ticking the no
    logged_in = Client()
    logged_in.force_login(customer)
    buy(logged_in)  # logged in, the same checkout address, the box left alone
    assert not consents.holders(NEWSLETTER.key).exists()
