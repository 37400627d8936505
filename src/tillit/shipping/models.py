"""Carriers (P02): who delivers an order and where its parcel can be followed.

The shop owner keeps the list in the admin. Each carrier has a tracking URL template with a
``{tracking_number}`` placeholder, from which every shipped order gets its tracking link.
"""

from urllib.parse import quote

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

PLACEHOLDER = "{tracking_number}"


def validate_tracking_template(value: str) -> None:
    if PLACEHOLDER not in value:
        raise ValidationError(_("The template must contain {tracking_number}."))
    if not value.startswith("https://"):
        raise ValidationError(_("The tracking page must be an https:// address."))


class Carrier(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True,
                            help_text=_("Short name used by the export command, e.g. postnord."))
    name = models.CharField(_("name"), max_length=100)
    tracking_url_template = models.CharField(
        _("tracking page"), max_length=300, validators=[validate_tracking_template],
        help_text=_("Address of the carrier's tracking page, with {tracking_number} where "
                    "the number goes."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_default = models.BooleanField(
        _("default"), default=False,
        help_text=_("Used for orders packed without choosing a carrier."),
    )
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("carrier")
        verbose_name_plural = _("carriers")

    def __str__(self) -> str:
        return self.name

    def tracking_url(self, tracking_number: str) -> str:
        """The carrier's tracking page for ``tracking_number`` ('' without a number)."""
        if not tracking_number:
            return ""
        return self.tracking_url_template.replace(PLACEHOLDER, quote(tracking_number, safe=""))
