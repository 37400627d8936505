"""Forms of the rights pages. They validate; ``privacy.services`` writes."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tillit.privacy.models import PrivacyRequest

Kind = PrivacyRequest.Kind
# Passwords longer than this are refused before any hashing (a cheap defence against
# hashing huge inputs); no real password is this long.
PASSWORD_MAX = 256


class GuestRequestForm(forms.Form):
    """A visitor asks by e-mail address for a copy of their data or its erasure."""

    email = forms.EmailField(label=_("Your e-mail address"), max_length=254)
    kind = forms.ChoiceField(
        label=_("What do you want?"), widget=forms.RadioSelect, initial=Kind.ACCESS,
        choices=[(Kind.ACCESS, _("A copy of the personal data you hold about me")),
                 (Kind.ERASURE, _("Erase the personal data you hold about me"))],
    )


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
        label=_("I understand that this cannot be undone."), required=True)
