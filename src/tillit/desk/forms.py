"""Forms of the privacy desk. They validate; ``privacy.services`` writes."""

from __future__ import annotations

import datetime as dt
import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tillit.accounts import selectors as account_selectors
from tillit.accounts.forms import AccountDetailsForm, AddressForm
from tillit.accounts.validators import reject_control_characters
from tillit.privacy import consents, taxonomy
from tillit.privacy.disclosures import STAFF_PURPOSES, STAFF_RECIPIENT_KINDS
from tillit.privacy.erasure import reason_names_person
from tillit.privacy.models import AuditEvent, PrivacyRequest, Restriction

Kind = PrivacyRequest.Kind


class PersonSearchForm(forms.Form):
    q = forms.CharField(label=_("E-mail address, user ID or account number"), max_length=254)


class AuditSearchForm(forms.Form):
    q = forms.CharField(label=_("E-mail address, user ID or account number"), max_length=254,
                        required=False)
    action = forms.ChoiceField(label=_("Action"), required=False,
                               choices=[("", _("all"))] + list(AuditEvent.Action.choices))


class NewRequestForm(forms.Form):
    """A request staff received by phone, letter or e-mail."""

    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices)
    email = forms.EmailField(label=_("E-mail address of the person"), max_length=254)
    received_on = forms.DateField(label=_("Received on"), initial=timezone.localdate,
                                  widget=forms.DateInput(attrs={"type": "date"}))
    verified = forms.BooleanField(label=_("The person's identity has been verified"),
                                  required=False)
    note = forms.CharField(label=_("Note"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 3}))

    def clean_received_on(self):
        day = self.cleaned_data["received_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("A request cannot be received in the future."))
        if day < timezone.localdate() - dt.timedelta(days=366):
            raise forms.ValidationError(_("That is more than a year ago."))
        return day


class CloseRequestForm(forms.Form):
    status = forms.ChoiceField(label=_("Outcome"), choices=[
        (PrivacyRequest.Status.DONE, _("done")),
        (PrivacyRequest.Status.REFUSED, _("refused (say why in the note)")),
    ])
    note = forms.CharField(label=_("Note"), required=False, max_length=1000,
                           widget=forms.Textarea(attrs={"rows": 2}))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("status") == PrivacyRequest.Status.REFUSED and not cleaned.get("note"):
            self.add_error("note", _("Say why the request is refused."))
        return cleaned


class StaffExportForm(forms.Form):
    verified = forms.BooleanField(
        label=_("I have verified that the requester is this person"), required=True)


class StaffErasureForm(forms.Form):
    """Staff erase a person; an override of open orders needs a reason, which the audit log
    keeps after the erasure, so it must not name the person."""

    confirm = forms.BooleanField(label=_("Erase this person's data now"), required=True)
    override_reason = forms.CharField(
        label=_("Reason to go ahead despite open orders"), required=False, max_length=300,
        help_text=_("Only when the preview lists open orders. Kept in the audit log: write "
                    "it without the person's name, e-mail or phone number. A legal hold "
                    "cannot be overridden: lift it first."))

    def __init__(self, *args, person=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.person = person

    def clean_override_reason(self):
        reason = self.cleaned_data["override_reason"].strip()
        if reason and self.person is not None and reason_names_person(self.person, reason):
            raise forms.ValidationError(
                _("The reason is kept in the audit log after the erasure: leave out the "
                  "person's name, e-mail address, phone number and other details."),
                code="names_person")
        return reason


class HoldForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300)
    until = forms.DateField(label=_("Until (empty: until lifted)"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}))
    secret = forms.BooleanField(
        label=_("Under legal secrecy"), required=False,
        help_text=_("Only when the law forbids telling the person (e.g. a criminal "
                    "investigation): the hold is then left out of their access report, and "
                    "their erasure preview does not say why."))

    def clean_until(self):
        until = self.cleaned_data["until"]
        if until is not None and until < timezone.localdate():
            raise forms.ValidationError(_("The end date has passed."))
        return until


