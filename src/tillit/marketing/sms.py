"""Offers by SMS (P20.d): only to people whose newest SMS row in the consent ledger says
yes, every message ending with how to stop, and a reply STOPP that withdraws at once.

Sending mirrors the e-mail campaign (``campaigns``): batch tasks of :data:`BATCH`, each
writing its :class:`SmsSend` rows (unique per campaign and number) and the campaign's
progress in one transaction, then handing each message to the gateway
(``sms.client``) and marking its row with the gateway's id. A message the gateway refused
(a number it does not serve) is marked refused and never tried again; when the gateway
cannot be reached the batch stops, and the next run (``tillit mail retry`` sets a stalled
campaign going) sends what was left, so that a message the gateway did take is never sent
twice.

The gateway POSTs two things back, to URLs carrying ``TILLIT_SMS["callback_secret"]``:
delivery reports (:func:`delivery_report`) and the answers people send (:func:`incoming`).
"""

from __future__ import annotations

import logging
import re

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.template.defaultfilters import linebreaksbr
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from tillit.core import mail
from tillit.core.links import absolute
from tillit.core.phone import same_mobile
from tillit.privacy import consents
from tillit.privacy.datamap import CONSENT
from tillit.privacy.models import Consent
from tillit.sms.client import SmsClient, SmsError, SmsOutcomeUnknown, SmsUnavailable

from .campaigns import CampaignStalled, run_batches, stalled
from .models import Campaign, SmsSend
from .privacy import SMS

BATCH = 200
STOP_WORDS = ("STOPP", "STOP")
# Longest campaign text: three SMS parts with the stop line after it.
MAX_TEXT = 300
REPORTED = ("sent", "delivered", "failed")
log = logging.getLogger("tillit.sms")


def can_be_answered() -> bool:
    """Whether the sender is a number people can answer STOPP to (a name cannot be)."""
    return bool(re.fullmatch(r"\+[1-9][0-9]{6,14}", settings.TILLIT_SMS.get("sender", "")))


def stop_line() -> str:
    return _("Reply STOPP to get no more offers by SMS from %(shop)s.") % {
        "shop": settings.TILLIT_CONTROLLER["shop_name"]}


def message_for(campaign: Campaign) -> str:
    """The SMS every recipient gets: the campaign's text and how to stop."""
    with translation.override(settings.LANGUAGE_CODE):
        return f"{campaign.body.strip()}\n\n{stop_line()}"


class NoMobileNumber(ValueError):
    """The member of staff has no mobile number for a test SMS."""


def preview(campaign: Campaign) -> tuple[str, str]:
    """(text, HTML) of the SMS as every recipient gets it, for the admin's preview."""
    text = message_for(campaign)
    return text, linebreaksbr(text)


def send_test(chosen: list[Campaign], staff) -> str:
    """Each SMS campaign as its recipients get it, marked [TEST], to the member of staff's
    own mobile number; returns the number."""
    phone = same_mobile(getattr(staff, "phone", ""))
    if not phone:
        raise NoMobileNumber
    with SmsClient() as client:
        for campaign in chosen:
            client.send(phone, f"[TEST] {message_for(campaign)}")
    return phone


def audience():
    """The ledger rows that allow an SMS now: consent only, by mobile number."""
    return consents.holders(SMS.key, basis=CONSENT, by="phone").order_by("pk")


@task()
def send_batch(campaign_id: int) -> int:
    """Send the next :data:`BATCH` SMS of the campaign; as ``campaigns.send_batch``, one
    task per batch with a background worker, a loop with the immediate backend."""
    return run_batches(send_batch, _one_batch, campaign_id)


def _one_batch(campaign_id: int) -> tuple[int, bool]:
    campaign = Campaign.objects.filter(pk=campaign_id, status=Campaign.Status.SENDING,
                                       channel=Campaign.Channel.SMS).first()
    if campaign is None:
        return 0, False
    written = _hand_over(campaign, _left_over(campaign))
    already = SmsSend.objects.filter(campaign=campaign, phone=OuterRef("phone"))
    rows = list(audience().filter(pk__gt=campaign.sent_up_to)
                .annotate(sent=Exists(already)).only("pk", "phone")[:BATCH])
    with transaction.atomic():
        done: set[str] = set()
        fresh = []
        for row in rows:
            if not row.sent and row.phone not in done:
                done.add(row.phone)
                fresh.append(row)
        sends = SmsSend.objects.bulk_create(
            SmsSend(campaign=campaign, phone=row.phone, consent_id=row.pk) for row in fresh)
        Campaign.objects.filter(pk=campaign.pk).update(
            sent_up_to=rows[-1].pk if rows else campaign.sent_up_to,
            progressed_at=timezone.now())
    written += _hand_over(campaign, sends)
    more = len(rows) == BATCH
    if not more:
        Campaign.objects.filter(pk=campaign.pk).update(status=Campaign.Status.SENT)
    return written, more


