"""Contacts from suppliers (issue 12 §4, P16): staff import a supplier's file on the admin's
page; rows without the consent proof are refused with a report per row and nothing of
them is kept; every row taken carries its source and proof into the ledger, the person is
told at once where the shop got their details (GDPR art. 14) with a one-click no, and the
source is in their access export."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tillit.marketing import imports
from tillit.marketing.models import ContactImport, ImportedContact
from tillit.marketing.privacy import NEWSLETTER, SMS
from tillit.privacy import consents, erasure, export
from tillit.privacy.datamap import Person
from tillit.privacy.models import Consent

pytestmark = pytest.mark.django_db

IMPORT = reverse("admin:marketing_contactimport_add")
HEADER = "email;name;phone;channel;proof_reference;proof_text;proof_date"


def _upload(staff_client, *lines: str, supplier: str = "Ljudgrossisten AB",
            header: str = HEADER):
    data = "\n".join([header, *lines]).encode()
    return staff_client.post(IMPORT, {"supplier": supplier,
                                      "file": SimpleUploadedFile("kontakter.csv", data,
                                                                 "text/csv")})


@pytest.mark.promise("P16.b")
def test_rows_without_proof_are_refused_with_a_reason_and_nothing_of_them_is_kept(
        staff_client):
    answer = _upload(
        staff_client,
        "anna@example.com;Anna A;;e-post;MÄSSA-1;Ja till nyhetsbrev från Teknikboden;2026-11-02",
        "bertil@example.com;Bertil B;;e-post;;Ja till nyhetsbrev;2026-11-02",
        "cissi@example.com;Cissi C;;e-post;MÄSSA-3;;2026-11-02",
        "david@example.com;David D;;e-post;MÄSSA-4;Ja;2099-01-01",
        "inte-en-adress;Erik E;;e-post;MÄSSA-5;Ja;2026-11-02",
        "fia@example.com;Fia F;070-12;sms;MÄSSA-6;Ja till sms;2026-11-02",
        "anna@example.com;Anna igen;;e-post;MÄSSA-7;Ja;2026-11-02",
        "gun@example.com;Gun G;;fax;MÄSSA-8;Ja;2026-11-02")
    assert answer.status_code == 200
    page = html.unescape(answer.content.decode())
    for line, reason in ((3, "ingen referens för samtycket"), (4, "ingen text"), (5, "framtiden"),
                         (6, "e-postadress"), (7, "mobilnummer"), (8, "två gånger"),
                         (9, "okänd kanal")):
        assert re.search(rf"<td>{line}</td><td>[^<]*{reason}", page), (line, reason)
    # Only Anna's first row is kept; nothing of a refused row is anywhere.
    assert list(ImportedContact.objects.values_list("email", flat=True)) == [
        "anna@example.com"]
    assert list(Consent.objects.values_list("email", flat=True)) == ["anna@example.com"]
    batch = ContactImport.objects.get()
    assert (batch.accepted, batch.refused) == (1, 7)
    for refused in ("bertil", "Cissi", "david", "Erik", "fia", "Anna igen", "gun"):
        assert not ImportedContact.objects.filter(name__icontains=refused).exists()
        assert refused.lower() not in str(list(Consent.objects.values())).lower()


@pytest.mark.promise("P16.a", "P16.b")
def test_a_row_taken_carries_its_source_and_proof_and_the_person_is_told(staff_client):
    _upload(staff_client,
            "anna@example.com;Anna Andersson;070-123 45 67;sms;MÄSSA-1;"
            "Ja till sms-erbjudanden från Teknikboden;2026-11-02")
    contact = ImportedContact.objects.get()
    assert (contact.source, contact.channel, contact.phone, contact.proof_reference) == (
        "Ljudgrossisten AB", "sms", "+46701234567", "MÄSSA-1")
    row = contact.consent
    assert (row.topic, row.given, row.method, row.basis) == (SMS.key, True, "import", "consent")
    assert row.proof == "Ljudgrossisten AB: MÄSSA-1"
    assert row.text.text == "Ja till sms-erbjudanden från Teknikboden"
    # Recorded when the shop took it; the day given at the supplier is on the contact.
    assert contact.proof_date.isoformat() == "2026-11-02"
    assert row.occurred_at > contact.imported_at - dt.timedelta(minutes=1)
    assert row.recorded_by == staff_client.staff
    assert consents.holders(SMS.key, by="phone").filter(phone="+46701234567").exists()
    # The notice of GDPR art. 14, at once: where from, what, why, how long, and a no.
    notice = mail.outbox[-1]
    assert notice.to == ["anna@example.com"] and contact.notified_at is not None
    assert "Ljudgrossisten AB" in notice.subject and "Ljudgrossisten AB" in notice.body
    assert "e-postadress, namn, telefonnummer" in notice.body
    assert "2 november 2026" in notice.body and "Ja till sms-erbjudanden" in notice.body
    assert "3 år" in notice.body and "IMY" in notice.body
    link = re.search(r"/nyhetsbrev/avregistrera/[^/\s]+/", notice.body).group(0)
    assert Client().get(link).status_code == 200  # the one-click no
    assert not consents.allows("anna@example.com", SMS.key)
    assert not consents.holders(SMS.key, by="phone").exists()


@pytest.mark.promise("P16.a")
def test_the_source_is_in_the_persons_access_export(staff_client):
    _upload(staff_client,
            "anna@example.com;Anna A;;e-post;MÄSSA-1;Ja till nyhetsbrev;2026-11-02")
    data = export.collect(Person.of("anna@example.com"), language="sv")
    [record] = [r for r in data["records"] if r["model"] == "marketing.ImportedContact"]
    [row] = record["rows"]
    assert row["values"]["source"] == "Ljudgrossisten AB"
    assert record["fields"]["email"]["source"] == "third_party"
    assert record["data_subjects"] == ["Personer vars kontaktuppgifter en leverantör har "
                                       "lämnat till oss"]


def test_a_supplier_cannot_undo_a_no_or_an_erasure(staff_client):
    consents.record(NEWSLETTER.key, given=False, method=Consent.Method.ACCOUNT,
                    email="nej@example.com")
    consents.record(NEWSLETTER.key, given=True, method=Consent.Method.FORM,
                    email="raderad@example.com")
    erasure.execute(Person.of("raderad@example.com"))
    answer = _upload(staff_client,
                     "nej@example.com;;;e-post;R-1;Ja;2026-11-02",
                     "RADERAD@example.com;;;e-post;R-2;Ja;2026-11-02")
    page = html.unescape(answer.content.decode())
    assert "har sagt nej till butiken" in page
    assert "har fått sina uppgifter raderade" in page
    assert not ImportedContact.objects.exists()
    assert not consents.allows("nej@example.com", NEWSLETTER.key)


@pytest.mark.promise("P16.b")
def test_a_stopp_answered_from_the_phone_is_never_outweighed_by_an_import(client,
                                                                          staff_client):
    client.post(reverse("marketing:sms_incoming", args=["demo-sms-callback"]),
                {"from": "+46701234567", "message": "STOPP"})
    answer = _upload(staff_client,
                     "ny@example.com;;070-123 45 67;sms;R-1;Ja till sms;2026-11-30")
    assert "har sagt nej till butiken" in html.unescape(answer.content.decode())
    assert not consents.holders(SMS.key, by="phone").exists()
    assert _upload(staff_client, f"{'a' * 245}@example.com;;;e-post;R;Ja;2026-11-02"
                   ).status_code == 200
    assert not ImportedContact.objects.exists()


def test_a_file_that_cannot_be_read_is_refused_whole_with_a_400(staff_client):
    assert _upload(staff_client, "a@example.com", header="email;name").status_code == 400
    answer = staff_client.post(IMPORT, {"supplier": "X", "file": SimpleUploadedFile(
        "k.csv", b"\xff\xfe\x00bad", "text/csv")})
    assert answer.status_code == 400 and "UTF-8" in answer.content.decode()
    assert _upload(staff_client, "a@example.com;;;e-post;R;Ja;2026-11-02",
                   supplier="   ").status_code == 400
    assert not ContactImport.objects.exists()


def test_only_staff_import(client, customer):
    client.force_login(customer)
    assert client.get(IMPORT).status_code == 302  # to the admin's login


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.binary(max_size=3000), supplier=st.text(max_size=250))
def test_hostile_files_get_a_report_or_a_400_never_a_5xx(staff_client, body, supplier):
    answer = staff_client.post(IMPORT, {
        "supplier": supplier.replace("\x00", ""),
        "file": SimpleUploadedFile("k.csv", HEADER.encode() + b"\n" + body, "text/csv")})
    assert answer.status_code in (200, 400)


def test_the_limits_hold(monkeypatch, staff):
    monkeypatch.setattr(imports, "MAX_ROWS", 2)
    rows = "\n".join(f"p{i}@example.com;;;e-post;R{i};Ja;2026-11-02" for i in range(3))
    with pytest.raises(imports.FileRefused):
        imports.run(f"{HEADER}\n{rows}".encode(), supplier="X", filename="k.csv",
                    staff=staff)
    with pytest.raises(imports.FileRefused):
        imports.run(b"x" * (imports.MAX_BYTES + 1), supplier="X", filename="k.csv",
                    staff=staff)


def test_a_field_longer_than_the_csv_reader_takes_is_a_400(staff_client):
    answer = _upload(staff_client, f"a@example.com;{'x' * 140_000};;e-post;R;Ja;2026-11-02")
    assert answer.status_code == 400 and not ContactImport.objects.exists()
