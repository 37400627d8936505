"""A campaign in many batches (issue 12 §2, §7): every batch writes each person once,
each message carries only its own recipient's link, the immediate backend (the demo) runs
any number of batches without going deeper per batch, a mail server failing mid-batch
neither loses nor repeats a message, and the production worker carries a campaign through
its chain of batch tasks."""

from __future__ import annotations

import datetime as dt
import re
from email import message_from_bytes
from email.policy import default as email_policy
from io import StringIO

import pytest
from django.core import mail as django_mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.core.management import call_command
from django.utils import timezone
from django.utils.module_loading import import_string

from tillit.core import mail
from tillit.core.models import OutgoingMail
from tillit.marketing import campaigns
from tillit.marketing.models import Campaign, CampaignSend
from tillit.marketing.privacy import NEWSLETTER
from tillit.marketing.services import allowing_row
from tillit.privacy import consents
from tillit.privacy.datamap import LEGITIMATE_INTEREST
from tillit.privacy.models import Consent

pytestmark = pytest.mark.django_db

LINK = re.compile(r"/nyhetsbrev/avregistrera/([^/\s\"]+)/")


def _subscribers(n: int, *, occurred_at=None) -> list[str]:
    emails = [f"prenumerant{i}@example.com" for i in range(n)]
    for email in emails:
        consents.record(NEWSLETTER.key, given=True, method=Consent.Method.FORM, email=email,
                        occurred_at=occurred_at)
    return emails


def _campaign(**fields) -> Campaign:
    return Campaign.objects.create(**{"subject": "Vinterrea", "body": "Kablar -20 %",
                                      **fields})


def _token(message) -> str:
    return LINK.search(message.body).group(1)


@pytest.mark.promise("P20.a")
def test_two_hundred_batches_run_in_the_demo_without_going_deeper(send_campaign, monkeypatch):
    """The old chain re-enqueued itself, and the immediate backend ran it nested: a
    campaign of a few dozen batches stopped at Python's recursion limit."""
    monkeypatch.setattr(campaigns, "BATCH", 1)
    emails = _subscribers(200)
    campaign = _campaign()
    send_campaign(campaign)
    assert sorted(m.to[0] for m in django_mail.outbox) == sorted(emails)
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.SENT
    assert CampaignSend.objects.filter(campaign=campaign).count() == 200
    assert not OutgoingMail.objects.exists()  # each handed over and gone


@pytest.mark.promise("P20.b")
def test_each_message_of_a_batch_has_its_own_link_and_basis(send_campaign, monkeypatch,
                                                            customer):
    monkeypatch.setattr(campaigns, "BATCH", 4)
    _subscribers(5)
    consents.record(NEWSLETTER.key, given=True, basis=LEGITIMATE_INTEREST,
                    method=Consent.Method.CHECKOUT, user=customer)
    send_campaign(_campaign(audience=Campaign.Audience.BOTH))
    assert len(django_mail.outbox) == 6
    for message in django_mail.outbox:
        parsed = message_from_bytes(message.message().as_bytes(), policy=email_policy)
        token = _token(message)
        row = allowing_row(token)
        assert row.email == message.to[0]  # the link names this recipient's own row
        assert token in parsed["List-Unsubscribe"]
        html = next(body for body, kind in message.alternatives if kind == "text/html")
        assert token in html and not re.search(r"mm[0-9a-f]{16}\d+mm", html + message.body)
        assert ("som kund" in message.body) == (row.basis == LEGITIMATE_INTEREST)
    assert len({_token(m) for m in django_mail.outbox}) == 6


class FailsOnThird(LocmemBackend):
    calls = 0

    def send_messages(self, messages):
        FailsOnThird.calls += 1
        if FailsOnThird.calls == 3:
            raise OSError("connection reset by the mail server")
        return super().send_messages(messages)


def _failing_campaign(send_campaign, settings, monkeypatch) -> tuple[Campaign, list[str]]:
    """Six subscribers in batches of three; the mail server fails on the third message."""
    monkeypatch.setattr(campaigns, "BATCH", 3)
    emails = _subscribers(6)
    settings.EMAIL_BACKEND = "tests.marketing.test_campaign_batches.FailsOnThird"
    # The class the mail code imports by that path (pytest may import this module under
    # another name).
    import_string(settings.EMAIL_BACKEND).calls = 0
    campaign = _campaign()
    send_campaign(campaign)  # the task fails; the immediate backend records it
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    return campaign, emails


@pytest.mark.promise("P20.a")
def test_a_mail_server_failing_mid_batch_loses_nothing_and_repeats_nothing(
        send_campaign, settings, monkeypatch, clock):
    campaign, emails = _failing_campaign(send_campaign, settings, monkeypatch)
    assert len(django_mail.outbox) == 2
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.SENDING
    sends = CampaignSend.objects.filter(campaign=campaign)
    assert sends.count() == 3 and sends.filter(handed_at=None).count() == 1
    unsent = sends.get(handed_at=None)
    # Soon after, nothing is taken from a worker that may still be at it.
    assert campaigns.resume_stalled() == 0
    clock(timezone.now() + mail.lease() * 2)
    out = StringIO()
    call_command("mail", "retry", stdout=out)  # the five-minute cron job
    assert "Set going again 1 e-mail campaign(s)" in out.getvalue()
    assert sorted(m.to[0] for m in django_mail.outbox) == sorted(emails)
    resent = next(m for m in django_mail.outbox if m.to == [unsent.email])
    assert resent.extra_headers["Message-ID"].startswith(
        f"<campaign-{campaign.pk}-{unsent.pk}@")
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.SENT
    assert not sends.filter(handed_at=None).exists() and sends.count() == 6
    assert campaigns.resume_stalled() == 0


