import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import taxonomy


class Recipient(models.Model):
    """The recipient register (P27): the companies that receive personal data from the
    shop, each in its true role.

    A *processor* (hosting, mail delivery) acts only on the shop's instructions under a data
    processing agreement (GDPR art. 28), whose date the register keeps. A *controller*
    (the checkout provider, carriers) decides its own purposes for what it receives and
    answers for it under its own privacy notice, which the register links to. Staff keep
    it in the admin; the policy page, the Art. 30 record and the access report show each
    company in its role. Its free texts are kept in Swedish, the shop's language, and may
    be given in English beside them; :meth:`text` picks the one for a language.
    """

    # The free-text fields that have an English twin named ``<field>_en``.
    TRANSLATED = ("service", "data_description", "location", "safeguard")

    name = models.CharField(_("name"), max_length=200)
    role = models.CharField(_("role"), max_length=20, choices=list(taxonomy.ROLES.items()),
                            default=taxonomy.PROCESSOR)
    service = models.CharField(_("service (Swedish)"), max_length=300)
    service_en = models.CharField(_("service (English)"), max_length=300, blank=True)
    recipient_kind = models.CharField(
        _("kind of recipient"), max_length=40,
        choices=[(k, v) for k, v in taxonomy.RECIPIENTS.items()],
    )
    data_description = models.CharField(_("personal data it receives (Swedish)"),
                                        max_length=300)
    data_description_en = models.CharField(_("personal data it receives (English)"),
                                           max_length=300, blank=True)
    location = models.CharField(_("where the data is processed (Swedish)"), max_length=200)
    location_en = models.CharField(_("where the data is processed (English)"),
                                   max_length=200, blank=True)
    outside_eea = models.BooleanField(_("outside the EU/EEA"), default=False)
    safeguard = models.CharField(
        _("transfer safeguard (Swedish)"), max_length=200, blank=True,
        help_text=_("For transfers outside the EU/EEA: adequacy decision, SCCs, ..."),
    )
    safeguard_en = models.CharField(_("transfer safeguard (English)"), max_length=200,
                                    blank=True)
    agreement_date = models.DateField(
        _("data processing agreement signed"), null=True, blank=True,
        help_text=_("Required for a processor (GDPR art. 28)."))
    privacy_notice_url = models.URLField(
        _("its own privacy notice"), blank=True,
        help_text=_("Required for a controller: where people read how it handles what it "
                    "receives."))
    is_active = models.BooleanField(_("active"), default=True)
    # The checkout provider's name has one source, the setting buyers see
    # (TILLIT_CHECKOUT["provider_name"]); this row holds the rest of what the register says.
    is_checkout_provider = models.BooleanField(
        _("runs the checkout"), default=False,
        help_text=_("The checkout and payment provider. The checkout, the disclosure ledger "
                    "and the privacy policy name it as the shop's checkout setting "
                    "(TILLIT_CHECKOUT_PROVIDER) does, whatever the name above says."),
    )

    class Meta:
        ordering = ["recipient_kind", "name"]
        verbose_name = _("recipient")
        verbose_name_plural = _("recipient register")
        constraints = [
            models.UniqueConstraint(fields=["is_checkout_provider"],
                                    condition=models.Q(is_checkout_provider=True),
                                    name="one_checkout_provider"),
            models.CheckConstraint(
                condition=~models.Q(role=taxonomy.PROCESSOR)
                | models.Q(agreement_date__isnull=False),
                name="processor_has_agreement_date"),
        ]

    def __str__(self) -> str:
        return f"{self.display_name} ({self.service})"

    def clean(self):
        """What the policy publishes about the company must be able to be true."""
        errors = {}
        if self.role == taxonomy.PROCESSOR and self.agreement_date is None:
            errors["agreement_date"] = _("A processor acts under a data processing "
                                         "agreement: give the date it was signed.")
        elif self.agreement_date is not None and not (
                dt.date(1995, 1, 1) <= self.agreement_date <= timezone.localdate()):
            errors["agreement_date"] = _("Give the day the agreement was signed: not in the "
                                         "future, and not before 1995.")
        if self.role == taxonomy.CONTROLLER and not self.privacy_notice_url:
            errors["privacy_notice_url"] = _("A controller answers for its own processing: "
                                             "link to its privacy notice.")
        elif self.privacy_notice_url and not self.privacy_notice_url.startswith("https://"):
            errors["privacy_notice_url"] = _("Link to the company's own notice on its site, "
                                             "with https://.")
        if self.outside_eea and not (self.safeguard or "").strip():
            errors["safeguard"] = _("A transfer outside the EU/EEA needs its safeguard "
                                    "(an adequacy decision, standard contractual clauses, "
                                    "...): name it.")
        if errors:
            raise ValidationError(errors)

    def validate_constraints(self, exclude=None):
        if self.is_checkout_provider and Recipient.objects.filter(
                is_checkout_provider=True).exclude(pk=self.pk).exists():
            raise ValidationError({"is_checkout_provider": _(
                "Another company is already marked as running the checkout: unmark it "
                "first.")})
        super().validate_constraints(exclude)

    @property
    def is_processor(self) -> bool:
        return self.role == taxonomy.PROCESSOR

    @property
    def display_name(self) -> str:
        """The name the shop shows: for the checkout provider, the configured one
        (``TILLIT_CHECKOUT["provider_name"]``, the setting the payments app reads too)."""
        if self.is_checkout_provider:
            return settings.TILLIT_CHECKOUT.get("provider_name") or self.name
        return self.name

    def text(self, field: str, language: str) -> str:
        """The free text ``field`` (one of :attr:`TRANSLATED`) in ``language``: the English
        text for English when staff gave one, otherwise the Swedish text."""
        if field not in self.TRANSLATED:
            raise ValueError(f"{field} is not a translated field of the recipient register.")
        if language.split("-")[0] == "en":
            return getattr(self, f"{field}_en") or getattr(self, field)
        return getattr(self, field)


