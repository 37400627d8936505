import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tillit.shipping.models import Carrier

from .services import MAX_REASON


class PackForm(forms.Form):
    carrier = forms.ModelChoiceField(label=_("carrier"), queryset=Carrier.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["carrier"].queryset = Carrier.objects.filter(is_active=True)


class ShipForm(PackForm):
    tracking_number = forms.CharField(label=_("tracking number"), max_length=100)


class DeliverForm(forms.Form):
    """The day the buyer received the goods, as the carrier's tracking says: the 14-day
    right of withdrawal counts from it (distansavtalslagen 2 kap. 12 §), not from the day
    staff mark it."""

    delivered_on = forms.DateField(
        label=_("delivered on (as the carrier's tracking says)"),
        initial=timezone.localdate, widget=forms.DateInput(attrs={"type": "date"}))

    def clean_delivered_on(self):
        day = self.cleaned_data["delivered_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("The day of delivery cannot be in the future."))
        if day < timezone.localdate() - dt.timedelta(days=90):
            raise forms.ValidationError(_("That is more than 90 days ago: check the date."))
        return day

    def delivered_at(self) -> dt.datetime:
        """The chosen day, at noon in the shop's time zone."""
        return timezone.make_aware(dt.datetime.combine(self.cleaned_data["delivered_on"],
                                                       dt.time(12)))


class ReturnForm(forms.Form):
    """Which of the order's goods to return, and why (optional: the right of withdrawal
    needs no reason). One quantity field per returnable line; anything else posted is
    ignored, so another order's line cannot be named."""

    reason = forms.CharField(label=_("Reason (optional)"), required=False,
                             max_length=MAX_REASON, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, returnable, **kwargs):
        super().__init__(*args, **kwargs)
        self.returnable = returnable
        for row in returnable:
            self.fields[self.field_name(row.line)] = forms.IntegerField(
                label=row.line.name, required=False, min_value=0, max_value=row.left,
                initial=0, widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
        self.order_fields([*(self.field_name(r.line) for r in returnable), "reason"])

    @staticmethod
    def field_name(line) -> str:
        return f"line_{line.pk}"

    def line_fields(self):
        return [(row, self[self.field_name(row.line)]) for row in self.returnable]

    def clean(self):
        data = super().clean()
        if not self.errors and not any(self.quantities().values()):
            raise forms.ValidationError(_("Choose at least one item to return."))
        return data

    def quantities(self) -> dict[int, int]:
        return {row.line.pk: self.cleaned_data.get(self.field_name(row.line)) or 0
                for row in self.returnable}


class FreshLinkForm(forms.Form):
    """The e-mail address the order was placed with, to send a fresh link to."""

    email = forms.EmailField(label=_("The e-mail address you ordered with"), max_length=254)
