"""Restriction of processing (GDPR art. 18, issue 11 §3): a person asks on their rights
page, staff put it in force on the privacy desk, and while it lasts the person's data is
kept but not used for what the data map marks as stoppable (newsletters, SMS, letters,
suggestions from purchases); they are told by e-mail when it is placed and when it is
lifted, and after that the shop writes to them again as their choices allow."""

from __future__ import annotations

import dataclasses

import pytest
from django.core import checks
from django.test import Client
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tillit.marketing.models import Campaign, CampaignSend, SmsSend
from tillit.marketing.privacy import NEWSLETTER, PERSONALISED, SMS
from tillit.privacy import consents
from tillit.privacy import datamap as dm
from tillit.privacy.checks import check_models
from tillit.privacy.models import AuditEvent, Consent, PrivacyRequest, Restriction
from tillit.sms.emulator import store

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_gateway")]
CHOICES = reverse("marketing:choices")


@pytest.fixture
def maja(make_user):
    """A customer who said yes to the newsletter, SMS offers and suggestions, logged in."""
    user = make_user(username="maja", email="maja@example.com", phone="070-123 45 67")
    browser = Client()
    browser.force_login(user)
    for topic in (NEWSLETTER.key, SMS.key, PERSONALISED.key):
        assert browser.post(CHOICES, {"topic": topic, "given": "1"}).status_code == 302
    return user, browser


def _desk(user) -> str:
    return reverse("privacy_desk:person", args=[f"u{user.pk}"])


def _place(staff_client, user, ground="accuracy"):
    return staff_client.post(reverse("privacy_desk:restriction_place", args=[f"u{user.pk}"]),
                             {"ground": ground})


def _campaigns(send_campaign, n: int) -> tuple[Campaign, Campaign]:
    email = send_campaign(Campaign.objects.create(subject=f"Nyheter {n}", body="# Hej"))
    sms = send_campaign(Campaign.objects.create(channel=Campaign.Channel.SMS,
                                                subject=f"SMS {n}", body="Rea i helgen."))
    return email, sms


def test_a_restriction_asked_for_placed_on_the_desk_stops_marketing_until_lifted(
        maja, make_user, staff_client, send_campaign, mailoutbox):
    user, browser = maja
    other = make_user(username="olle", email="olle@example.com")
    consents.record(NEWSLETTER.key, given=True, method=Consent.Method.FORM, email=other.email)
    # The person asks on their rights page, in their own words.
    assert browser.post(reverse("privacy:restrict_or_object"), {
        "kind": "restriction", "message": "Mitt telefonnummer är fel, använd det inte."},
    ).status_code == 200
    asked = PrivacyRequest.objects.get(user=user, kind="restriction")

    # Staff put it in force on the person's desk page.
    page = staff_client.get(_desk(user)).content.decode()
    assert "Begränsning av behandling" in page
    assert "För att skicka erbjudanden via sms till dig" in page
    answer = _place(staff_client, user)
    assert answer.status_code == 302 and answer["Location"] == _desk(user)
    restriction = Restriction.objects.get(user=user)
    asked.refresh_from_db()
    assert restriction.lifted_at is None and restriction.request == asked
    assert asked.status == PrivacyRequest.Status.DONE and asked.closed_at is not None
    assert AuditEvent.objects.filter(action="restriction", subject=user).count() == 1
    told = mailoutbox[-1]
    assert told.to == ["maja@example.com"] and "sparas men används inte" in told.subject
    assert "artikel 18" in told.body or "art. 18" in told.body
    assert "sms" in told.body and "innan begränsningen hävs" in told.body
    assert "du bestrider att dina uppgifter är riktiga" in told.body

    # Their page says so, and what it stops.
    mine = browser.get(reverse("accounts:profile")).content.decode()
    assert 'id="restriction"' in mine and "använder dem inte" in mine
    # Nothing stoppable reaches them: no newsletter, no SMS, no personal suggestions.
    email, sms = _campaigns(send_campaign, 1)
    assert set(CampaignSend.objects.filter(campaign=email).values_list("email", flat=True)) == {
        "olle@example.com"}
    assert not SmsSend.objects.filter(campaign=sms).exists() and not store.messages()
    assert not consents.allows(user, PERSONALISED.key)
    assert not consents.allows(user, NEWSLETTER.key)
    # Their choices are kept as they were, only not used.
    assert all(row.given for row in consents.current(user).values())

    # Lifted: the person is told, and the next campaigns reach them again.
    lifted = staff_client.post(reverse("privacy_desk:restriction_lift",
                                       args=[f"u{user.pk}", restriction.pk]))
    assert lifted.status_code == 302
    restriction.refresh_from_db()
    assert restriction.lifted_at is not None
    assert "hävd" in mailoutbox[-1].subject and mailoutbox[-1].to == ["maja@example.com"]
    assert 'id="restriction"' not in browser.get(reverse("accounts:profile")).content.decode()
    email, sms = _campaigns(send_campaign, 2)
    assert "maja@example.com" in set(
        CampaignSend.objects.filter(campaign=email).values_list("email", flat=True))
    assert SmsSend.objects.filter(campaign=sms, phone="+46701234567").exists()
    assert consents.allows(user, PERSONALISED.key)


