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

from tillit.marketing import campaigns
from tillit.marketing import services as marketing
from tillit.marketing.models import Campaign
from tillit.marketing.privacy import NEWSLETTER, SMS
from tillit.privacy import consents
from tillit.privacy.datamap import LEGITIMATE_INTEREST
from tillit.privacy.models import Consent

pytestmark = pytest.mark.django_db


@pytest.mark.promise("P20.d")
def test_a_no_on_the_account_page_stops_sms_to_an_old_number(make_user):
    user = make_user(phone="070-123 45 67")
    browser = Client()
    browser.force_login(user)
    browser.post(reverse("marketing:choices"), {"topic": SMS.key, "given": "1"})
    user.phone = "070-999 88 77"
    user.save(update_fields=["phone"])
    browser.post(reverse("marketing:choices"), {"topic": SMS.key, "given": "0"})
    assert not consents.holders(SMS.key, by="phone").exists()
    user.phone = ""
    user.save(update_fields=["phone"])
    marketing.record_by_staff(topic_key=SMS.key, given=False, note="Ringde", staff=user,
                              user=user)
    assert not consents.holders(SMS.key, by="phone").exists()


@pytest.mark.promise("P19.a", "P20.b")
def test_the_link_in_a_message_to_a_checkout_address_stops_it(customer):
    consents.record(NEWSLETTER.key, given=True, basis=LEGITIMATE_INTEREST,
                    method=Consent.Method.CHECKOUT, user=customer, email="jobb@example.com")
    # They said no on their page first: that covers the checkout's address too.
    marketing.choose(customer, NEWSLETTER.key, False)
    assert not consents.holders(NEWSLETTER.key).exists()
    # Said yes again at checkout, then no by the link in the message sent there.
    consents.record(NEWSLETTER.key, given=True, basis=LEGITIMATE_INTEREST,
                    method=Consent.Method.CHECKOUT, user=customer, email="jobb@example.com")
    mail.outbox.clear()
    campaigns.start(Campaign.objects.create(subject="Rea", body="Hej",
                                            audience=Campaign.Audience.CUSTOMERS))
    [message] = mail.outbox
    link = re.search(r"/nyhetsbrev/avregistrera/[^/\s]+/", message.body).group(0)
    assert Client().get(link).status_code == 200
    assert not consents.holders(NEWSLETTER.key).exists()


@pytest.mark.promise("P19.a")
def test_a_guests_objection_is_not_undone_by_a_purchase_logged_in(customer):
    marketing.checkout_choices({"no_offers": True, "newsletter": False}, user=None,
                               email="x@example.com", reference="order 1")
    marketing.checkout_choices({"no_offers": False, "newsletter": False}, user=customer,
                               email="x@example.com", reference="order 2")
    assert not consents.holders(NEWSLETTER.key).exists()
