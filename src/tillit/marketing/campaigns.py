"""Sending an e-mail campaign: to whom the consent ledger allows, in batches, exactly once.

:func:`start` marks the campaign as sending and enqueues the first batch. A batch
(:func:`send_batch`, a task of the Django tasks API, so the production worker runs it)
reads the next :data:`BATCH` people the ledger allows for the campaign's audience, in the
ledger's order after the campaign's ``sent_up_to``, and writes a :class:`CampaignSend`
row for each in one transaction with the new ``sent_up_to``. Then it renders their
messages (``core.mail.compose_many``: the templates once per batch, each message filled in
with its recipient's own unsubscribe link) and hands them to the mail server over one
connection, marking each send row as its message goes (``handed_at``); then it enqueues
the batch after it.

Nobody is written to twice: the send row is unique per campaign and address, so a batch
run again skips everyone it has, and a message whose row is marked never goes again. A
worker killed before the commit leaves its batch rolled back; one killed after it, or a
mail server failing mid-batch, leaves send rows unmarked, which the next batch sends first
(once the lease has passed, so that a live worker's batch is not taken from it). A
campaign whose worker died is set going again by ``tillit mail retry``
(:func:`resume_stalled`). Each message's Message-ID is made from its send row, so a message
cut off mid-hand-over and sent again shows once in mail programs. A campaign to 100 000
people never holds more than a batch in memory (bench/campaign_benchmark.py measures it).

Every message carries its recipient's own unsubscribe link, visible at the bottom and in
the ``List-Unsubscribe`` and ``List-Unsubscribe-Post`` headers of RFC 8058.
"""

from __future__ import annotations

import functools
import logging
import smtplib

from django.conf import settings
from django.core.mail import get_connection
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django_tasks import task
from django_tasks.backends.immediate import ImmediateBackend
from markdown_it import MarkdownIt

from tillit.core import mail
from tillit.core.links import absolute
from tillit.privacy import consents
from tillit.privacy.datamap import CONSENT, LEGITIMATE_INTEREST
from tillit.privacy.models import Consent

from .models import Campaign, CampaignSend
from .privacy import NEWSLETTER, PERSONALISED
from .services import unsubscribe_token

BATCH = 500
log = logging.getLogger(__name__)
_MARKDOWN = MarkdownIt("commonmark", {"html": False, "linkify": False})


def render_body(body: str) -> tuple[str, str]:
    """The campaign's Markdown as (plain text, HTML). Raw HTML in the Markdown is shown as
    text, never passed on; links that are not http(s) or mailto are dropped by the
    parser's own link check."""
    return body.strip(), mark_safe(_MARKDOWN.render(body))  # noqa: S308 (html off above)


def audience(campaign: Campaign):
    """The ledger rows that allow a message of this campaign, one per address.

    With a segment, only people who bought in that category (or one below it); their
    purchases are read only where the person's basis allows it: a customer under the
    existing-customer rule (offers like what they bought), or someone who said yes to
    suggestions from their purchases (P22). Everyone else is left out."""
    basis = {Campaign.Audience.SUBSCRIBERS: CONSENT,
             Campaign.Audience.CUSTOMERS: LEGITIMATE_INTEREST}.get(campaign.audience)
    rows = consents.holders(NEWSLETTER.key, basis=basis).order_by("pk")
    if campaign.segment_id is None:
        return rows
    from tillit.catalog.models import Category
    from tillit.orders.models import OrderLine

    categories = [campaign.segment_id, *Category.objects.filter(
        parent_id=campaign.segment_id).values_list("pk", flat=True)]
    bought = OrderLine.objects.filter(product__category_id__in=categories)
    by_account = bought.filter(order__user=OuterRef("user"))
    by_address = bought.filter(order__email__iexact=OuterRef("email"))
    personalised = consents.holders(PERSONALISED.key).filter(
        user__isnull=False).values("user_id")
    may_read = Q(basis=LEGITIMATE_INTEREST) | Q(user_id__in=personalised)
    return rows.filter(may_read).filter(Exists(by_account) | Exists(by_address))


def _headers(link: str) -> dict:
    unsubscribe_mail = settings.TILLIT_CONTROLLER["email"]
    return {"List-Unsubscribe": f"<{link}>, <mailto:{unsubscribe_mail}?subject=unsubscribe>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


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
        "why": why(row)}, [staff.email], language=settings.LANGUAGE_CODE)


def start(campaign: Campaign) -> bool:
    """Begin sending a draft by e-mail or SMS; False when it was not a draft (sent or
    sending already) or is a letter (staff export those for the print house)."""
    from . import sms

    batches = {Campaign.Channel.EMAIL: send_batch, Campaign.Channel.SMS: sms.send_batch}
    if campaign.channel not in batches or (
            campaign.channel == Campaign.Channel.SMS and not sms.can_be_answered()):
        return False
    started = Campaign.objects.filter(pk=campaign.pk, status=Campaign.Status.DRAFT).update(
        status=Campaign.Status.SENDING, sent_at=timezone.now())
    if started:
        batches[campaign.channel].enqueue(campaign.pk)
    return bool(started)