class PolicyVersion(models.Model):
    """Each distinct text of the generated policy, kept so that an order can point at
    exactly the version its buyer was shown (P05)."""

    digest = models.CharField(max_length=64, unique=True)
    language = models.CharField(max_length=10)
    content = models.TextField(help_text=_("The policy as structured JSON."))
    published_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-published_at"]
        verbose_name = _("policy version")
        verbose_name_plural = _("policy versions")

    def __str__(self) -> str:
        # As people see it (the report, the admin's order page): by its date; the admin's
        # list shows the digest beside it.
        return str(_("the version of %(published)s") % {
            "published": timezone.localtime(self.published_at).strftime("%Y-%m-%d %H:%M")})


class Disclosure(models.Model):
    """The disclosure ledger (P25, P26, P28): every transfer of personal data to a third
    party. Append-only: rows are written by ``privacy.ledger.record_disclosure`` and what
    they record is never changed. One link may be completed later: an entry written for a
    guest's browser session (``session_ref``, e.g. when a guest's checkout loads) is linked
    once to the person's e-mail when the purchase reveals it (``ledger.link_disclosure``)."""

    # When the data went: now for the shop's own transfers; the date staff give for one
    # they record afterwards (a request answered by letter). The audit log has when.
    occurred_at = models.DateTimeField(_("when"), default=timezone.now, editable=False,
                                       db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+",
                             verbose_name=_("customer"))
    email = models.EmailField(_("e-mail of the person"), blank=True, db_index=True)
    # A guest not yet known by e-mail, as the cart names the browser session: a keyed hash
    # of the session key, never the live credential (tillit.cart.owner.CartOwner).
    session_ref = models.CharField(_("guest session"), max_length=80, blank=True,
                                   db_index=True)
    recipient_kind = models.CharField(
        _("kind of recipient"), max_length=40,
        choices=[(k, v) for k, v in taxonomy.RECIPIENTS.items()],
    )
    recipient = models.CharField(_("recipient"), max_length=200)
    registered = models.ForeignKey(Recipient, null=True, blank=True,
                                   on_delete=models.PROTECT,
                                   verbose_name=_("entry in the recipient register"))
    categories = models.JSONField(_("data categories"), default=list)
    purpose = models.CharField(_("purpose"), max_length=60)
    legal_basis = models.CharField(_("legal basis"), max_length=30)
    legal_ground = models.CharField(
        _("legal ground"), max_length=300, blank=True,
        help_text=_("For authorities: the provision or decision the request rests on."),
    )
    reference = models.CharField(_("reference"), max_length=200, blank=True)
    secret = models.BooleanField(
        _("under legal secrecy"), default=False,
        help_text=_("Kept out of the person's access report while the law forbids telling."),
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+",
                                    verbose_name=_("recorded by"))

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = _("disclosure")
        verbose_name_plural = _("disclosure ledger")
        # A person's rights find their rows by e-mail in any letter case (``iexact``).
        indexes = [models.Index(Upper("email"), name="privacy_disclosure_email_ci")]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} → {self.recipient} ({self.reference})"

    @property
    def purpose_text(self) -> str:
        return str(taxonomy.PURPOSES.get(self.purpose, self.purpose))