class DisclosureForm(forms.Form):
    """A disclosure staff record: data handed to an authority, a court, the auditor or the
    police for a legal or security reason (P21.a, P26.a)."""

    recipient_kind = forms.ChoiceField(
        label=_("Kind of recipient"),
        choices=lambda: [(k, taxonomy.RECIPIENTS[k]) for k in STAFF_RECIPIENT_KINDS])
    recipient = forms.CharField(label=_("Recipient (authority, court, company)"),
                                max_length=200)
    legal_ground = forms.CharField(
        label=_("Legal ground"), max_length=300,
        help_text=_("The provision or decision it rests on, e.g. 'Polisens begäran enligt "
                    "rättegångsbalken 27 kap.' or 'Skatteverkets föreläggande'."))
    purpose = forms.ChoiceField(
        label=_("Why"), choices=lambda: [(k, taxonomy.PURPOSES[k]) for k in STAFF_PURPOSES])
    legal_basis = forms.ChoiceField(
        label=_("Legal basis"),
        choices=lambda: [(k, f"{label} ({article})")
                         for k, (label, article) in taxonomy.BASES.items()
                         if k in ("legal_obligation", "legitimate_interest")])
    categories = forms.MultipleChoiceField(
        label=_("What was disclosed"), widget=forms.CheckboxSelectMultiple,
        choices=lambda: sorted(taxonomy.CATEGORIES.items(), key=lambda kv: str(kv[1])))
    on = forms.DateField(label=_("Disclosed on"), initial=timezone.localdate,
                         widget=forms.DateInput(attrs={"type": "date"}))
    reference = forms.CharField(label=_("Reference (case or file number)"), max_length=200,
                                required=False)
    secret = forms.BooleanField(
        label=_("Under legal secrecy"), required=False,
        help_text=_("Only when the law forbids telling the person (e.g. a criminal "
                    "investigation): the disclosure is then left out of their access "
                    "report."))

    def clean_on(self):
        on = self.cleaned_data["on"]
        if on > timezone.localdate():
            raise forms.ValidationError(_("Record a disclosure once it has happened: the "
                                          "date is in the future."))
        if on < timezone.localdate() - dt.timedelta(days=365 * 10):
            raise forms.ValidationError(_("The date is more than ten years back: the "
                                          "ledger keeps disclosures for ten years."))
        return on

    def clean_recipient(self):
        recipient = _ledger_text(self.cleaned_data["recipient"])
        if not recipient:
            raise forms.ValidationError(_("Name the recipient."))
        return recipient

    def clean_legal_ground(self):
        ground = _ledger_text(self.cleaned_data["legal_ground"])
        if not ground:
            raise forms.ValidationError(_("State the legal ground the disclosure rests on."))
        return ground

    def clean_reference(self):
        return _ledger_text(self.cleaned_data["reference"])


def _ledger_text(value: str) -> str:
    """A line of text for the append-only ledger, as it reads: no control characters, and
    no invisible format characters (zero-width spaces, direction overrides) that would make
    an entry read differently from what it holds."""
    reject_control_characters(value)
    if any(unicodedata.category(ch) == "Cf" for ch in value):
        raise forms.ValidationError(_("Remove the invisible characters (such as zero-width "
                                      "spaces or direction marks)."))
    return value.strip()


class StaffRectificationForm(AccountDetailsForm):
    """Staff correct an account's details on the person's request, saying why. Unlike the
    account holder's own edit, an address another account has is refused outright: staff
    see every account anyway, and ``account`` is the one being corrected."""

    reason = forms.CharField(label=_("Reason (the person's request, how it came)"),
                             max_length=300)

    def __init__(self, *args, account, **kwargs):
        self.account = account
        super().__init__(*args, **kwargs)

    def clean_email(self):
        email = super().clean_email()
        if account_selectors.email_taken(email, exclude=self.account):
            raise ValidationError(_("Another account has that e-mail address."),
                                  code="email_taken")
        return email


class StaffAddressRectificationForm(AddressForm):
    """Staff correct one entry of an account's address book on the person's request,
    saying why. Which entry is the default stays the account holder's choice."""

    reason = forms.CharField(label=_("Reason (the person's request, how it came)"),
                             max_length=300)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["make_default"]

    def address_data(self) -> dict:
        data = super().address_data()
        data.pop("reason", None)
        return data


class ConsentEntryForm(forms.Form):
    """A yes or no the person gave by phone or letter (P20.c), with a note saying so."""

    topic = forms.ChoiceField(label=_("What"), choices=lambda: [
        (k, t.label) for k, t in consents.topics().items() if not k.startswith("cookies.")])
    given = forms.TypedChoiceField(
        label=_("Their choice"), coerce=lambda v: v == "1",
        choices=(("0", _("No: withdraws consent or objects")), ("1", _("Yes: gives consent"))))
    note = forms.CharField(
        label=_("Note"), max_length=500, validators=[reject_control_characters],
        help_text=_("How and when it reached the shop, e.g. 'Phoned 7 Dec, asked to get no "
                    "more newsletters'."))


class RestrictionForm(forms.Form):
    """A restriction of processing staff put in force (GDPR art. 18.1)."""

    ground = forms.ChoiceField(label=_("Ground"), choices=Restriction.Ground.choices)
