"""Rectification (P30): self-service edits and staff corrections are logged by field name,
never by value, and recipients who received the data get an Art. 19 notice task."""

import json
import re

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import PASSWORD
from tillit.accounts.models import Address
from tillit.privacy.models import AuditEvent, PrivacyRequest, RecipientNotice

pytestmark = pytest.mark.django_db
RECT = AuditEvent.Action.RECTIFICATION

PROFILE = {"name": "Maja Mätare", "email": "maja@example.com", "phone": "070-111 22 33",
           "company": "", "org_nr": ""}


@pytest.mark.promise("P30.a", "P33.b")
def test_a_self_service_edit_is_logged_by_field_name_only(holder_client, holder):
    response = holder_client.post(reverse("accounts:profile_edit"),
                                  {**PROFILE, "name": "Maja Rättad", "phone": "070-999 00 00"})
    assert response.status_code == 302
    event = AuditEvent.objects.get(action=RECT)
    assert event.subject == holder and event.actor is None
    assert event.detail["fields"] == ["name", "phone"]
    assert event.detail["channel"] == "self_service"
    stored = json.dumps(event.detail) + event.target
    assert "Rättad" not in stored and "070" not in stored


def test_saving_unchanged_details_logs_nothing(holder_client):
    holder_client.post(reverse("accounts:profile_edit"), PROFILE)
    assert not AuditEvent.objects.filter(action=RECT).exists()


@pytest.mark.promise("P30.a")
def test_a_rectified_field_a_recipient_received_makes_a_notice_task(holder_client,
                                                                      mailoutbox):
    holder_client.post(reverse("accounts:profile_edit"), {**PROFILE, "name": "Maja Rättad"})
    notice = RecipientNotice.objects.get()
    assert notice.reason == RecipientNotice.Reason.RECTIFICATION
    assert (notice.recipient, notice.references, notice.fields) == (
        "Kustom", ["kco-maja-1"], ["name"])
    # A second change before staff have told Kustom joins the same task: a new address,
    # once its owner has confirmed it from the new mailbox.
    holder_client.post(reverse("accounts:profile_edit"),
                       {**PROFILE, "name": "Maja Rättad", "email": "maja2@example.com",
                        "current_password": PASSWORD})
    assert RecipientNotice.objects.get().fields == ["name"]
    (link,) = re.findall(r"/konto/e-post/bekrafta/[^/\s]+/", mailoutbox[-1].body)
    assert holder_client.post(link).status_code == 302
    notice = RecipientNotice.objects.get()
    assert notice.fields == ["email", "name"]


def test_a_field_no_recipient_received_makes_no_notice(holder_client):
    # Kustom received name, e-mail and street; not the phone number.
    holder_client.post(reverse("accounts:profile_edit"), {**PROFILE, "phone": "070-000 00 01"})
    assert AuditEvent.objects.filter(action=RECT).count() == 1
    assert not RecipientNotice.objects.exists()


@pytest.mark.promise("P30.a", "P33.b")
def test_address_book_changes_are_logged(holder_client, holder):
    address = Address.objects.get(user=holder, city="Jobbstad")
    data = {"name": "Maja på jobbet", "company": "", "street": "Nya gatan 1",
            "postal_code": "123 46", "city": "Jobbstad", "country": "SE", "phone": ""}
    assert holder_client.post(reverse("accounts:address_update", args=[address.pk]),
                              data).status_code == 302
    holder_client.post(reverse("accounts:address_delete", args=[address.pk]))
    changes = [(e.detail["change"], e.detail["fields"]) for e in
               AuditEvent.objects.filter(action=RECT).order_by("pk")]
    assert changes[0] == ("changed", ["street"])
    assert changes[1][0] == "removed"
    assert RecipientNotice.objects.get().fields == ["city", "name", "postal_code", "street"]