def _left_over(campaign: Campaign) -> list[SmsSend]:
    """Rows a stopped batch left unsent (older than the lease), for people who still say
    yes; the rows of people who said no since go unsent and are deleted."""
    stale = timezone.now() - mail.lease()
    sends = list(SmsSend.objects.filter(campaign=campaign, handed_at__isnull=True,
                                        queued_at__lt=stale).order_by("pk"))
    allowed = set(audience().filter(pk__in=[s.consent_id for s in sends if s.consent_id])
                  .values_list("pk", flat=True))
    SmsSend.objects.filter(pk__in=[s.pk for s in sends if s.consent_id not in allowed]).delete()
    return [s for s in sends if s.consent_id in allowed]


def _hand_over(campaign: Campaign, sends: list[SmsSend]) -> int:
    if not sends:
        return 0
    text = message_for(campaign)
    report_to = absolute(reverse("marketing:sms_delivery",
                                 args=[settings.TILLIT_SMS["callback_secret"]]))
    handed = 0
    with SmsClient() as client:
        for send in sends:
            try:
                sent = client.send(send.phone, text, delivery_url=report_to)
            except SmsUnavailable as exc:
                raise CampaignStalled(f"campaign {campaign.pk}: {exc}") from None
            except SmsOutcomeUnknown:
                # It may have gone: never sent again, and marked so that staff can see.
                log.warning("SMS campaign %s: a message's outcome is unknown", campaign.pk)
                SmsSend.objects.filter(pk=send.pk).update(handed_at=timezone.now(),
                                                          status="unknown")
                continue
            except SmsError as exc:
                log.warning("SMS campaign %s: a message was refused (%s)", campaign.pk,
                            exc.status)
                SmsSend.objects.filter(pk=send.pk).update(handed_at=timezone.now(),
                                                          status="refused")
                continue
            SmsSend.objects.filter(pk=send.pk).update(
                handed_at=timezone.now(), gateway_id=sent.id[:64], status=sent.status[:20])
            handed += 1
    return handed


def delivery_report(gateway_id: str, status: str) -> bool:
    """The gateway's report on one message; True when it was one of ours."""
    if status not in REPORTED:
        return False
    return bool(SmsSend.objects.filter(gateway_id=gateway_id[:64]).update(status=status))


def is_stop(message: str) -> bool:
    words = message.strip().split()
    return bool(words) and words[0].strip(".!,").upper() in STOP_WORDS


def incoming(sender: str, message: str) -> int:
    """An SMS someone sent the shop's number. A STOPP (or STOP, in any case, first word)
    withdraws the SMS consent of every person whose yes is for that number, recorded with
    the words they sent; returns how many withdrawals were recorded. Anything else records
    nothing (staff read answers in the gateway's own inbox)."""
    phone = same_mobile(sender)
    if not phone or not is_stop(message):
        return 0
    # The stop word alone is kept as the words of the no: the rest of an answer is the
    # person's own free text, which the ledger's texts (the same for everyone) must not hold.
    words = message.strip().split()[0].strip(".!,").upper()
    with transaction.atomic():
        yes = list(consents.holders(SMS.key, by="phone").filter(phone=phone))
        for row in yes:
            consents.record(SMS.key, given=False, method=Consent.Method.SMS, user=row.user,
                            email=row.email, phone=phone, basis=row.basis, words=words)
        if not yes:
            # A no from a number with no yes is kept too: no later import can say yes
            # for that number without this no being the newer word.
            consents.record(SMS.key, given=False, method=Consent.Method.SMS, phone=phone,
                            words=words)
    return max(len(yes), 1)


def resume_stalled(now=None) -> int:
    """As ``campaigns.resume_stalled``, for SMS campaigns."""
    found = stalled(now, task_path=f"{__name__}.send_batch", channel=Campaign.Channel.SMS)
    for pk in found:
        send_batch.enqueue(pk)
    return len(found)
