"""Forms of the security layer: the login throttle every login form mixes in, and the
staff two-factor form."""

import math

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.validators import RegexValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import conf, services
from .models import FailedLogin


class ThrottledLoginMixin:
    """For a subclass of Django's ``AuthenticationForm``: a (user name, IP address) pair,
    or a user name guessed at from many addresses, that is cooling down after too many
    failures (P13) is refused with a clear message before the password is looked at, so no
    hashing is spent on it and guessing stops. The refusal is logged. The message is the
    same whether or not the user name exists.
    """

    throttled_messages = {
        FailedLogin.Reason.THROTTLED: _(
            "Too many failed attempts to log in with this user ID from your network. Wait "
            "%(minutes)d minutes and try again, or reset your password."
        ),
        FailedLogin.Reason.ACCOUNT_COOLDOWN: _(
            "Too many failed attempts to log in with this user ID recently, from several "
            "networks. Wait %(minutes)d minutes and try again, or reset your password."
        ),
    }

    def clean(self):
        username = self.cleaned_data.get("username")
        if username is not None and self.request is not None and conf.enabled():
            refusal = services.login_refusal(self.request, username)
            if refusal is not None:
                services.record_failed_login(self.request, username, reason=refusal.reason)
                minutes = max(1, math.ceil(
                    (refusal.until - timezone.now()).total_seconds() / 60))
                raise forms.ValidationError(self.throttled_messages[refusal.reason],
                                            code="throttled", params={"minutes": minutes})
        return super().clean()


class AdminLoginForm(ThrottledLoginMixin, AdminAuthenticationForm):
    """The admin's login form, throttled like the shop's."""


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("Code from your authenticator app"), min_length=6, max_length=8,
        validators=[RegexValidator(r"^[0-9]{6,8}$", _("Enter the digits only."))],
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric",
                                      "autofocus": True}),
    )

    def __init__(self, *args, device=None, **kwargs):
        self.device = device
        super().__init__(*args, **kwargs)

    def clean_token(self):
        token = self.cleaned_data["token"]
        allowed, _detail = self.device.verify_is_allowed()
        if not allowed or not self.device.verify_token(token):
            raise forms.ValidationError(
                _("That code is not right, or it has expired. Try the current one."),
                code="invalid_token")
        return token