@pytest.mark.promise("P30.b", "P33.b")
def test_staff_rectify_from_the_desk_with_a_reason(staff_client, staff, holder):
    req = PrivacyRequest.objects.create(
        kind="rectification", channel="staff", user=holder, email=holder.email,
        received_at="2025-01-10T10:00:00+01:00", deadline="2025-02-10")
    url = reverse("privacy_desk:person_rectify", args=[f"u{holder.pk}"])
    page = staff_client.get(url)
    assert page.status_code == 200 and "Maja Mätare" in page.content.decode()
    response = staff_client.post(url, {**PROFILE, "name": "Maja Korrekt",
                                       "reason": "Telefonsamtal, stavfel i namnet"})
    assert response.status_code == 302
    holder.refresh_from_db()
    assert holder.name == "Maja Korrekt"
    event = AuditEvent.objects.get(action=RECT)
    assert event.actor == staff and event.detail["fields"] == ["name"]
    assert event.detail["reason"] == "Telefonsamtal, stavfel i namnet"
    assert event.detail["channel"] == "staff"
    assert RecipientNotice.objects.get().fields == ["name"]
    req.refresh_from_db()
    assert req.status == PrivacyRequest.Status.DONE and req.handled_by == staff


def test_staff_rectification_needs_a_reason(staff_client, holder):
    url = reverse("privacy_desk:person_rectify", args=[f"u{holder.pk}"])
    response = staff_client.post(url, {**PROFILE, "name": "Utan Skäl"})
    assert response.status_code == 400 and "errorlist" in response.content.decode()
    holder.refresh_from_db()
    assert holder.name == "Maja Mätare"


def test_staff_cannot_give_an_account_another_accounts_e_mail(staff_client, holder, other):
    url = reverse("privacy_desk:person_rectify", args=[f"u{holder.pk}"])
    response = staff_client.post(url, {**PROFILE, "email": "olle@example.com",
                                       "reason": "Begäran"})
    assert response.status_code == 400
    holder.refresh_from_db()
    assert holder.email == "maja@example.com"
    assert not AuditEvent.objects.filter(action=RECT).exists()


@given(values=st.fixed_dictionaries({
    "name": st.text(max_size=200), "email": st.text(max_size=300),
    "phone": st.text(max_size=50), "company": st.text(max_size=200),
    "org_nr": st.text(max_size=40), "reason": st.text(max_size=400)}))
@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_staff_rectification_never_fails_on_hostile_input(staff_client, holder, values):
    url = reverse("privacy_desk:person_rectify", args=[f"u{holder.pk}"])
    response = staff_client.post(url, values)
    assert response.status_code in (302, 400)


# Staff correct an address ------------------------------------------------------------

ADDRESS = {"name": "Maja Mätare", "company": "", "street": "Hemvägen 2",
           "postal_code": "123 45", "city": "Hemby", "country": "SE", "phone": ""}


def _address_url(holder, address) -> str:
    return reverse("privacy_desk:person_rectify_address", args=[f"u{holder.pk}", address.pk])


@pytest.mark.promise("P30.b", "P33.b")
def test_staff_correct_an_address_from_the_desk_with_a_reason(staff_client, staff, holder):
    req = PrivacyRequest.objects.create(
        kind="rectification", channel="staff", user=holder, email=holder.email,
        received_at="2025-01-10T10:00:00+01:00", deadline="2025-02-10")
    address = Address.objects.get(user=holder, street="Hemvägen 2")
    page = staff_client.get(_address_url(holder, address))
    assert page.status_code == 200 and "Hemvägen 2" in page.content.decode()
    response = staff_client.post(_address_url(holder, address), {
        **ADDRESS, "street": "Hemvägen 12", "reason": "Brev från kunden: fel gatunummer"})
    assert response.status_code == 302
    address.refresh_from_db()
    assert address.street == "Hemvägen 12" and address.is_default
    event = AuditEvent.objects.get(action=RECT)
    assert event.actor == staff and event.subject == holder
    assert event.target == f"accounts.Address:{address.pk}"
    assert event.detail["fields"] == ["street"] and event.detail["channel"] == "staff"
    assert event.detail["reason"] == "Brev från kunden: fel gatunummer"
    assert "Hemvägen" not in json.dumps(event.detail) + event.target
    # Kustom received the street earlier (the disclosure ledger): it is to be told.
    notice = RecipientNotice.objects.get()
    assert (notice.reason, notice.recipient, notice.fields) == (
        RecipientNotice.Reason.RECTIFICATION, "Kustom", ["street"])
    req.refresh_from_db()
    assert req.status == PrivacyRequest.Status.DONE and req.handled_by == staff


