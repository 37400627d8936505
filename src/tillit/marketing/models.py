"""The newsletter: sign-ups waiting for their confirmation (double opt-in), campaigns staff
write, and one send row per recipient and campaign, so that a campaign restarted after a
worker died never writes to anyone twice. Whether a person may be written to is the
consent ledger's business (``privacy.consents``), not these tables'."""

from __future__ import annotations

from django.db import models
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _


class PendingSignup(models.Model):
    """A sign-up waiting for the person to follow the link in the confirmation e-mail.
    Only the link's hash is kept; the row goes when confirmed or when it expires."""

    email = models.EmailField(_("e-mail"))
    token_hash = models.CharField(max_length=64, unique=True)
    # The words shown beside the form, kept so the ledger records what was agreed to.
    text_digest = models.CharField(max_length=64)
    language = models.CharField(max_length=10)
    created_at = models.DateTimeField(_("signed up"), auto_now_add=True, db_index=True)
    ip = models.CharField(_("IP address"), max_length=80, blank=True)

    class Meta:
        verbose_name = _("newsletter sign-up waiting for confirmation")
        verbose_name_plural = _("newsletter sign-ups waiting for confirmation")
        indexes = [models.Index(Upper("email"), name="marketing_pending_email_ci")]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M}"


class Campaign(models.Model):
    """A campaign: written in the admin, tried on oneself, then sent to everyone the ledger
    allows for its channel and audience. By e-mail (Markdown), by SMS (plain text, with
    how to stop added), or by letter (staff export the addresses for the print house)."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("e-mail")
        SMS = "sms", _("SMS")
        LETTER = "letter", _("letter")

    class Audience(models.TextChoices):
        SUBSCRIBERS = "consent", _("People who said yes to the channel (consent)")
        CUSTOMERS = "legitimate_interest", _(
            "Customers under the existing-customer rule (the shop's own similar products)")
        BOTH = "both", _("Both")

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SENDING = "sending", _("sending")
        SENT = "sent", _("sent")

    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices,
                               default=Channel.EMAIL)
    subject = models.CharField(_("subject"), max_length=150)
    body = models.TextField(_("text (Markdown)"), max_length=20000, help_text=_(
        "Headings with #, lists with -, links as [text](https://…). HTML is not allowed. "
        "The unsubscribe link and the shop's details are added to every message."))
    audience = models.CharField(_("audience"), max_length=30, choices=Audience.choices,
                                default=Audience.SUBSCRIBERS)
    segment = models.ForeignKey(
        "catalog.Category", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", verbose_name=_("only buyers in category"), help_text=_(
            "Only people who bought in this category (e-mail). Purchases are used only for "
            "customers under the existing-customer rule and for those who said yes to "
            "suggestions from their purchases; others are left out."))
    with_suggestions = models.BooleanField(_("add suggestions (e-mail)"), default=False,
                                           help_text=_(
        "Each message ends with product suggestions: from the recipient's purchases when "
        "they said yes to personalised offers, the same for everyone else."))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.DRAFT, editable=False)
    created_at = models.DateTimeField(_("written"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sending started"), null=True, blank=True,
                                   editable=False)
    # How far sending has come: the last consent-ledger row written to. A batch run again
    # after a worker died goes on from here.
    sent_up_to = models.BigIntegerField(default=0, editable=False)
    # When the last batch was written: a campaign still sending long after this has
    # stopped (its worker died), and `tillit mail retry` sets it going again.
    progressed_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")

    def __str__(self) -> str:
        return self.subject


class CampaignSend(models.Model):
    """One recipient of one campaign. The unique pair is what makes a restarted batch skip
    whom it already wrote to; the address goes when the campaign's period ends."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="sends")
    email = models.EmailField(_("e-mail"))
    # The ledger row that allowed the message: its basis is the answer to "why me?".
    consent = models.ForeignKey("privacy.Consent", null=True, on_delete=models.SET_NULL,
                                related_name="+")
    queued_at = models.DateTimeField(_("queued"), auto_now_add=True)
    # When the message was handed to the mail server (or the server refused the address);
    # empty while it has not gone.
    handed_at = models.DateTimeField(_("sent"), null=True, blank=True)
    refused = models.BooleanField(_("address refused by the mail server"), default=False)

    class Meta:
        verbose_name = _("campaign recipient")
        verbose_name_plural = _("campaign recipients")
        constraints = [models.UniqueConstraint("campaign", Upper("email"),
                                               name="marketing_send_once")]
        indexes = [models.Index(Upper("email"), name="marketing_send_email_ci"),
                   models.Index(fields=["campaign"], condition=models.Q(handed_at=None),
                                name="marketing_send_unsent")]

    def __str__(self) -> str:
        return f"{self.campaign_id}:{self.pk}"