def test_a_restriction_under_an_address_stops_its_ledger_rows_in_any_letter_case(
        staff_client, send_campaign):
    consents.record(NEWSLETTER.key, given=True, method=Consent.Method.FORM,
                    email="Gast@Example.com")
    Restriction.objects.create(email="gast@example.com", ground="claim")
    email = send_campaign(Campaign.objects.create(subject="Nyheter", body="# Hej"))
    assert not CampaignSend.objects.filter(campaign=email).exists()


def test_bad_input_on_the_desk_gets_a_clear_4xx_and_changes_nothing(maja, make_user,
                                                                     staff_client):
    user, _ = maja
    for ground in ("", "nope", "accuracy' OR 1=1", "\x00"):
        answer = _place(staff_client, user, ground)
        assert answer.status_code == 400, ground
        assert "Välj ett giltigt alternativ" in answer.content.decode() or ground == ""
    assert not Restriction.objects.exists()
    # Placed twice: one restriction, and staff are told it was in force already.
    assert _place(staff_client, user).status_code == 302
    assert _place(staff_client, user).status_code == 302
    assert Restriction.objects.filter(user=user).count() == 1
    # Another person's restriction cannot be lifted through this person's page.
    olle = make_user(username="olle", email="olle@example.com")
    mine = Restriction.objects.get(user=user)
    url = reverse("privacy_desk:restriction_lift", args=[f"u{olle.pk}", mine.pk])
    assert staff_client.post(url).status_code == 404
    assert staff_client.get(reverse("privacy_desk:restriction_lift",
                                    args=[f"u{user.pk}", mine.pk])).status_code == 405
    mine.refresh_from_db()
    assert mine.lifted_at is None


def test_customers_cannot_place_or_lift_restrictions(maja):
    user, browser = maja
    assert browser.post(reverse("privacy_desk:restriction_place", args=[f"u{user.pk}"]),
                        {"ground": "accuracy"}).status_code == 302  # to the admin login
    assert not Restriction.objects.exists()


def test_the_policy_says_what_a_restriction_stops_from_the_data_map(client):
    page = client.get(reverse("privacy:policy")).content.decode()
    rights = page[page.index('id="rights"'):]
    assert "Medan begränsningen gäller använder vi inte dina uppgifter" in rights
    for purpose in ("erbjudanden via sms", "erbjudanden med brev", "utifrån det du har köpt"):
        assert purpose in rights


def test_a_marketing_use_a_restriction_cannot_stop_fails_the_check():
    decl = dm.registry.get(CampaignSend)
    bad = dataclasses.replace(decl, uses=[
        dm.Use("marketing.communications.email", dm.CONSENT, _("offers"))])
    registry = dm.Registry(declarations={CampaignSend: bad})
    assert not [e for e in check_models([CampaignSend]) if e.id == "tillit.privacy.E010"]
    found = [e for e in check_models([CampaignSend], reg=registry)
             if e.id == "tillit.privacy.E010"]
    assert found and isinstance(found[0], checks.Error)