@pytest.mark.promise("P30.b")
def test_an_address_field_no_recipient_received_is_corrected_without_a_notice(staff_client,
                                                                             holder):
    address = Address.objects.get(user=holder, street="Hemvägen 2")
    response = staff_client.post(_address_url(holder, address), {
        **ADDRESS, "postal_code": "123 99", "reason": "Telefonsamtal"})
    assert response.status_code == 302
    assert AuditEvent.objects.get(action=RECT).detail["fields"] == ["postal_code"]
    assert not RecipientNotice.objects.exists()


@pytest.mark.promise("P33.b")
def test_opening_an_address_for_correction_is_logged(staff_client, staff, holder):
    address = Address.objects.get(user=holder, street="Hemvägen 2")
    staff_client.get(_address_url(holder, address))
    event = AuditEvent.objects.get(action=AuditEvent.Action.STAFF_VIEW)
    assert event.actor == staff and event.subject == holder
    assert event.detail == {"page": "desk:rectify-address"}


def test_an_address_correction_needs_a_reason(staff_client, holder):
    address = Address.objects.get(user=holder, street="Hemvägen 2")
    response = staff_client.post(_address_url(holder, address),
                                 {**ADDRESS, "street": "Utan skäl 1"})
    assert response.status_code == 400 and "errorlist" in response.content.decode()
    address.refresh_from_db()
    assert address.street == "Hemvägen 2"
    assert not AuditEvent.objects.filter(action=RECT).exists()


def test_another_accounts_address_is_not_found(staff_client, holder, other):
    theirs = Address.objects.create(user=other, name="Olle Okänd", street="Bortagatan 5",
                                    postal_code="999 99", city="Bortby")
    url = _address_url(holder, theirs)
    assert staff_client.get(url).status_code == 404
    assert staff_client.post(url, {**ADDRESS, "reason": "Försök"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.street == "Bortagatan 5"
    assert not AuditEvent.objects.filter(action=RECT).exists()


def test_an_address_cannot_be_corrected_for_a_person_without_an_account(staff_client,
                                                                        holder):
    address = Address.objects.get(user=holder, street="Hemvägen 2")
    for ref in ("eabcdef0123456789", "u999999999", "x1", "r999999"):
        url = reverse("privacy_desk:person_rectify_address", args=[ref, address.pk])
        assert staff_client.post(url, {**ADDRESS, "reason": "Försök"}).status_code == 404
    address.refresh_from_db()
    assert address.street == "Hemvägen 2"


def test_customers_cannot_reach_the_address_correction(holder_client, holder):
    address = Address.objects.get(user=holder, street="Hemvägen 2")
    response = holder_client.post(_address_url(holder, address),
                                  {**ADDRESS, "street": "Egen väg 1", "reason": "Jag"})
    assert response.status_code == 302 and "/admin/" in response["Location"]
    address.refresh_from_db()
    assert address.street == "Hemvägen 2"


@given(values=st.fixed_dictionaries({
    "name": st.text(max_size=200), "company": st.text(max_size=200),
    "street": st.text(max_size=250), "postal_code": st.text(max_size=20),
    "city": st.text(max_size=120), "country": st.text(max_size=4),
    "phone": st.text(max_size=50), "reason": st.text(max_size=400)}))
@settings(max_examples=50, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_address_correction_answers_hostile_input_with_4xx_and_changes_nothing(
        staff_client, holder, values):
    address = Address.objects.get(user=holder, is_default=True)
    before = Address.objects.filter(pk=address.pk).values().get()
    response = staff_client.post(_address_url(holder, address), values)
    assert response.status_code in (302, 400)
    if response.status_code == 400:
        assert Address.objects.filter(pk=address.pk).values().get() == before
