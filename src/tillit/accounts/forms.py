"""Forms for accounts and the address book.

Forms validate and normalise; they never write. Views hand ``cleaned_data`` to
``services``. The registration form asks for exactly what the policy lists under P06
(name, e-mail, phone, user ID, password, company with its org.nr) and nothing more.

No user enumeration: registration does not look at whether an account has the e-mail
address at all (``services.register`` answers every valid registration alike, by e-mail).
A taken user ID cannot be hidden (the account needs one of its own), so it gets a plain,
neutral "taken" error that says nothing about whose it is. Changing the address on the
profile page does not look either: the new address gets a confirmation link (or, if an
account has it, its owner a notice), see ``services.request_email_change``.
"""

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, SetPasswordMixin, UsernameField
from django.contrib.auth.forms import PasswordResetForm as DjangoPasswordResetForm
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from tillit.security.forms import ThrottledLoginMixin

from . import selectors, services
from .models import Address, User
from .validators import (
    normalise_org_nr,
    normalise_phone,
    normalise_postal_code,
    reject_control_characters,
)

# Long enough for any passphrase, short enough that hashing stays cheap.
PASSWORD_MAX_LENGTH = 1024

USERNAME_TAKEN = _("That user ID is taken. Choose another one.")


def _user_field(name, **kwargs):
    return User._meta.get_field(name).formfield(**kwargs)


def _address_field(name, **kwargs):
    return Address._meta.get_field(name).formfield(**kwargs)


def _autocomplete(field, token):
    field.widget.attrs["autocomplete"] = token
    return field


def _cap_password_length(field):
    field.max_length = PASSWORD_MAX_LENGTH
    field.validators.append(MaxLengthValidator(PASSWORD_MAX_LENGTH))
    field.widget.attrs["maxlength"] = str(PASSWORD_MAX_LENGTH)


def _single_line(value: str) -> str:
    reject_control_characters(value)
    return value


def normalise_email(value: str) -> str:
    """The address with its domain in lower case (the local part is the owner's)."""
    local, _sep, domain = value.rpartition("@")
    return f"{local}@{domain.lower()}"


class AccountDetailsForm(forms.Form):
    """An account's own details, shared by registration and the profile edit."""

    name = _autocomplete(_user_field("name"), "name")
    email = _autocomplete(_user_field("email"), "email")
    phone = _autocomplete(_user_field("phone"), "tel")
    company = _autocomplete(
        _user_field("company", help_text=_("Only if you buy for a company.")), "organization"
    )
    org_nr = _autocomplete(
        _user_field("org_nr", help_text=_("Required with a company name. Format NNNNNN-NNNN.")),
        "off",
    )

    def clean_name(self):
        return _single_line(self.cleaned_data["name"])

    def clean_company(self):
        return _single_line(self.cleaned_data["company"])

    def clean_email(self):
        # Whether another account has it is never this form's business: registration and
        # the e-mail change answer alike either way (see the module).
        return normalise_email(self.cleaned_data["email"])

    def clean_phone(self):
        phone = self.cleaned_data["phone"]
        return normalise_phone(phone) if phone else ""

    def clean_org_nr(self):
        org_nr = self.cleaned_data["org_nr"]
        return normalise_org_nr(org_nr) if org_nr else ""

    def clean(self):
        cleaned = super().clean()
        company, org_nr = cleaned.get("company"), cleaned.get("org_nr")
        # Only judge the pair when both fields passed their own checks.
        if "company" not in self.errors and "org_nr" not in self.errors:
            if company and not org_nr:
                self.add_error("org_nr", ValidationError(
                    _("Enter the company's org.nr."), code="org_nr_required"))
            elif org_nr and not company:
                self.add_error("company", ValidationError(
                    _("Enter the company name that goes with the org.nr."),
                    code="company_required"))
        return cleaned

    def account_data(self) -> dict:
        """The cleaned details, as keyword arguments for the account services."""
        return {k: self.cleaned_data[k] for k in ("name", "email", "phone", "company", "org_nr")}


