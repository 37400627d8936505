from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

PAYMENT_METHODS = {
    "invoice": ("INVOICE", _("Pay later (invoice, 14 days)")),
    "card": ("CARD", _("Card")),
}


def _auto(token: str) -> dict:
    return {"autocomplete": token}


class BuyerForm(forms.Form):
    """What the buyer types into the emulated checkout, as in the real one."""

    email = forms.EmailField(label=_("E-mail"), max_length=254,
                             widget=forms.EmailInput(attrs=_auto("email")))
    given_name = forms.CharField(label=_("First name"), max_length=100,
                                 widget=forms.TextInput(attrs=_auto("given-name")))
    family_name = forms.CharField(label=_("Last name"), max_length=100,
                                  widget=forms.TextInput(attrs=_auto("family-name")))
    street_address = forms.CharField(label=_("Street address"), max_length=200,
                                     widget=forms.TextInput(attrs=_auto("street-address")))
    postal_code = forms.CharField(
        label=_("Postal code"), max_length=6,
        widget=forms.TextInput(attrs={**_auto("postal-code"), "inputmode": "numeric"}),
        validators=[RegexValidator(r"^\d{3} ?\d{2}$", _("Enter a Swedish postal code, "
                                                         "e.g. 565 31."))])
    city = forms.CharField(label=_("City"), max_length=100,
                           widget=forms.TextInput(attrs=_auto("address-level2")))
    phone = forms.CharField(
        label=_("Mobile phone"), max_length=30,
        widget=forms.TextInput(attrs={**_auto("tel"), "type": "tel"}),
        validators=[RegexValidator(r"^\+?[0-9][0-9 ()-]{5,28}$",
                                   _("Enter a phone number, e.g. 070-123 45 67."))])
    payment_method = forms.ChoiceField(
        label=_("Payment method"), widget=forms.RadioSelect, initial="invoice",
        choices=[(key, label) for key, (_code, label) in PAYMENT_METHODS.items()])

    def clean_postal_code(self):
        digits = self.cleaned_data["postal_code"].replace(" ", "")
        return f"{digits[:3]} {digits[3:]}"
