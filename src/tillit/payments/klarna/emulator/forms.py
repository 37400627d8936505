from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from tillit.core import vatnumber

PAYMENT_METHODS = {
    "invoice": ("INVOICE", _("Pay later (invoice, 14 days)")),
    "card": ("CARD", _("Card")),
}


def _auto(token: str) -> dict:
    return {"autocomplete": token}


BUYER_TYPES = {"person": _("Private person"), "organization": _("Company")}
# A Swedish org.nr: ten digits, a hyphen before the last four.
ORG_NR = RegexValidator(r"^\d{6}-?\d{4}$", _("Enter the org.nr as ten digits, e.g. "
                                              "556677-8899."))


class BuyerForm(forms.Form):
    """What the buyer types into the emulated checkout, as in the real one: a private
    person, or a company with its name, org.nr and (optionally) VAT number."""

    # Shown only to a company buyer where the page's script runs (all of them without it).
    COMPANY_FIELDS = ("organization_name", "organization_registration_id", "vat_id")

    customer_type = forms.ChoiceField(
        label=_("I am buying as"), widget=forms.RadioSelect, initial="person",
        choices=list(BUYER_TYPES.items()), required=False)
    organization_name = forms.CharField(
        label=_("Company name (company buyers)"), max_length=200, required=False,
        widget=forms.TextInput(attrs=_auto("organization")))
    organization_registration_id = forms.CharField(
        label=_("Org.nr (company buyers)"), max_length=11, required=False,
        validators=[ORG_NR])
    vat_id = forms.CharField(
        label=_("VAT number (company buyers, if registered)"), max_length=20,
        required=False)
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

    def __init__(self, *args, checkboxes=(), **kwargs):
        """``checkboxes``: the merchant's ``options.additional_checkboxes``, each shown
        after the buyer's details with the merchant's own words, ticked as the merchant
        asked (``checked``) and required when it said so."""
        super().__init__(*args, **kwargs)
        for box in checkboxes:
            self.fields[self.checkbox_field(box)] = forms.BooleanField(
                label=box["text"], required=bool(box.get("required")),
                initial=bool(box.get("checked")))

    @staticmethod
    def checkbox_field(box) -> str:
        return f"merchant_checkbox_{box['id']}"

    def clean_customer_type(self):
        return self.cleaned_data["customer_type"] or "person"

    def clean_organization_registration_id(self):
        value = self.cleaned_data["organization_registration_id"].strip()
        return f"{value[:6]}-{value[-4:]}" if value else ""

    def clean_vat_id(self):
        value = self.cleaned_data["vat_id"].strip()
        number = vatnumber.normalise(value)
        if value and not number:
            raise forms.ValidationError(_("Enter the VAT number with its country code, e.g. "
                                          "SE556677889901."))
        return number

    def clean(self):
        data = super().clean()
        if data.get("customer_type") == "organization":
            for name in ("organization_name", "organization_registration_id"):
                if not data.get(name) and name not in self.errors:
                    self.add_error(name, _("A company buyer gives this."))
        else:
            # A private person's purchase carries no company details.
            for name in ("organization_name", "organization_registration_id", "vat_id"):
                data[name] = ""
        return data

    def clean_postal_code(self):
        digits = self.cleaned_data["postal_code"].replace(" ", "")
        return f"{digits[:3]} {digits[3:]}"
