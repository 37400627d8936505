"""Forms of the cart: they turn posted text into whole numbers; the rules live in services."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from . import services

# ASCII digits only: int() would also accept other scripts' digits, which no browser sends
# for a number input and which a person reading the cart would not recognise.
_WHOLE_NUMBER = re.compile(r"[+-]?[0-9]{1,12}", re.ASCII)


class WholeNumberField(forms.Field):
    """A whole number typed by a person (surrounding spaces allowed, at most 12 digits)."""

    widget = forms.NumberInput

    def to_python(self, value):
        text = "" if value in self.empty_values else str(value).strip()
        if not text:
            return None
        if not _WHOLE_NUMBER.fullmatch(text):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return int(text)


class AddToCartForm(forms.Form):
    """What a product page posts: ``product`` (its id) and ``quantity`` (1 if left out)."""

    product = WholeNumberField(
        widget=forms.HiddenInput,
        error_messages={"required": services.PRODUCT_UNAVAILABLE,
                        "invalid": services.PRODUCT_UNAVAILABLE},
    )
    quantity = WholeNumberField(
        label=_("Quantity"), required=False, error_messages={"invalid": services.NOT_A_NUMBER},
    )

    def clean_quantity(self):
        quantity = self.cleaned_data["quantity"]
        return 1 if quantity is None else quantity


class LineQuantityForm(forms.Form):
    """The quantity field of one cart line."""

    quantity = WholeNumberField(
        label=_("Quantity"),
        error_messages={"required": services.NOT_A_NUMBER, "invalid": services.NOT_A_NUMBER},
    )


def first_error(form: forms.Form) -> str:
    """The first error of an invalid form, to show as a message."""
    for errors in form.errors.values():
        return errors[0]
    return str(services.NOT_A_NUMBER)
