"""The privacy desk's page of one person: what every form on it needs when the page is
shown again, with a form's errors (``views``, ``restrictions``)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from tillit.accounts import selectors as account_selectors
from tillit.privacy import consents, erasure, restrictions, selectors
from tillit.privacy.datamap import Person
from tillit.privacy.models import PrivacyRequest

from .forms import (
    ConsentEntryForm,
    DisclosureForm,
    HoldForm,
    RestrictionForm,
    StaffErasureForm,
    StaffExportForm,
)


def person_context(request, ref: str, person: Person, **forms) -> dict:
    plan = erasure.preview(person)
    return {
        "title": _("Person"), "ref": ref, "person": person, "account": person.user,
        "addresses": (account_selectors.addresses_for(person.user)
                      if person.user is not None else []),
        "holdings": selectors.holdings(person),
        "requests": selectors.requests_of(person)[:20],
        "holds": selectors.holds_of(person),
        "restrictions": restrictions.of(person),
        "stopped": restrictions.stopped_texts(),
        "restriction_form": forms.get("restriction_form") or RestrictionForm(),
        "disclosures": selectors.legal_disclosures_of(person)[:50],
        "events": selectors.audit_log(person, limit=20),
        "plan": plan,
        "export_form": forms.get("export_form") or StaffExportForm(),
        "erase_form": forms.get("erase_form") or StaffErasureForm(person=person),
        "hold_form": forms.get("hold_form") or HoldForm(),
        "disclosure_form": forms.get("disclosure_form") or DisclosureForm(),
        "consents": consents.history(person),
        "consent_form": forms.get("consent_form") or ConsentEntryForm(),
        "erase_errors": forms.get("erase_errors", []),
    }


def open_request(person: Person, kind: str) -> PrivacyRequest | None:
    return (selectors.requests_of(person).filter(kind=kind)
            .filter(status__in=selectors.OPEN_STATUSES).order_by("received_at").first())