class RegistrationForm(SetPasswordMixin, AccountDetailsForm):
    """Create an account: P06's fields, the password twice, nothing more. Whether the
    address has an account already is not this form's business (see the module)."""

    username = _autocomplete(UsernameField(
        label=capfirst(User._meta.get_field("username").verbose_name),
        max_length=User._meta.get_field("username").max_length,
        validators=[UnicodeUsernameValidator()],
        help_text=_("What you log in with. Letters, digits and @/./+/-/_ only."),
    ), "username")
    password1, password2 = SetPasswordMixin.create_password_fields(
        label1=_("Password"), label2=_("Password again")
    )

    field_order = [
        "name", "email", "phone", "username", "password1", "password2", "company", "org_nr",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Built per form, not at import, so the help text is in the visitor's language.
        help_html = password_validation.password_validators_help_text_html()
        self.fields["password1"].help_text = help_html
        for name in ("password1", "password2"):
            _cap_password_length(self.fields[name])

    def clean_username(self):
        username = self.cleaned_data["username"]
        if selectors.username_taken(username):
            raise ValidationError(USERNAME_TAKEN, code="username_taken")
        return username

    def clean(self):
        cleaned = super().clean()
        self.validate_passwords()
        # The validators compare the password with the person's own details.
        candidate = User(
            username=cleaned.get("username", ""), name=cleaned.get("name", ""),
            email=cleaned.get("email", ""), company=cleaned.get("company", ""),
        )
        self.validate_password_for_user(candidate)
        return cleaned

    def account_data(self) -> dict:
        return {
            **super().account_data(),
            "username": self.cleaned_data["username"],
            "password": self.cleaned_data["password1"],
        }


class ProfileForm(AccountDetailsForm):
    """Change the account's details (P30). The user ID stays as it is.

    A new e-mail address needs the current password, so that a borrowed session alone
    cannot move the account to another mailbox; it then takes effect only through the link
    sent to it (``services.request_email_change``). ``user`` is the account being edited.
    """

    current_password = forms.CharField(
        label=_("Current password"), required=False, strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("Only needed to change the e-mail address."),
    )

    field_order = ["name", "email", "current_password", "phone", "company", "org_nr"]

    def __init__(self, *args, user: User, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        _cap_password_length(self.fields["current_password"])

    @staticmethod
    def moves_mailbox(user: User, email: str) -> bool:
        """Whether ``email`` is another mailbox than ``user``'s (not just another case)."""
        return bool(email) and email.lower() != user.email.lower()

    def clean(self):
        cleaned = super().clean()
        if ("email" not in self.errors
                and self.moves_mailbox(self.user, cleaned.get("email"))
                and not self.user.check_password(cleaned.get("current_password") or "")):
            self.add_error("current_password", ValidationError(
                _("Enter your current password to change the e-mail address."),
                code="password_needed"))
        return cleaned


class LoginForm(ThrottledLoginMixin, AuthenticationForm):
    """Log in with the user ID (any letter case) and password. Throttled by the security
    layer (P13): a cooled-down (user ID, address) pair is refused before any hashing."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = capfirst(User._meta.get_field("username").verbose_name)
        self.fields["username"].max_length = User._meta.get_field("username").max_length
        _cap_password_length(self.fields["password"])


class PasswordResetForm(DjangoPasswordResetForm):
    """Django's reset form, answering alike for every address: :meth:`save` looks nothing
    up, it stores the address typed and enqueues one task (``tasks.send_password_reset``,
    given only the stored row's id) that finds the accounts and sends the link, so the
    request's work does not depend on the address (no user enumeration, by answer or by
    timing)."""

    def save(self, *, request=None, use_https=False, domain_override=None, **kwargs):
        from django.contrib.sites.shortcuts import get_current_site

        services.request_password_reset(
            self.cleaned_data["email"], protocol="https" if use_https else "http",
            domain=domain_override or get_current_site(request).domain)


class AddressForm(forms.Form):
    """One address book entry."""

    name = _autocomplete(_address_field("name"), "name")
    company = _autocomplete(_address_field("company"), "organization")
    street = _autocomplete(_address_field("street"), "street-address")
    postal_code = _autocomplete(_address_field("postal_code"), "postal-code")
    city = _autocomplete(_address_field("city"), "address-level2")
    country = _autocomplete(_address_field("country"), "country")
    phone = _autocomplete(_address_field("phone"), "tel")
    make_default = forms.BooleanField(label=_("Use as my default address"), required=False)

    def clean_name(self):
        return _single_line(self.cleaned_data["name"])

    def clean_company(self):
        return _single_line(self.cleaned_data["company"])

    def clean_street(self):
        return _single_line(self.cleaned_data["street"])

    def clean_city(self):
        return _single_line(self.cleaned_data["city"])

    def clean_postal_code(self):
        return normalise_postal_code(self.cleaned_data["postal_code"])

    def clean_phone(self):
        phone = self.cleaned_data["phone"]
        return normalise_phone(phone) if phone else ""

    def address_data(self) -> dict:
        """The cleaned entry, as keyword arguments for the address services."""
        return {k: v for k, v in self.cleaned_data.items() if k != "make_default"}