class SmsSend(models.Model):
    """One recipient of one SMS campaign, as :class:`CampaignSend` is for e-mail: unique
    per campaign and number, marked when the gateway took the message, with the gateway's
    id and its delivery report."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="sms_sends")
    phone = models.CharField(_("mobile number"), max_length=20)
    consent = models.ForeignKey("privacy.Consent", null=True, on_delete=models.SET_NULL,
                                related_name="+")
    queued_at = models.DateTimeField(_("queued"), auto_now_add=True)
    handed_at = models.DateTimeField(_("sent"), null=True, blank=True)
    gateway_id = models.CharField(_("gateway's message id"), max_length=64, blank=True,
                                  db_index=True)
    status = models.CharField(_("delivery"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("SMS campaign recipient")
        verbose_name_plural = _("SMS campaign recipients")
        constraints = [models.UniqueConstraint("campaign", "phone",
                                               name="marketing_sms_once")]
        indexes = [models.Index(fields=["phone"], name="marketing_sms_phone"),
                   models.Index(fields=["campaign"], condition=models.Q(handed_at=None),
                                name="marketing_sms_unsent")]

    def __str__(self) -> str:
        return f"{self.campaign_id}:{self.pk}"


class ContactImport(models.Model):
    """One file of contacts staff imported from a supplier: who it came from, and how many
    rows were taken and refused (nothing of a refused row is kept)."""

    supplier = models.CharField(_("supplier"), max_length=200)
    filename = models.CharField(_("file"), max_length=200)
    imported_at = models.DateTimeField(_("imported"), auto_now_add=True)
    accepted = models.PositiveIntegerField(_("rows taken"), default=0)
    refused = models.PositiveIntegerField(_("rows refused"), default=0)

    class Meta:
        ordering = ["-imported_at"]
        verbose_name = _("contact import from a supplier")
        verbose_name_plural = _("contact imports from suppliers")

    def __str__(self) -> str:
        return f"{self.supplier} {self.imported_at:%Y-%m-%d %H:%M}"


class ImportedContact(models.Model):
    """A person a supplier passed on, with the proof of the consent they gave there (P16):
    where from, the supplier's reference, the words they agreed to and when. The consent
    itself is a row of the ledger (method: supplier import); ``notified_at`` is when the
    person was told where we got their details (GDPR art. 14)."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("e-mail")
        SMS = "sms", _("SMS")

    batch = models.ForeignKey(ContactImport, on_delete=models.CASCADE, related_name="contacts")
    source = models.CharField(_("received from"), max_length=200)
    email = models.EmailField(_("e-mail"))
    name = models.CharField(_("name"), max_length=150, blank=True)
    phone = models.CharField(_("mobile number"), max_length=20, blank=True)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    proof_reference = models.CharField(_("supplier's proof reference"), max_length=200)
    proof_date = models.DateField(_("consent given at the supplier"))
    consent = models.ForeignKey("privacy.Consent", null=True, on_delete=models.SET_NULL,
                                related_name="+")
    imported_at = models.DateTimeField(_("imported"), auto_now_add=True)
    notified_at = models.DateTimeField(_("told where we got the details"), null=True,
                                       blank=True)

    class Meta:
        ordering = ["-imported_at", "-id"]
        verbose_name = _("contact from a supplier")
        verbose_name_plural = _("contacts from suppliers")
        indexes = [models.Index(Upper("email"), name="marketing_imported_email_ci")]

    def __str__(self) -> str:
        return f"{self.batch_id}:{self.pk}"
