"""The consent ledger's tables (P20.a): the texts people were shown, kept once, and the
append-only rows of each yes and no. Re-exported by :mod:`tillit.privacy.models`."""

from django.conf import settings
from django.db import models
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ConsentText(models.Model):
    """A text a person was shown when asked for consent (or told of an objection right),
    kept once and referenced by the SHA-256 of its language and words: the ledger can show
    what each person agreed to, word for word, however often the text is shown."""

    digest = models.CharField(max_length=64, unique=True)
    language = models.CharField(_("language"), max_length=10)
    text = models.TextField(_("text"))
    first_shown_at = models.DateTimeField(_("first shown"), auto_now_add=True)

    class Meta:
        verbose_name = _("consent text")
        verbose_name_plural = _("consent texts")

    def __str__(self) -> str:
        return f"{self.text[:60]} ({self.digest[:12]})"


class Consent(models.Model):
    """The consent ledger (P20.a): one row each time a person gives or withdraws consent
    to a topic (a channel of marketing, personalised offers, a kind of cookie), or is told
    of an objection right and does not object (the existing-customer rule, MFL 19 §).

    Append-only: the current state is the newest row per person and topic
    (``privacy.consents``). The database refuses to change or delete a row (migration
    0013), except what the data map declares: erasure cuts the account link and replaces
    the identifiers by keyed hashes, the retention sweep hashes the IP address and
    deletes rows past their period."""

    class Method(models.TextChoices):
        FORM = "form", _("sign-up form")
        CHECKOUT = "checkout", _("box at checkout")
        BANNER = "banner", _("cookie banner")
        ACCOUNT = "account", _("account page")
        LINK = "link", _("link in an e-mail")
        SMS = "sms", _("reply by SMS")
        STAFF = "staff", _("recorded by staff")
        IMPORT = "import", _("supplier import")

    occurred_at = models.DateTimeField(_("when"), default=timezone.now, editable=False,
                                       db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+",
                             verbose_name=_("customer"))
    email = models.CharField(_("e-mail of the person"), max_length=254, blank=True,
                             db_index=True)
    phone = models.CharField(_("mobile number"), max_length=80, blank=True, db_index=True)
    # An anonymous visitor's cookie choice: the random id in the necessary consent cookie.
    visitor = models.CharField(_("visitor id"), max_length=80, blank=True, db_index=True)
    topic = models.CharField(_("what"), max_length=40)
    given = models.BooleanField(_("given"))
    basis = models.CharField(_("legal basis"), max_length=30)
    text = models.ForeignKey(ConsentText, null=True, blank=True, on_delete=models.PROTECT,
                             verbose_name=_("text shown"))
    method = models.CharField(_("how"), max_length=20, choices=Method.choices)
    note = models.CharField(_("staff note"), max_length=500, blank=True)
    proof = models.CharField(_("proof reference"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+",
                                    verbose_name=_("recorded by"))
    ip = models.CharField(_("IP address"), max_length=80, blank=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = _("consent")
        verbose_name_plural = _("consent ledger")
        indexes = [models.Index(Upper("email"), name="privacy_consent_email_ci"),
                   models.Index(fields=["topic", "-occurred_at"], name="privacy_consent_topic")]
        constraints = [models.CheckConstraint(
            condition=~models.Q(user__isnull=True, email="", phone="", visitor=""),
            name="privacy_consent_names_someone")]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.topic} {'+' if self.given else '-'}"

    @property
    def topic_label(self):
        from .consents import topics

        topic = topics().get(self.topic)
        return topic.label if topic else self.topic