@task()
def send_batch(campaign_id: int) -> int:
    """Write to the campaign's audience, :data:`BATCH` people at a time after its
    ``sent_up_to``; returns how many were written to by this task.

    A backend that runs tasks later (the production worker) gets one task per batch, each
    enqueuing the next, so a worker restart loses at most the batch it was in. The
    immediate backend (the demo, the tests) would run that chain nested, one call deeper
    per batch, so there the batches run in a loop in this call."""
    return run_batches(send_batch, _one_batch, campaign_id)


def run_batches(batch_task, one_batch, campaign_id: int) -> int:
    """Run ``one_batch(campaign_id) -> (written, more)``; when more is to come, enqueue
    ``batch_task`` again, or, with the immediate backend, go on in a loop. Returns how
    many were written to."""
    written = 0
    while True:
        count, more = one_batch(campaign_id)
        written += count
        if not more:
            return written
        if not isinstance(batch_task.get_backend(), ImmediateBackend):
            batch_task.enqueue(campaign_id)
            return written


class CampaignStalled(RuntimeError):
    """The mail server failed in the middle of a batch. The text names the campaign and
    the error's class, never an address (the task backend keeps it)."""


def _one_batch(campaign_id: int) -> tuple[int, bool]:
    """One batch: first what an earlier batch left unsent, then the next people's send
    rows and the campaign's progress in one transaction, then their messages handed to
    the mail server over one connection, each send row marked once its message went.
    (written, more to come)"""
    campaign = Campaign.objects.filter(pk=campaign_id, status=Campaign.Status.SENDING,
                                       channel=Campaign.Channel.EMAIL).first()
    if campaign is None:
        return 0, False
    written = _hand_over(campaign, _left_over(campaign))
    already = CampaignSend.objects.filter(campaign=campaign, email__iexact=OuterRef("email"))
    rows = list(audience(campaign).filter(pk__gt=campaign.sent_up_to)
                .annotate(sent=Exists(already))
                .only("pk", "email", "topic", "basis", "method", "proof", "user_id")[:BATCH])
    with transaction.atomic():
        # Whom a batch run again (its worker died) wrote to already, found through the
        # send rows' unique index; and one message per address within the batch.
        done: set[str] = set()
        fresh = []
        for row in rows:
            if not row.sent and row.email.upper() not in done:
                done.add(row.email.upper())
                fresh.append(row)
        sends = CampaignSend.objects.bulk_create(
            CampaignSend(campaign=campaign, email=row.email, consent_id=row.pk) for row in fresh)
        Campaign.objects.filter(pk=campaign.pk).update(
            sent_up_to=rows[-1].pk if rows else campaign.sent_up_to,
            progressed_at=timezone.now())
    written += _hand_over(campaign, list(zip(sends, fresh, strict=True)))
    more = len(rows) == BATCH
    if not more:
        Campaign.objects.filter(pk=campaign.pk).update(status=Campaign.Status.SENT)
    return written, more


def _left_over(campaign: Campaign) -> list[tuple[CampaignSend, Consent]]:
    """Send rows of the campaign whose message did not go (the mail server failed, or the
    worker died after the batch was committed), older than the lease so that a batch
    still handing over is left to its worker. A row whose person has said no since, or
    been erased, goes unsent: its send row is deleted."""
    stale = timezone.now() - mail.lease()
    sends = list(CampaignSend.objects.filter(campaign=campaign, handed_at__isnull=True,
                                             queued_at__lt=stale).order_by("pk"))
    if not sends:
        return []
    allowed = {row.pk: row for row in audience(campaign).filter(
        pk__in=[s.consent_id for s in sends if s.consent_id])}
    CampaignSend.objects.filter(pk__in=[s.pk for s in sends
                                        if s.consent_id not in allowed]).delete()
    return [(s, allowed[s.consent_id]) for s in sends if s.consent_id in allowed]


# Send rows are marked in groups this size as their messages go: a worker killed in the
# middle of a batch sends again at most this many (each with its own Message-ID).
MARK_EVERY = 50


