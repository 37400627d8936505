"""Sending an e-mail campaign: to whom the consent ledger allows, in batches, exactly once.

:func:`start` marks the campaign as sending and enqueues the first batch. A batch
(:func:`send_batch`, a task of the Django tasks API, so the production worker runs it)
reads the next :data:`BATCH` people the ledger allows for the campaign's audience, in the
ledger's order after the campaign's ``sent_up_to``, and for each writes a
:class:`CampaignSend` row and the message (through ``core.mail``, which queues it) in one
transaction with the new ``sent_up_to``; then it enqueues the batch after it.
A worker killed in a batch leaves it rolled back, and the batch run again skips everyone
whose send row exists (a unique constraint per campaign and address): nobody is written to
twice, and a campaign to 100 000 people never holds them in memory at once.

Every message is rendered for its recipient: a visible unsubscribe link, and the
``List-Unsubscribe`` and ``List-Unsubscribe-Post`` headers of RFC 8058.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django_tasks import task
from markdown_it import MarkdownIt

from tillit.core import mail
from tillit.core.links import absolute
from tillit.privacy import consents
from tillit.privacy.datamap import CONSENT, LEGITIMATE_INTEREST
from tillit.privacy.models import Consent

from .models import Campaign, CampaignSend
from .privacy import NEWSLETTER
from .services import unsubscribe_token

BATCH = 500
_MARKDOWN = MarkdownIt("commonmark", {"html": False, "linkify": False})


def render_body(body: str) -> tuple[str, str]:
    """The campaign's Markdown as (plain text, HTML). Raw HTML in the Markdown is shown as
    text, never passed on; links that are not http(s) or mailto are dropped by the
    parser's own link check."""
    return body.strip(), mark_safe(_MARKDOWN.render(body))  # noqa: S308 (html off above)


def audience(campaign: Campaign):
    """The ledger rows that allow a message of this campaign, one per address."""
    basis = {Campaign.Audience.SUBSCRIBERS: CONSENT,
             Campaign.Audience.CUSTOMERS: LEGITIMATE_INTEREST}.get(campaign.audience)
    return consents.holders(NEWSLETTER.key, basis=basis).order_by("pk")


def _headers(link: str) -> dict:
    unsubscribe_mail = settings.TILLIT_CONTROLLER["email"]
    return {"List-Unsubscribe": f"<{link}>, <mailto:{unsubscribe_mail}?subject=unsubscribe>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def _send_one(campaign: Campaign, row: Consent, text: str, html: str) -> None:
    link = absolute(reverse("marketing:unsubscribe", args=[unsubscribe_token(row)]))
    mail.send("marketing/email/campaign", {
        "subject": campaign.subject, "text": text, "html": html, "unsubscribe": link,
        "basis": row.basis,
    }, [row.email], language=settings.LANGUAGE_CODE, headers=_headers(link))


def send_test(campaign: Campaign, staff) -> None:
    """The campaign as a subscriber would get it, to the member of staff only, marked
    [TEST]. It is allowed by no ledger row, so its unsubscribe link leads to the page
    saying the link does not work."""
    text, html = render_body(campaign.body)
    row = Consent(pk=0, topic=NEWSLETTER.key, email=staff.email, basis=CONSENT)
    mail.send("marketing/email/campaign", {
        "subject": f"[TEST] {campaign.subject}", "text": text, "html": html,
        "unsubscribe": absolute(reverse("marketing:unsubscribe",
                                        args=[unsubscribe_token(row)])),
        "basis": CONSENT}, [staff.email], language=settings.LANGUAGE_CODE)


def start(campaign: Campaign) -> bool:
    """Begin sending a draft; False when it was not a draft (sent or sending already)."""
    started = Campaign.objects.filter(pk=campaign.pk, status=Campaign.Status.DRAFT).update(
        status=Campaign.Status.SENDING, sent_at=timezone.now())
    if started:
        send_batch.enqueue(campaign.pk)
    return bool(started)


@task()
def send_batch(campaign_id: int) -> int:
    """Write to the next :data:`BATCH` people after the campaign's ``sent_up_to``; returns
    how many were written to in this batch."""
    campaign = Campaign.objects.filter(pk=campaign_id, status=Campaign.Status.SENDING).first()
    if campaign is None:
        return 0
    text, html = render_body(campaign.body)
    rows = list(audience(campaign).filter(pk__gt=campaign.sent_up_to)[:BATCH])
    written = 0
    with transaction.atomic(), translation.override(settings.LANGUAGE_CODE):
        done = {e.upper() for e in CampaignSend.objects.filter(
            campaign=campaign, email__in=[r.email for r in rows]).values_list("email",
                                                                                flat=True)}
        for row in rows:
            if row.email.upper() in done:
                continue
            done.add(row.email.upper())
            CampaignSend.objects.create(campaign=campaign, email=row.email, consent=row)
            _send_one(campaign, row, text, html)
            written += 1
        progress = {"sent_up_to": rows[-1].pk} if rows else {}
        if len(rows) < BATCH:
            progress["status"] = Campaign.Status.SENT
        Campaign.objects.filter(pk=campaign.pk).update(**progress)
    if len(rows) == BATCH:
        send_batch.enqueue(campaign.pk)
    return written
