"""Offers by SMS and by letter (issue 12 §3, P20.d): only to people whose newest row for
that channel says yes; every SMS ends with how to stop, and a STOPP answered from the
phone (passed on by the gateway) withdraws at once; the gateway's delivery reports are
kept; a letter's recipients are exported for the print house, each a disclosure, the
file deleted by the sweep when its time is up. The gateway is the project's emulator,
reached over the same client as production's 46elks."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from tillit.accounts import services as account_services
from tillit.marketing import campaigns, sms
from tillit.marketing.models import Campaign, SmsSend
from tillit.marketing.privacy import LETTER, LETTER_FILE_DAYS, SMS
from tillit.privacy import consents
from tillit.privacy.models import Consent, Disclosure
from tillit.sms import client as sms_client
from tillit.sms.emulator import store

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_gateway")]

SECRET = settings.TILLIT_SMS["callback_secret"]
INCOMING = reverse("marketing:sms_incoming", args=[SECRET])
DELIVERY = reverse("marketing:sms_delivery", args=[SECRET])
CHOICES = reverse("marketing:choices")


def _says_yes_by_account_page(make_user, phone: str):
    user = make_user(phone=phone)
    browser = Client()
    browser.force_login(user)
    assert browser.post(CHOICES, {"topic": SMS.key, "given": "1"}).status_code == 302
    return user, browser


def _sms_campaign(staff_client, body: str = "Kablar -20 % i helgen.") -> Campaign:
    campaign = Campaign.objects.create(channel=Campaign.Channel.SMS, subject="SMS-rea",
                                       body=body)
    response = staff_client.post(reverse("admin:marketing_campaign_changelist"), {
        "action": "send", "_selected_action": [campaign.pk]})
    assert response.status_code == 302
    return campaign


def _sent_to() -> dict[str, str]:
    return {m["to"]: m["message"] for m in store.messages() if m["direction"] == "outgoing"}


@pytest.mark.promise("P20.d")
def test_an_sms_offer_reaches_only_those_who_said_yes_and_tells_how_to_stop(
        make_user, staff_client):
    yes, _ = _says_yes_by_account_page(make_user, "070-123 45 67")
    later_no, browser = _says_yes_by_account_page(make_user, "0709876543")
    assert browser.post(CHOICES, {"topic": SMS.key, "given": "0"}).status_code == 302
    make_user(phone="070-555 44 33")  # a number on the account, but never a yes
    consents.record("newsletter.email", given=True, method=Consent.Method.FORM,
                    email="bara-epost@example.com")
    campaign = _sms_campaign(staff_client)
    sent = _sent_to()
    assert list(sent) == ["+46701234567"]
    assert sent["+46701234567"] == (
        "Kablar -20 % i helgen.\n\nSvara STOPP för att inte få fler erbjudanden via sms "
        "från Teknikboden.")
    row = SmsSend.objects.get(campaign=campaign)
    assert row.phone == "+46701234567" and row.gateway_id.startswith("s")
    assert row.handed_at is not None and row.consent.user == yes
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.SENT
    # Sent again (a worker died after the batch): nobody gets it twice.
    Campaign.objects.filter(pk=campaign.pk).update(status=Campaign.Status.SENDING,
                                                   sent_up_to=0)
    assert sms.send_batch.call(campaign.pk) == 0
    assert len(_sent_to()) == 1 and later_no.pk


@pytest.mark.promise("P20.d")
def test_stopp_answered_from_the_phone_withdraws_the_sms_consent(make_user, staff_client,
                                                                 client):
    user, _ = _says_yes_by_account_page(make_user, "070-123 45 67")
    _sms_campaign(staff_client)
    # The person answers in the demo's SMS inbox; the gateway passes it on to the shop.
    inbox = client.get(reverse("sms_emulator:inbox"))
    assert inbox.status_code == 200 and "+46701234567" in inbox.content.decode()
    answer = client.post(reverse("sms_emulator:reply"),
                         {"number": "+46701234567", "message": "stopp!"})
    assert answer.status_code == 302 and answer["Location"].endswith("?svar=200")
    assert not consents.allows(user, SMS.key)
    withdrawal = Consent.objects.filter(topic=SMS.key).first()
    assert (withdrawal.given, withdrawal.method, withdrawal.phone, withdrawal.user) == (
        False, Consent.Method.SMS, "+46701234567", user)
    assert withdrawal.text.text == "STOPP"  # the stop word, not the person's own text
    assert not consents.holders(SMS.key, by="phone").exists()
    # The next offer goes to nobody.
    store.clear()
    _sms_campaign(staff_client)
    assert _sent_to() == {}


def test_an_answer_that_is_not_stopp_changes_nothing(make_user, client):
    user, _ = _says_yes_by_account_page(make_user, "070-123 45 67")
    for words in ("Tack!", "Vill inte stoppa", "STOPPA INTE"):
        assert client.post(INCOMING, {"from": "+46701234567", "message": words}).status_code == 200
    assert consents.allows(user, SMS.key)


def test_stopp_from_a_number_without_a_yes_is_kept_as_a_no(client):
    assert client.post(INCOMING, {"from": "+46705550000", "message": "STOP"}).status_code == 200
    row = Consent.objects.get()
    assert (row.phone, row.given, row.user) == ("+46705550000", False, None)


@pytest.mark.promise("P20.d")
def test_a_yes_to_sms_needs_a_mobile_number_and_a_yes_to_letters_an_address(make_user):
    user = make_user(phone="")
    browser = Client()
    browser.force_login(user)
    answer = browser.post(CHOICES, {"topic": SMS.key, "given": "1"})
    assert answer.status_code == 400
    assert "Lägg först till ett mobilnummer" in answer.content.decode()
    answer = browser.post(CHOICES, {"topic": LETTER.key, "given": "1"})
    assert answer.status_code == 400
    assert "Lägg först till en adress i din adressbok" in answer.content.decode()
    assert not Consent.objects.exists()
    # A no is always taken.
    assert browser.post(CHOICES, {"topic": SMS.key, "given": "0"}).status_code == 302


def test_delivery_reports_are_kept_and_callbacks_need_the_secret(make_user, staff_client,
                                                                 client):
    _says_yes_by_account_page(make_user, "070-123 45 67")
    campaign = _sms_campaign(staff_client)
    row = SmsSend.objects.get(campaign=campaign)
    assert row.status == "created"
    assert client.post(DELIVERY, {"id": row.gateway_id, "status": "delivered",
                                  "delivered": timezone.now().isoformat()}).status_code == 200
    row.refresh_from_db()
    assert row.status == "delivered"
    wrong = reverse("marketing:sms_delivery", args=["fel-hemlighet"])
    assert client.post(wrong, {"id": row.gateway_id, "status": "failed"}).status_code == 404
    assert client.post(reverse("marketing:sms_incoming", args=["fel"]),
                       {"from": "+46701234567", "message": "STOPP"}).status_code == 404
    assert client.get(DELIVERY).status_code == 405
    assert client.post(DELIVERY, {"id": row.gateway_id, "status": "nonsense"}).status_code == 400
    row.refresh_from_db()
    assert row.status == "delivered"


def test_with_no_callback_secret_every_callback_is_refused(settings, client):
    settings.TILLIT_SMS = {**settings.TILLIT_SMS, "callback_secret": ""}
    assert client.post(reverse("marketing:sms_incoming", args=["x"]),
                       {"from": "+46701234567", "message": "STOPP"}).status_code == 404


@hypothesis_settings(max_examples=40, deadline=None,
                     suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.dictionaries(st.sampled_from(["from", "to", "message", "id", "status"]),
                            st.text(max_size=300)))
def test_hostile_callbacks_get_a_clear_4xx_or_200_never_a_5xx(client, data):
    for url in (INCOMING, DELIVERY):
        answer = client.post(url, {k: v.replace("\x00", "") for k, v in data.items()})
        assert answer.status_code in (200, 400), (url, data, answer.status_code)


@pytest.mark.promise("P20.d")
def test_an_unreachable_gateway_stops_the_batch_and_the_retry_sends_the_rest_once(
        make_user, staff_client, monkeypatch, clock):
    for n in range(3):
        _says_yes_by_account_page(make_user, f"070-123 45 6{n}")
    real_send = sms_client.SmsClient.send
    calls = []

    def flaky(self, to, message, **kwargs):
        calls.append(to)
        if len(calls) == 2:
            raise sms_client.SmsUnavailable("timeout")
        return real_send(self, to, message, **kwargs)

    monkeypatch.setattr(sms_client.SmsClient, "send", flaky)
    campaign = _sms_campaign(staff_client)
    assert len(_sent_to()) == 1
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.SENDING
    clock(timezone.now() + dt.timedelta(hours=1))
    assert sms.resume_stalled() == 1
    assert sorted(_sent_to()) == ["+46701234560", "+46701234561", "+46701234562"]
    assert len(store.messages()) == 3  # each once
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.SENT


def test_a_number_the_gateway_refuses_is_marked_and_the_rest_go(make_user, staff_client,
                                                                monkeypatch):
    for n in range(2):
        _says_yes_by_account_page(make_user, f"070-123 45 6{n}")
    real_send = sms_client.SmsClient.send

    def refuses_first(self, to, message, **kwargs):
        if to.endswith("0"):
            raise sms_client.SmsError("refused", status=403)
        return real_send(self, to, message, **kwargs)

    monkeypatch.setattr(sms_client.SmsClient, "send", refuses_first)
    campaign = _sms_campaign(staff_client)
    assert list(_sent_to()) == ["+46701234561"]
    assert SmsSend.objects.get(phone="+46701234560").status == "refused"
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.SENT


def test_the_gateway_emulator_asks_for_its_credentials_and_a_valid_number(client):
    send = reverse("sms_emulator:send")
    assert client.post(send, {"from": "Teknikboden", "to": "+46701234567",
                              "message": "Hej"}).status_code == 401
    with sms_client.SmsClient() as gateway:
        with pytest.raises(sms_client.SmsError) as refused:
            gateway.send("+4612", "Hej")
        assert refused.value.status == 400
        assert gateway.send("+46701234567", "Hej").status == "created"


def test_an_sms_text_longer_than_three_parts_is_refused_in_the_admin(staff_client):
    response = staff_client.post(reverse("admin:marketing_campaign_add"), {
        "channel": "sms", "subject": "Lång", "body": "x" * (sms.MAX_TEXT + 1),
        "audience": "consent"})
    assert response.status_code == 200 and "högst" in response.content.decode()
    response = staff_client.post(reverse("admin:marketing_campaign_add"), {
        "channel": "letter", "subject": "Brev", "body": "Hej", "audience": "both"})
    assert response.status_code == 200 and not Campaign.objects.exists()


def _letter_yes(make_user, *, address: bool):
    user = make_user()
    if address:
        account_services.create_address(
            # The entry names someone else (a gift's recipient): the letter goes in the
            # account holder's own name.
            user, make_default=True, name="Gåvo Mottagare", company="", street="Storgatan 1",
            postal_code="565 31", city="Mullsjö", country="SE", phone="")
    consents.record(LETTER.key, given=True, method=Consent.Method.ACCOUNT, user=user)
    return user


@pytest.mark.promise("P20.d")
def test_a_letters_recipients_go_to_the_print_house_as_a_disclosed_file(make_user,
                                                                        staff_client):
    yes = _letter_yes(make_user, address=True)
    no_address = _letter_yes(make_user, address=False)
    said_no = _letter_yes(make_user, address=True)
    consents.record(LETTER.key, given=False, method=Consent.Method.ACCOUNT, user=said_no)
    campaign = Campaign.objects.create(channel=Campaign.Channel.LETTER, subject="Julbrev",
                                       body="God jul!")
    response = staff_client.post(reverse("admin:marketing_campaign_changelist"), {
        "action": "export_letter", "_selected_action": [campaign.pk]})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["X-Tillit-Without-Address"] == "1"
    rows = list(csv.DictReader(io.StringIO(response.content.decode()), delimiter=";"))
    assert rows == [{"name": yes.name, "company": "", "street": "Storgatan 1",
                     "postal_code": "565 31", "city": "Mullsjö", "country": "SE"}]
    disclosure = Disclosure.objects.get()
    assert (disclosure.user, disclosure.recipient_kind, disclosure.legal_basis) == (
        yes, "print_house", "consent")
    assert "user.contact.address.street" in disclosure.categories
    assert "user.workplace" not in disclosure.categories  # no company was sent
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.SENT
    kept = settings.TILLIT_LETTER_FILES_DIR / response["Content-Disposition"].split('"')[1]
    assert kept.read_bytes() == response.content
    assert no_address.pk and said_no.pk
    assert "Gåvo Mottagare" not in response.content.decode()
    # Exported once: the campaign is no longer a draft.
    again = staff_client.post(reverse("admin:marketing_campaign_changelist"), {
        "action": "export_letter", "_selected_action": [campaign.pk]}, follow=True)
    assert "utkast" in again.content.decode() and Disclosure.objects.count() == 1
    # The nightly sweep (`tillit retention run`) deletes the file when its days are up.
    call_command("retention", "run", stdout=StringIO())
    assert kept.exists()
    old = (timezone.now() - dt.timedelta(days=LETTER_FILE_DAYS + 1)).timestamp()
    os.utime(kept, (old, old))
    out = StringIO()
    call_command("retention", "run", stdout=out)
    assert not kept.exists() and re.search(r"letter files\s+acted on\s+1", out.getvalue())


@hypothesis_settings(max_examples=30, deadline=None,
                     suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(number=st.text(max_size=40), message=st.text(max_size=2000),
       to=st.text(max_size=30))
def test_hostile_input_to_the_gateway_emulator_gets_a_4xx_never_a_5xx(client, number,
                                                                       message, to):
    clean = {"number": number.replace("\x00", ""), "message": message.replace("\x00", "")}
    answer = client.post(reverse("sms_emulator:reply"), clean)
    assert answer.status_code in (302, 400)
    with sms_client.SmsClient() as gateway:
        try:
            gateway.send(to.replace("\x00", "") or "x", clean["message"] or "x")
        except sms_client.SmsError as refused:
            assert refused.status in (400, None)


def test_a_delivery_report_with_a_nul_in_its_id_is_a_400(client):
    assert client.post(DELIVERY, {"id": "a\x00b", "status": "delivered"}).status_code == 400


def test_non_ascii_credentials_to_the_gateway_emulator_are_a_401(client):
    import base64

    auth = "Basic " + base64.b64encode("dëmo:ü".encode()).decode()
    answer = client.post(reverse("sms_emulator:send"), {"from": "Teknikboden",
                         "to": "+46701234567", "message": "Hej"}, HTTP_AUTHORIZATION=auth)
    assert answer.status_code == 401


@pytest.mark.promise("P20.d")
def test_sms_offers_need_a_sender_number_people_can_answer_stopp_to(settings, staff_client):
    settings.TILLIT_SMS = {**settings.TILLIT_SMS, "sender": "Teknikboden"}
    response = staff_client.post(reverse("admin:marketing_campaign_add"), {
        "channel": "sms", "subject": "Rea", "body": "Rea!", "audience": "consent"})
    assert response.status_code == 200 and "SMS_SENDER" in response.content.decode()
    campaign = Campaign.objects.create(channel=Campaign.Channel.SMS, subject="S", body="R")
    assert not campaigns.start(campaign)


@pytest.mark.parametrize("failure, status", [
    (sms_client.SmsOutcomeUnknown("read timeout"), "unknown"),
    (sms_client.SmsUnavailable("402", status=402), None),
])
def test_an_sms_that_may_have_gone_is_never_sent_again(make_user, staff_client, monkeypatch,
                                                       failure, status):
    _says_yes_by_account_page(make_user, "070-123 45 60")

    def fails(self, to, message, **kwargs):
        raise failure

    monkeypatch.setattr(sms_client.SmsClient, "send", fails)
    campaign = _sms_campaign(staff_client)
    row = SmsSend.objects.get(campaign=campaign)
    campaign.refresh_from_db()
    if status:  # the answer was lost: marked, not tried again, the campaign goes on
        assert (row.status, campaign.status) == ("unknown", Campaign.Status.SENT)
        assert row.handed_at is not None
    else:  # the account was refused: the campaign waits for the retry, nothing marked
        assert (row.handed_at, campaign.status) == (None, Campaign.Status.SENDING)
