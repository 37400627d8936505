"""Forms of the newsletter pages. They validate; the views hand the result to services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from tillit.accounts.validators import reject_control_characters
from tillit.core.phone import same_mobile
from tillit.privacy import consents

from .privacy import LETTER, SMS


class SignupForm(forms.Form):
    email = forms.EmailField(label=_("E-mail"), max_length=254,
                             validators=[reject_control_characters])


class ChoiceForm(forms.Form):
    """One yes or no on the account page. A yes to SMS needs a mobile number on the
    account, a yes to letters an address in the address book: a consent nobody can act
    on is not asked for."""

    topic = forms.ChoiceField(choices=())
    given = forms.TypedChoiceField(choices=(("1", _("Yes")), ("0", _("No"))),
                                   coerce=lambda v: v == "1")

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["topic"].choices = [(k, t.label) for k, t in consents.topics().items()
                                        if not k.startswith("cookies.")]

    def clean(self):
        data = super().clean()
        if not data.get("given") or self.user is None:
            return data
        if data.get("topic") == SMS.key and not same_mobile(self.user.phone):
            raise forms.ValidationError(_(
                "Add a mobile number on your account page first: SMS go to that number."),
                code="no_mobile")
        if data.get("topic") == LETTER.key and not self.user.addresses.exists():
            raise forms.ValidationError(_(
                "Add an address to your address book first: letters go to your default "
                "address."), code="no_address")
        return data
