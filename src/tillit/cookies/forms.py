from django import forms
from django.utils.translation import gettext_lazy as _

from .declarations import optional

ALL, NECESSARY_ONLY, SAVE = "all", "necessary", "save"


class ChoiceForm(forms.Form):
    """The banner's and the cookie page's one form: accept all, necessary only, or the
    categories ticked."""

    choice = forms.ChoiceField(
        choices=[(ALL, ALL), (NECESSARY_ONLY, NECESSARY_ONLY), (SAVE, SAVE)],
        error_messages={"required": _("Choose which cookies to allow."),
                        "invalid_choice": _("Choose which cookies to allow.")})
    categories = forms.MultipleChoiceField(
        required=False, widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("There is no such kind of cookie.")})
    next = forms.CharField(required=False, max_length=2000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["categories"].choices = [(c.key, c.label) for c in optional()]

    def allowed(self) -> set[str]:
        picked = self.cleaned_data["choice"]
        if picked == ALL:
            return {c.key for c in optional()}
        if picked == NECESSARY_ONLY:
            return set()
        return set(self.cleaned_data["categories"])
