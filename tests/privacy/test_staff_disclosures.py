"""Disclosures staff record on the privacy desk (P21.a, P26.a): to an authority, a court,
the auditor or the police, with the legal ground; audited; in the person's access report
unless under legal secrecy (P26.b). Hostile input gets the form again, and records nothing.
"""

import datetime as dt
import io
import json
import zipfile

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import PASSWORD
from tillit.privacy import erasure
from tillit.privacy.models import AuditEvent, Disclosure

pytestmark = pytest.mark.django_db


def _url(who) -> str:
    return reverse("privacy_desk:person_disclosure", args=[f"u{who.pk}"])


def _form(**changes) -> dict:
    form = {"recipient_kind": "authority", "recipient": "Polismyndigheten, Region Väst",
            "legal_ground": "Begäran enligt rättegångsbalken 27 kap., ärende 5000-K123-26",
            "purpose": "essential.legal_obligation", "legal_basis": "legal_obligation",
            "categories": ["user.name", "user.contact.email", "user.behavior.purchase_history"],
            "on": (timezone.localdate() - dt.timedelta(days=3)).isoformat(),
            "reference": "5000-K123-26"}
    return {**form, **changes}


def _report(client) -> tuple[dict, str]:
    ready = client.post(reverse("privacy:export_request"))["Location"]
    response = client.get(ready + "hamta/")
    blob = b"".join(response.streaming_content) if response.streaming else response.content
    archive = zipfile.ZipFile(io.BytesIO(blob))
    return json.loads(archive.read("data.json")), archive.read("rapport.html").decode()


@pytest.mark.promise("P21.a", "P26.a", "P26.b", "P33.b")
def test_staff_record_a_disclosure_to_the_police_and_the_person_sees_it(
        staff_client, staff, holder, holder_client):
    response = staff_client.post(_url(holder), _form())
    assert response.status_code == 302
    entry = Disclosure.objects.get(recipient="Polismyndigheten, Region Väst")
    assert (entry.user, entry.email, entry.recorded_by) == (holder, holder.email, staff)
    assert entry.recipient_kind == "authority" and not entry.secret
    assert entry.legal_ground.startswith("Begäran enligt rättegångsbalken")
    assert timezone.localtime(entry.occurred_at).date() == \
        timezone.localdate() - dt.timedelta(days=3)
    assert sorted(entry.categories) == ["user.behavior.purchase_history",
                                        "user.contact.email", "user.name"]
    event = AuditEvent.objects.get(action=AuditEvent.Action.DISCLOSURE)
    assert (event.actor, event.subject) == (staff, holder)
    assert "Polismyndigheten" not in json.dumps(event.detail)  # no values in the log
    page = staff_client.get(reverse("privacy_desk:person", args=[f"u{holder.pk}"]))
    assert "Polismyndigheten, Region Väst" in page.content.decode()

    data, report = _report(holder_client)
    [listed] = [d for d in data["disclosures"] if d["recipient_kind"] == "authority"]
    assert listed["legal_ground"] == entry.legal_ground
    assert listed["reference"] == "5000-K123-26"
    assert "Polismyndigheten, Region Väst" in report and "rättegångsbalken 27 kap." in report