def _hand_over(campaign: Campaign, pairs: list[tuple[CampaignSend, Consent]]) -> int:
    """Each pair's message, rendered for its recipient, to the mail server over one
    connection; the send rows are marked as their messages go (every
    :data:`MARK_EVERY`), so that nothing that went is sent again. An address the server
    refuses is marked refused and the rest go on; raises :class:`CampaignStalled` when
    the server fails otherwise."""
    if not pairs:
        return 0
    text, html = render_body(campaign.body)
    handed: list[int] = []
    refused: list[int] = []
    personal = ("unsubscribe", "why", "suggestions") if campaign.with_suggestions else (
        "unsubscribe", "why")

    def mark() -> None:
        now = timezone.now()
        if handed:
            CampaignSend.objects.filter(pk__in=handed).update(handed_at=now)
        if refused:
            CampaignSend.objects.filter(pk__in=refused).update(handed_at=now, refused=True)
        handed.clear()
        refused.clear()

    written = 0
    try:
        with translation.override(settings.LANGUAGE_CODE), get_connection() as connection:
            link = _link_maker()
            suggest = _suggester(pairs) if campaign.with_suggestions else None
            messages = mail.compose_many("marketing/email/campaign", {
                "subject": campaign.subject, "text": text, "html": html,
                "with_suggestions": campaign.with_suggestions,
            }, (_recipient(send, row, link, suggest) for send, row in pairs),
                personal=personal)
            for (send, _), message in zip(pairs, messages, strict=True):
                try:
                    connection.send_messages([message])
                except smtplib.SMTPRecipientsRefused:
                    log.warning("Campaign %s: the mail server refused an address",
                                campaign.pk)
                    refused.append(send.pk)
                else:
                    handed.append(send.pk)
                    written += 1
                if len(handed) + len(refused) >= MARK_EVERY:
                    mark()
    except Exception as exc:
        kind = f"{type(exc).__module__}.{type(exc).__qualname__}"
        raise CampaignStalled(f"campaign {campaign.pk}: {kind}") from None
    finally:
        mark()
    return written


def why(row: Consent) -> str:
    """The line telling a recipient why they get the message: as a customer (the
    existing-customer rule), from their yes at a supplier, or from their sign-up."""
    source = row.proof.partition(": ")[0] if row.method == Consent.Method.IMPORT else ""
    return _why(row.basis, source, translation.get_language())


@functools.lru_cache(maxsize=256)
def _why(basis: str, source: str, language: str | None) -> str:
    shop = settings.TILLIT_CONTROLLER["shop_name"]
    if basis == LEGITIMATE_INTEREST:
        return _("You get this as a customer of %(shop)s: offers of our own products like "
                 "those you bought.") % {"shop": shop}
    if source:
        return _("You get this because you agreed at %(source)s to get offers from "
                 "%(shop)s.") % {"source": source, "shop": shop}
    return _("You get this because you signed up for the newsletter from %(shop)s.") % {
        "shop": shop}


def _link_maker():
    """The unsubscribe link of a ledger row: the URL is reversed once per batch, and
    each row's signed token put in its place (a token is URL-safe as it is)."""
    marker = "0" * 20
    pattern = absolute(reverse("marketing:unsubscribe", args=[marker]))
    return lambda row: pattern.replace(marker, unsubscribe_token(row))


def _suggester(pairs):
    """The suggestions block of each recipient (P22): from their purchases for an account
    holder with the yes to personalised offers, the same for everyone else (worked out
    once per batch)."""
    from django.contrib.auth import get_user_model

    from .suggestions import for_everyone, for_person

    users = get_user_model().objects.in_bulk({row.user_id for _, row in pairs if row.user_id})
    everyone = _lines(for_everyone().products)
    return lambda row: (_lines(for_person(users[row.user_id]).products)
                        if row.user_id in users else everyone)


def _lines(products) -> tuple[str, str]:
    """The suggestions as text lines and as an HTML list of links."""
    text = "\n".join(f"- {p.name}: {absolute(p.get_absolute_url())}" for p in products)
    html = format_html("<ul>{}</ul>", format_html_join(
        "", '<li><a href="{}">{}</a></li>',
        ((absolute(p.get_absolute_url()), p.name) for p in products)))
    return text, html


def _recipient(send: CampaignSend, row: Consent, link, suggest=None) -> mail.Recipient:
    url = link(row)
    values = {"unsubscribe": url, "why": why(row)}
    html_values = {}
    if suggest is not None:
        values["suggestions"], html_values["suggestions"] = suggest(row)
    return mail.Recipient(row.email, values, _headers(url), html_values=html_values,
                          message_id=mail.message_id(f"campaign-{send.campaign_id}-{send.pk}"))


def stalled(now=None, *, task_path: str = f"{__name__}.send_batch",
            channel: str = Campaign.Channel.EMAIL) -> list[int]:
    """Campaigns of ``channel`` still sending whose batches stopped (a worker died, or the
    mail server or gateway failed) longer than the lease ago, with no batch waiting in the
    queue."""
    now = now or timezone.now()
    stale = now - mail.lease()
    _taken, waiting = mail.take_back(task_path, now)
    return [pk for pk in Campaign.objects.filter(
        status=Campaign.Status.SENDING, channel=channel).filter(
        Q(progressed_at__lt=stale) | Q(progressed_at__isnull=True, sent_at__lt=stale),
    ).values_list("pk", flat=True) if pk not in waiting]


def resume_stalled(now=None) -> int:
    """Enqueue again every stalled e-mail campaign (:func:`stalled`); ``tillit mail retry``
    runs this. Returns how many."""
    found = stalled(now)
    for pk in found:
        send_batch.enqueue(pk)
    return len(found)
