"""The newsletter end to end (issue 12 §1–2): a double opt-in sign-up that records the words
shown, the ledger behind every yes and no, the account page's choices, campaigns only to
people the ledger allows, each message with a working one-click unsubscribe (RFC 8058),
and staff recording a no given by phone."""

from __future__ import annotations

import html
import re
from email import message_from_bytes
from email.policy import default as email_policy

import pytest
from django.core import mail
from django.db import DatabaseError, transaction
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tillit.marketing import campaigns
from tillit.marketing.models import Campaign, CampaignSend, PendingSignup
from tillit.marketing.privacy import NEWSLETTER
from tillit.privacy import consents, erasure
from tillit.privacy.datamap import LEGITIMATE_INTEREST, Person
from tillit.privacy.models import Consent

pytestmark = pytest.mark.django_db

SIGNUP = reverse("marketing:signup")


def _link(message, pattern: str) -> str:
    return re.search(pattern, message.body).group(0)


def _sign_up_and_confirm(client: Client, email: str) -> None:
    assert client.post(SIGNUP, {"email": email}).status_code == 200
    assert client.post(_link(mail.outbox[-1], r"/nyhetsbrev/bekrafta/[^/\s]+/")).status_code == 200


@pytest.mark.promise("P20.a")
def test_a_sign_up_is_consent_only_once_confirmed_and_keeps_the_words_shown(client):
    page = html.unescape(client.get(SIGNUP).content.decode())
    assert str(NEWSLETTER.ask) in page
    client.post(SIGNUP, {"email": "Lisa@Example.com"})
    assert not Consent.objects.exists()
    assert PendingSignup.objects.count() == 1
    link = _link(mail.outbox[-1], r"/nyhetsbrev/bekrafta/[^/\s]+/")
    # Opening the link (a mail scanner does) asks; only the button confirms.
    assert "Lisa@Example.com" in client.get(link).content.decode()
    assert not Consent.objects.exists()
    client.post(link)
    row = Consent.objects.get()
    assert (row.topic, row.given, row.basis, row.method) == (
        NEWSLETTER.key, True, "consent", Consent.Method.FORM)
    assert row.text.text == str(NEWSLETTER.ask) and row.text.language == "sv"
    assert row.ip  # the address it came from, hashed by the sweep after 30 days
    assert not PendingSignup.objects.exists()
    assert client.post(link).status_code == 404  # used


def test_the_answer_is_the_same_for_a_subscribed_address(client):
    _sign_up_and_confirm(client, "anna@example.com")
    fresh = Client().post(SIGNUP, {"email": "ny@example.com"})
    taken = Client().post(SIGNUP, {"email": "anna@example.com"})
    strip = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
    assert strip.sub("", fresh.content.decode()) == strip.sub("", taken.content.decode())


def test_sign_ups_are_rate_limited(client):
    for n in range(5):
        assert client.post(SIGNUP, {"email": f"n{n}@example.com"}).status_code == 200
    assert client.post(SIGNUP, {"email": "n6@example.com"}).status_code == 429


@pytest.mark.promise("P20.a")
def test_the_ledger_refuses_changes_and_deletion(client):
    _sign_up_and_confirm(client, "anna@example.com")
    row = Consent.objects.get()
    for change in ({"given": False}, {"topic": "offers.sms"}, {"email": "annan@example.com"}):
        with pytest.raises(DatabaseError), transaction.atomic():
            Consent.objects.filter(pk=row.pk).update(**change)
    with pytest.raises(DatabaseError), transaction.atomic():
        Consent.objects.filter(pk=row.pk).delete()
    assert Consent.objects.get().given


@pytest.mark.promise("P20.a")
def test_account_page_shows_state_and_history_and_withdraws_in_one_click(client, customer):
    client.force_login(customer)
    page = reverse("marketing:choices")
    assert client.post(page, {"topic": NEWSLETTER.key, "given": "1"}).status_code == 302
    assert consents.allows(customer, NEWSLETTER.key)
    profile = html.unescape(client.get(reverse("accounts:profile")).content.decode())
    assert str(NEWSLETTER.label) in profile
    client.post(page, {"topic": NEWSLETTER.key, "given": "0"})
    assert not consents.allows(customer, NEWSLETTER.key)
    history = client.get(page).content.decode()
    assert history.count("<td>kontosidan</td>") == 2  # the yes and the no, in Swedish
    assert client.post(page, {"topic": "nonsense", "given": "1"}).status_code == 400


def _campaign(**fields) -> Campaign:
    return Campaign.objects.create(**{"subject": "Vinterrea", "body": "# Rea\n\n- Kablar -20 %",
                                      **fields})


