from django.db import models
from django.utils.translation import gettext_lazy as _

from . import taxonomy


class Processor(models.Model):
    """The processor register (P27): who processes personal data on the controller's behalf.

    Staff keep it in the admin; the policy page and the Art. 30 record list it.
    """

    name = models.CharField(_("name"), max_length=200)
    service = models.CharField(_("service"), max_length=300)
    recipient_kind = models.CharField(
        _("kind of recipient"), max_length=40,
        choices=[(k, v) for k, v in taxonomy.RECIPIENTS.items()],
    )
    data_description = models.CharField(_("personal data it receives"), max_length=300)
    location = models.CharField(_("where the data is processed"), max_length=200)
    outside_eea = models.BooleanField(_("outside the EU/EEA"), default=False)
    safeguard = models.CharField(
        _("transfer safeguard"), max_length=200, blank=True,
        help_text=_("For transfers outside the EU/EEA: adequacy decision, SCCs, ..."),
    )
    agreement_date = models.DateField(_("data processing agreement signed"))
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["recipient_kind", "name"]
        verbose_name = _("processor")
        verbose_name_plural = _("processor register")

    def __str__(self) -> str:
        return f"{self.name} ({self.service})"


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
        return f"{self.digest} ({self.published_at:%Y-%m-%d})"