def test_a_person_who_said_no_while_a_campaign_stalled_is_not_written_to(
        send_campaign, settings, monkeypatch, clock):
    campaign, emails = _failing_campaign(send_campaign, settings, monkeypatch)
    unsent = CampaignSend.objects.get(campaign=campaign, handed_at=None)
    consents.record(NEWSLETTER.key, given=False, method=Consent.Method.ACCOUNT,
                    email=unsent.email)
    clock(timezone.now() + mail.lease() * 2)
    assert campaigns.resume_stalled() == 1
    assert unsent.email not in [m.to[0] for m in django_mail.outbox]
    assert len(django_mail.outbox) == 5
    assert not CampaignSend.objects.filter(pk=unsent.pk).exists()  # never sent, no record


@pytest.mark.promise("P20.a")
def test_the_production_worker_carries_a_campaign_through_its_batches(send_campaign,
                                                                      monkeypatch,
                                                                      run_worker):
    monkeypatch.setattr(campaigns, "BATCH", 3)
    # Signed up four years ago: the worker's test runs outside a transaction, and the
    # database lets the test's clean-up delete only ledger rows past the ledger's period.
    emails = _subscribers(8, occurred_at=timezone.now() - dt.timedelta(days=4 * 365))
    campaign = _campaign()
    send_campaign(campaign)
    assert django_mail.outbox == []  # queued for the worker, not sent in the request
    run_worker()
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.SENT
    assert sorted(m.to[0] for m in django_mail.outbox) == sorted(emails)
    from django_tasks_db.models import DBTaskResult

    batches = DBTaskResult.objects.filter(task_path="tillit.marketing.campaigns.send_batch")
    assert batches.count() == 3 and set(batches.values_list("status", flat=True)) == {
        "SUCCESSFUL"}


def test_a_batch_whose_worker_died_is_taken_back_and_sent_again(send_campaign,
                                                                database_backend, settings):
    from django_tasks_db.models import DBTaskResult

    emails = _subscribers(3)
    campaign = _campaign()
    send_campaign(campaign)
    # A worker took the batch and was killed: the task stays RUNNING for ever.
    long_ago = timezone.now() - mail.lease() * 2
    DBTaskResult.objects.update(status="RUNNING", started_at=long_ago)
    Campaign.objects.filter(pk=campaign.pk).update(sent_at=long_ago)
    assert campaigns.resume_stalled() == 1
    died = DBTaskResult.objects.order_by("enqueued_at").first()
    assert died.status == "FAILED" and "WorkerLost" in died.exception_class_path
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    campaigns.send_batch.call(campaign.pk)
    assert sorted(m.to[0] for m in django_mail.outbox) == sorted(emails)


class RefusesOne(LocmemBackend):
    def send_messages(self, messages):
        import smtplib

        if messages[0].to == ["prenumerant1@example.com"]:
            raise smtplib.SMTPRecipientsRefused({"prenumerant1@example.com": (550, b"no")})
        return super().send_messages(messages)


def test_an_address_the_server_refuses_is_marked_and_the_others_go(send_campaign, settings):
    emails = _subscribers(3)
    settings.EMAIL_BACKEND = "tests.marketing.test_campaign_batches.RefusesOne"
    campaign = _campaign()
    send_campaign(campaign)
    assert sorted(m.to[0] for m in django_mail.outbox) == sorted(
        e for e in emails if e != "prenumerant1@example.com")
    refused = CampaignSend.objects.get(refused=True)
    assert refused.email == "prenumerant1@example.com" and refused.handed_at is not None
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.SENT


def test_each_recipient_is_told_why_they_get_the_message(send_campaign, customer):
    consents.record(NEWSLETTER.key, given=True, method=Consent.Method.FORM,
                    email="anmald@example.com")
    consents.record(NEWSLETTER.key, given=True, method=Consent.Method.IMPORT,
                    email="importerad@example.com", proof="Ljudgrossisten AB: R-1",
                    words="Ja", recorded_by=customer)
    consents.record(NEWSLETTER.key, given=True, basis=LEGITIMATE_INTEREST,
                    method=Consent.Method.CHECKOUT, user=customer)
    send_campaign(_campaign(audience=Campaign.Audience.BOTH))
    by = {m.to[0]: m.body for m in django_mail.outbox}
    assert "anmält dig till nyhetsbrevet" in by["anmald@example.com"]
    assert "hos Ljudgrossisten AB" in by["importerad@example.com"]
    assert "anmält dig" not in by["importerad@example.com"]
    assert "som kund" in by[customer.email]