@pytest.mark.promise("P26.a", "P26.b")
def test_a_disclosure_under_legal_secrecy_stays_out_of_the_persons_report(
        staff_client, holder, holder_client):
    staff_client.post(_url(holder), _form(secret="on", recipient="Ekobrottsmyndigheten"))
    assert Disclosure.objects.get(recipient="Ekobrottsmyndigheten").secret
    page = staff_client.get(reverse("privacy_desk:person", args=[f"u{holder.pk}"]))
    assert "Ekobrottsmyndigheten" in page.content.decode()  # staff see it, marked
    data, report = _report(holder_client)
    assert "Ekobrottsmyndigheten" not in json.dumps(data) + report
    # Nor does anything else tell of it: not the audit log's entry about recording it, not
    # the number of ledger entries the erasure preview counts.
    secret = Disclosure.objects.get(recipient="Ekobrottsmyndigheten")
    events = [r for r in data["records"] if r["model"] == "privacy.AuditEvent"]
    targets = [row["values"]["target"] for r in events for row in r["rows"]]
    assert f"privacy.Disclosure:{secret.pk}" not in targets
    assert AuditEvent.objects.filter(target=f"privacy.Disclosure:{secret.pk}").exists()
    plan = erasure.preview(holder)
    [step] = [s for s in plan.steps if s.model == "privacy.Disclosure"]
    shown = sum(1 for d in data["disclosures"])
    assert step.count == shown + 1 and step.shown_count == shown
    holder_client.post(reverse("privacy:erase_start"), {"password": PASSWORD})
    preview = holder_client.get(reverse("privacy:erase_confirm")).content.decode()
    assert f"<tr><td>{step.title}</td><td>{shown}</td>" in preview


@pytest.mark.promise("P26.a")
def test_a_guest_known_by_e_mail_gets_the_entry_on_their_address(staff_client,
                                                                 guest_disclosure):
    found = staff_client.post(reverse("privacy_desk:search"), {"q": "gast@example.com"})
    ref = found.context["guest_ref"]
    response = staff_client.post(reverse("privacy_desk:person_disclosure", args=[ref]),
                                 _form(recipient_kind="auditor", recipient="Revisorerna KB",
                                       purpose="essential.legal_claims",
                                       legal_basis="legitimate_interest"))
    assert response.status_code == 302
    entry = Disclosure.objects.get(recipient="Revisorerna KB")
    assert entry.user is None and entry.email == "gast@example.com"


@pytest.mark.parametrize(("changes", "field"), [
    ({"legal_ground": "   "}, "legal_ground"),
    ({"recipient": ""}, "recipient"),
    ({"on": (timezone.localdate() + dt.timedelta(days=1)).isoformat()}, "on"),
    ({"on": "2001-01-01"}, "on"),
    ({"on": "31/31/2026"}, "on"),
    ({"recipient_kind": "hosting"}, "recipient_kind"),  # the shop's own flows record these
    ({"purpose": "marketing.communications.email"}, "purpose"),
    ({"legal_basis": "consent"}, "legal_basis"),
    ({"categories": []}, "categories"),
    ({"categories": ["user.nothing"]}, "categories"),
    ({"recipient": "x" * 201}, "recipient"),
    ({"legal_ground": "Beslut\x00"}, "legal_ground"),
    ({"recipient": "\u200b\u200b"}, "recipient"),
    ({"recipient": "Polisen \u202eteg"}, "recipient"),
    ({"legal_ground": "Beslut\tmed tab"}, "legal_ground"),
    ({"reference": "ärende\u200b1"}, "reference"),
])
def test_hostile_or_incomplete_input_gets_the_form_again_and_records_nothing(
        staff_client, holder, changes, field):
    response = staff_client.post(_url(holder), _form(**changes))
    assert response.status_code == 400
    assert field in response.context["disclosure_form"].errors
    assert not Disclosure.objects.filter(recorded_by__isnull=False).exists()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.DISCLOSURE).exists()


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(values=st.dictionaries(
    st.sampled_from(["recipient_kind", "recipient", "legal_ground", "purpose",
                     "legal_basis", "categories", "on", "reference", "secret"]),
    st.text(max_size=400)))
def test_any_form_post_answers_below_500(staff_client, holder, values):
    response = staff_client.post(_url(holder), values)
    assert response.status_code in (302, 400)


def test_only_staff_record_disclosures(holder, holder_client):
    assert holder_client.post(_url(holder), _form()).status_code in (302, 403)
    assert Client().post(_url(holder), _form()).status_code in (302, 403)
    assert not Disclosure.objects.filter(recipient_kind="authority").exists()
