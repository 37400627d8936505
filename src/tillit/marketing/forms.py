"""Forms of the newsletter pages. They validate; the views hand the result to services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from tillit.accounts.validators import reject_control_characters
from tillit.privacy import consents


class SignupForm(forms.Form):
    email = forms.EmailField(label=_("E-mail"), max_length=254,
                             validators=[reject_control_characters])


class ChoiceForm(forms.Form):
    """One yes or no on the account page."""

    topic = forms.ChoiceField(choices=())
    given = forms.TypedChoiceField(choices=(("1", _("Yes")), ("0", _("No"))),
                                   coerce=lambda v: v == "1")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topic"].choices = [(k, t.label) for k, t in consents.topics().items()
                                        if not k.startswith("cookies.")]
