from django import forms
from django.utils.translation import gettext_lazy as _

from .services import MAX_REASON


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