@pytest.mark.promise("P20.b")
def test_every_campaign_message_unsubscribes_in_one_click(client, settings):
    _sign_up_and_confirm(client, "anna@example.com")
    mail.outbox.clear()
    campaigns.start(_campaign())
    message = mail.outbox[-1]
    parsed = message_from_bytes(message.message().as_bytes(), policy=email_policy)
    link_header, mailto = parsed["List-Unsubscribe"].split(", ")
    assert parsed["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert mailto.startswith("<mailto:")
    url = link_header.strip().strip("<>")
    assert url.startswith(settings.TILLIT_PUBLIC_URL) and url in message.body  # visible too
    body = next(body for body, kind in message.alternatives if kind == "text/html")
    assert url in body and "<h1>Rea</h1>" in body
    # The mail client's one-click POST: no session, no CSRF token, no further step.
    path = url.split("://", 1)[1].partition("/")[2]
    answer = Client(enforce_csrf_checks=True).post(
        f"/{path}", "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded")
    assert answer.status_code == 200
    assert not consents.allows("anna@example.com", NEWSLETTER.key)
    withdrawal = Consent.objects.first()
    assert (withdrawal.given, withdrawal.method) == (False, Consent.Method.LINK)


@pytest.mark.promise("P20.b")
def test_the_unsubscribe_page_confirms_and_can_be_undone(client):
    _sign_up_and_confirm(client, "anna@example.com")
    campaigns.start(_campaign())
    path = _link(mail.outbox[-1], r"/nyhetsbrev/avregistrera/[^/\s]+/")
    page = client.get(path)
    assert page.status_code == 200 and "avregistrerad" in page.content.decode()
    assert not consents.allows("anna@example.com", NEWSLETTER.key)
    client.get(path)  # a second visit records nothing new
    assert Consent.objects.filter(given=False).count() == 1
    client.post(f"{path}angra/")
    assert consents.allows("anna@example.com", NEWSLETTER.key)


# E-mail only to people the ledger allows (SMS and letters: test_sms_and_letters.py).
@pytest.mark.promise("P20.a")
def test_a_campaign_reaches_only_those_the_ledger_allows_and_each_once(client, customer):
    _sign_up_and_confirm(client, "ja@example.com")
    _sign_up_and_confirm(Client(), "nej@example.com")
    consents.record(NEWSLETTER.key, given=False, method=Consent.Method.ACCOUNT,
                    email="NEJ@example.com")
    client.post(SIGNUP, {"email": "obekraftad@example.com"})  # never confirmed
    consents.record(NEWSLETTER.key, given=True, basis=LEGITIMATE_INTEREST,
                    method=Consent.Method.CHECKOUT, user=customer)
    _sign_up_and_confirm(Client(), "raderad@example.com")
    erasure.execute(Person.of("raderad@example.com"))
    mail.outbox.clear()
    campaign = _campaign(audience=Campaign.Audience.BOTH)
    campaigns.start(campaign)
    assert sorted(m.to[0] for m in mail.outbox) == ["anna@example.com", "ja@example.com"]
    customers_mail = next(m for m in mail.outbox if m.to == ["anna@example.com"])
    assert "som kund" in customers_mail.body
    # The batch run again (a worker died after it): nobody gets it twice.
    Campaign.objects.filter(pk=campaign.pk).update(status=Campaign.Status.SENDING,
                                                   sent_up_to=0)
    assert campaigns.send_batch.call(campaign.pk) == 0
    assert len(mail.outbox) == 2 and CampaignSend.objects.count() == 2


def test_subscribers_only_campaign_leaves_out_existing_customers(customer):
    consents.record(NEWSLETTER.key, given=True, basis=LEGITIMATE_INTEREST,
                    method=Consent.Method.CHECKOUT, user=customer)
    campaigns.start(_campaign())
    assert mail.outbox == []


def test_campaign_markdown_cannot_carry_html_or_scripts():
    _, body = campaigns.render_body('<script>alert(1)</script>\n\n[x](javascript:alert(1))')
    assert "<script>" not in body and 'href="javascript' not in body


@pytest.mark.promise("P20.c")
def test_staff_record_a_no_received_by_phone_with_a_note(staff_client, customer):
    from tillit.desk.pages import ref_for_user

    consents.record(NEWSLETTER.key, given=True, method=Consent.Method.ACCOUNT, user=customer)
    url = reverse("privacy_desk:person_consent", args=[ref_for_user(customer)])
    refused = staff_client.post(url, {"topic": NEWSLETTER.key, "given": "0", "note": ""})
    assert refused.status_code == 400 and consents.allows(customer, NEWSLETTER.key)
    answer = staff_client.post(url, {"topic": NEWSLETTER.key, "given": "0",
                                     "note": "Ringde 7/12, vill inte ha nyhetsbrev"})
    assert answer.status_code == 302
    row = Consent.objects.first()
    assert not row.given and row.method == Consent.Method.STAFF
    assert row.recorded_by == staff_client.staff and "Ringde" in row.note
    page = staff_client.get(reverse("privacy_desk:person", args=[ref_for_user(customer)]))
    assert "Ringde 7/12" in page.content.decode()


def test_admin_campaign_pages_preview_test_and_send(staff_client, client):
    _sign_up_and_confirm(client, "ja@example.com")
    campaign = _campaign()
    changelist = reverse("admin:marketing_campaign_changelist")
    for action in ("preview", "send_test", "send"):
        answer = staff_client.post(changelist, {"action": action,
                                                "_selected_action": [campaign.pk]})
        assert answer.status_code in (200, 302), action
    assert {m.to[0] for m in mail.outbox} >= {"personal@teknikboden.example", "ja@example.com"}
    assert Campaign.objects.get().status == Campaign.Status.SENT
    assert staff_client.get(reverse("admin:marketing_campaign_add")).status_code == 200


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(email=st.text(max_size=300), token=st.text(max_size=300))
def test_hostile_input_to_the_newsletter_pages_is_a_4xx(client, email, token):
    from django.core.cache import cache

    cache.clear()  # the rate limit is tested above
    answer = client.post(SIGNUP, {"email": email})
    assert answer.status_code in (200, 400)
    safe = re.sub(r"[/\x00-\x20\x7f?#%]", "", token) or "x"
    for name in ("marketing:confirm", "marketing:unsubscribe", "marketing:undo"):
        url = reverse(name, args=[safe])
        assert client.post(url).status_code == 404
    assert client.get(reverse("marketing:confirm", args=[safe])).status_code == 404


@pytest.mark.promise("P23.a")
def test_the_sweep_keeps_a_consent_in_force_and_removes_what_no_longer_proves_one(client):
    import datetime as dt

    from django.utils import timezone

    from tillit.privacy import retention
    from tillit.privacy.hashing import is_hashed

    long_ago = timezone.now() - dt.timedelta(days=365 * 4)
    kept = consents.record(NEWSLETTER.key, given=True, method=Consent.Method.FORM,
                           email="trogen@example.com", ip="198.51.100.7",
                           occurred_at=long_ago)
    replaced = consents.record("offers.sms", given=True, method=Consent.Method.ACCOUNT,
                               email="bytt@example.com", occurred_at=long_ago)
    consents.record("offers.sms", given=False, method=Consent.Method.ACCOUNT,
                    email="bytt@example.com")
    old_no = consents.record("offers.letter", given=False, method=Consent.Method.ACCOUNT,
                             email="nej@example.com", occurred_at=long_ago)
    client.post(SIGNUP, {"email": "glomsk@example.com"})
    PendingSignup.objects.update(created_at=timezone.now() - dt.timedelta(days=8))

    retention.run()

    assert not PendingSignup.objects.exists()
    assert set(Consent.objects.values_list("pk", flat=True)) & {kept.pk, replaced.pk,
                                                                 old_no.pk} == {kept.pk}
    assert is_hashed(Consent.objects.get(pk=kept.pk).ip)
    assert consents.allows("trogen@example.com", NEWSLETTER.key)


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(topic=st.text(max_size=60), choice=st.text(max_size=5), note=st.text(max_size=700))
def test_hostile_staff_consent_entries_are_a_4xx_or_recorded_whole(staff_client, customer,
                                                                 topic, choice, note):
    from tillit.desk.pages import ref_for_user

    before = Consent.objects.count()
    url = reverse("privacy_desk:person_consent", args=[ref_for_user(customer)])
    answer = staff_client.post(url, {"topic": topic, "given": choice, "note": note})
    assert answer.status_code in (302, 400)
    if answer.status_code == 302:
        row = Consent.objects.first()
        assert Consent.objects.count() == before + 1 and row.note == note.strip()
    else:
        assert Consent.objects.count() == before


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(topic=st.text(max_size=60), choice=st.text(max_size=5))
def test_hostile_account_choices_are_a_4xx(client, customer, topic, choice):
    client.force_login(customer)
    answer = client.post(reverse("marketing:choices"), {"topic": topic, "given": choice})
    assert answer.status_code in (302, 400)