class AuditEvent(models.Model):
    """The audit log of privacy actions and of staff access to personal data (P33).

    It records who did what to whose data, never the personal data itself: ``detail``
    holds counts and field names, not values.
    """

    class Action(models.TextChoices):
        STAFF_VIEW = "staff_view", _("staff viewed personal data")
        EXPORT = "export", _("access export made")
        RECTIFICATION = "rectification", _("data rectified")
        ERASURE = "erasure", _("erasure carried out")
        HOLD = "hold", _("legal hold set or lifted")
        RESTRICTION = "restriction", _("restriction of processing placed or lifted")
        DISCLOSURE = "disclosure", _("disclosure recorded")
        CONSENT = "consent", _("consent recorded")
        RETENTION = "retention", _("retention sweep")

    occurred_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    action = models.CharField(_("action"), max_length=30, choices=Action.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+",
                              verbose_name=_("done by"))
    actor_label = models.CharField(_("done by (as recorded)"), max_length=150, blank=True)
    subject = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+",
                                verbose_name=_("whose data"))
    subject_ref = models.CharField(
        _("whose data (reference)"), max_length=100, blank=True, db_index=True,
        help_text=_("A keyed hash of the person's e-mail, so the log stays searchable by "
                    "person after an erasure without keeping the address."),
    )
    target = models.CharField(_("what"), max_length=200, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit log")

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.action} {self.target}"


class LegalHold(models.Model):
    """A legal hold (P18, P32): while active, erasure and the retention sweep leave the
    person's data alone, and the erasure preview says why.

    ``secret``: the hold rests on a matter the law forbids telling the person about (a
    criminal investigation under secrecy, GDPR art. 23). It is then kept out of their
    access export, and their erasure preview says only that the law requires the data to
    be kept, not why (as for secret disclosures, P26). Staff see it in full."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+",
                             verbose_name=_("customer"))
    email = models.EmailField(_("e-mail of the person"), blank=True, db_index=True)
    reason = models.CharField(_("reason"), max_length=300)
    until = models.DateField(_("until"), null=True, blank=True,
                             help_text=_("Empty: until lifted."))
    secret = models.BooleanField(
        _("under legal secrecy"), default=False,
        help_text=_("Kept out of the person's access report, and its reason out of their "
                    "erasure preview, while the law forbids telling."))
    created_at = models.DateTimeField(_("set"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+",
                                   verbose_name=_("set by"))
    lifted_at = models.DateTimeField(_("lifted"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("legal hold")
        verbose_name_plural = _("legal holds")
        indexes = [models.Index(Upper("email"), name="privacy_legalhold_email_ci")]

    def __str__(self) -> str:
        return f"Hold #{self.pk}: {self.reason}"


class RecipientNotice(models.Model):
    """A task on the privacy desk (GDPR Art. 19): tell a recipient who received a person's
    data that it was rectified or erased. Made from the disclosure ledger."""

    class Reason(models.TextChoices):
        ERASURE = "erasure", _("erasure")
        RECTIFICATION = "rectification", _("rectification")

    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    recipient = models.CharField(_("recipient"), max_length=200)
    recipient_kind = models.CharField(_("kind of recipient"), max_length=40)
    references = models.JSONField(
        _("their references"), default=list,
        help_text=_("The recipient's own references (e.g. its order ids), so it can find "
                    "the data without us sending any more of it."),
    )
    fields = models.JSONField(_("what changed"), default=list, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+",
                                verbose_name=_("done by"))

    class Meta:
        ordering = ["done_at", "created_at"]
        verbose_name = _("recipient notice (Art. 19)")
        verbose_name_plural = _("recipient notices (Art. 19)")

    def __str__(self) -> str:
        return f"{self.get_reason_display()} → {self.recipient}"


# The rights requests and the consent ledger live in their own modules; Django finds
# their models here.
from .consent_models import Consent, ConsentText  # noqa: E402, F401
from .request_models import PrivacyRequest, RequestToken, Restriction  # noqa: E402, F401
