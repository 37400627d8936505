"""Forms of the rights pages. They validate; ``privacy.services`` writes."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tillit.privacy.models import PrivacyRequest

Kind = PrivacyRequest.Kind
# Passwords longer than this are refused before any hashing (a cheap defence against
# hashing huge inputs); no real password is this long.
PASSWORD_MAX = 256


# What a restriction or an objection is, in the person's words (GDPR art. 18 and 21).
RESTRICT_OR_OBJECT = [
    (Kind.RESTRICTION, _("Keep my data but do not use it (restriction), e.g. while you "
                         "check a correction I asked for")),
    (Kind.OBJECTION, _("I object to a use of my data that rests on your legitimate "
                       "interest (say which below)")),
]


def _message_field():
    return forms.CharField(
        label=_("What it concerns, and why"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For a restriction or an objection: which data or use, and why."))


class _NeedsMessage:
    def clean(self):
        data = super().clean()
        if data.get("kind") in (Kind.RESTRICTION, Kind.OBJECTION) and not (
                data.get("message") or "").strip():
            self.add_error("message", _("Say which data or which use it concerns, so we "
                                        "can act on it."))
        return data


class GuestRequestForm(_NeedsMessage, forms.Form):
    """A visitor asks by e-mail address for a copy of their data, its erasure, a
    restriction or an objection."""

    email = forms.EmailField(label=_("Your e-mail address"), max_length=254)
    kind = forms.ChoiceField(
        label=_("What do you want?"), widget=forms.RadioSelect, initial=Kind.ACCESS,
        choices=[(Kind.ACCESS, _("A copy of the personal data you hold about me")),
                 (Kind.ERASURE, _("Erase the personal data you hold about me")),
                 *RESTRICT_OR_OBJECT],
    )
    message = _message_field()


class RestrictOrObjectForm(_NeedsMessage, forms.Form):
    """An account holder asks for a restriction or objects, in their own words."""

    kind = forms.ChoiceField(label=_("What do you want?"), widget=forms.RadioSelect,
                             choices=RESTRICT_OR_OBJECT)
    message = _message_field()


class PasswordCheckForm(forms.Form):
    """Re-enter the password before an erasure."""

    password = forms.CharField(label=_("Your password"), strip=False, max_length=PASSWORD_MAX,
                               widget=forms.PasswordInput(attrs={
                                   "autocomplete": "current-password"}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("That is not your password."), code="wrong_password")
        return password


class ConfirmErasureForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I understand that once it is carried out, the erasure cannot be undone."),
        required=True)
