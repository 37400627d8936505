"""E-mail waiting to be delivered (``core.mail``).

:func:`tillit.core.mail.send` renders a message in the request and stores it here; the
delivery task carries only the row's id, so that the task backend's own table (in
production, the database backend's) holds no address, no text and no attachment. The row
is the data map's (core/privacy.py): it is deleted as soon as the message is delivered, and
a message that could not be delivered is kept only as long as the map declares.
"""

from django.db import models
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutgoingMail(models.Model):
    """One rendered message to one recipient, until it is delivered."""

    template = models.CharField(_("template"), max_length=200)
    recipient = models.EmailField(_("recipient"), max_length=254)
    subject = models.TextField(_("subject"))
    text = models.TextField(_("text"))
    html = models.TextField(_("HTML"), blank=True)
    headers = models.JSONField(_("headers"), default=dict, blank=True)
    # Task arguments and JSON columns hold text: binary attachments as base64
    # ({"filename", "mimetype", "content" | "base64"}).
    attachments = models.JSONField(_("attachments"), default=list, blank=True)
    created_at = models.DateTimeField(_("written"), default=timezone.now)
    # The Message-ID every attempt sends, so that a message sent again after an attempt
    # whose outcome is unknown (a worker killed mid-send) is recognisably the same one.
    message_id = models.CharField(_("Message-ID"), max_length=200, blank=True)
    # When a worker began handing it to the mail server; a row still here long after that
    # was being sent by a worker that died (core.mail.recover).
    sending_since = models.DateTimeField(_("being sent since"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("delivery attempts"), default=0)
    failed_at = models.DateTimeField(_("last failed"), null=True, blank=True)
    error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("e-mail waiting to be delivered")
        verbose_name_plural = _("e-mail waiting to be delivered")
        # The rights find a person's rows by e-mail, in any letter case.
        indexes = [models.Index(Upper("recipient"), name="core_outgoingmail_rcpt_ci")]

    def __str__(self) -> str:
        # Not the address or the subject: this text lands in logs and task errors.
        return f"Outgoing mail #{self.pk}"
