"""The processor register (P27): staff's own data, in Swedish and English."""

import datetime as dt
import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from tillit.privacy import demo
from tillit.privacy.models import Processor

pytestmark = pytest.mark.django_db


def _processors_section(html: str) -> str:
    start = html.index('id="processors"')
    return html[start:html.index("</section>", start)]


def test_the_demo_fills_an_empty_register_in_both_languages():
    demo.load()
    names = {row["name"] for row in demo.PROCESSORS}
    assert set(Processor.objects.values_list("name", flat=True)) == names
    for processor in Processor.objects.all():
        for field in Processor.TRANSLATED:
            if getattr(processor, field):
                assert getattr(processor, f"{field}_en"), (processor.name, field)


def test_a_second_demo_load_keeps_what_staff_changed_in_the_register():
    demo.load()
    postnord = Processor.objects.get(name="PostNord Sverige AB")
    postnord.service = "Paket till ombud och brevlåda"
    postnord.service_en = "Parcels to pick-up points and letterboxes"
    postnord.agreement_date = dt.date(2026, 1, 15)
    postnord.save()
    Processor.objects.filter(name="DHL Freight (Sweden) AB").delete()
    Processor.objects.filter(name="Nordisk Drift AB").update(name="Nordisk Drift Norr AB")

    demo.load()
    call_command("loaddemo")  # the whole demo loader, as `tillit demo` runs it

    postnord.refresh_from_db()
    assert postnord.service == "Paket till ombud och brevlåda"
    assert postnord.service_en == "Parcels to pick-up points and letterboxes"
    assert postnord.agreement_date == dt.date(2026, 1, 15)
    names = set(Processor.objects.values_list("name", flat=True))
    assert "DHL Freight (Sweden) AB" not in names  # deleted by staff: stays deleted
    assert "Nordisk Drift AB" not in names  # renamed by staff: not brought back
    assert "Nordisk Drift Norr AB" in names
    assert Processor.objects.count() == len(demo.PROCESSORS) - 1


def test_a_second_demo_load_adds_english_only_to_untouched_demo_rows():
    """A demo database from before the register had English gets the English texts,
    except where staff already changed the Swedish one."""
    demo.load()
    Processor.objects.update(service_en="", data_description_en="", location_en="")
    Processor.objects.filter(name="PostNord Sverige AB").update(service="Paket till ombud")

    demo.load()

    postnord = Processor.objects.get(name="PostNord Sverige AB")
    assert postnord.service_en == ""  # its Swedish text is staff's, not the demo's
    assert postnord.location_en == "Sweden (EU)"
    assert Processor.objects.get(name="DHL Freight (Sweden) AB").service_en == \
        "Parcel and freight delivery"


@pytest.mark.promise("P27.a")
def test_the_english_policy_shows_the_register_in_english(client, processors):
    english = _processors_section(client.get("/en/privacy-policy").content.decode())
    for text in ("Parcel delivery", "Sweden (EU)", "Germany (EU)",
                 "Name, delivery address, phone number, e-mail for notices"):
        assert text in english
    for text in ("Paketleverans", "Sverige (EU)", "Tyskland (EU)", "leveransadress"):
        assert text not in english
    swedish = _processors_section(client.get("/integritetspolicy").content.decode())
    assert "Paketleverans" in swedish and "Sverige (EU)" in swedish
    assert "Parcel delivery" not in swedish


@pytest.mark.promise("P27.a")
def test_a_processor_without_english_text_is_shown_in_swedish_on_the_english_policy(client):
    Processor.objects.create(
        name="Lagerhotellet AB", service="Lager och packning", recipient_kind="carrier",
        data_description="Namn och leveransadress", location="Norge (EES)",
        location_en="Norway (EEA)", agreement_date=dt.date(2025, 1, 2))
    english = _processors_section(client.get("/en/privacy-policy").content.decode())
    assert "Lager och packning" in english  # no English given: the Swedish text
    assert "Norway (EEA)" in english and "Norge (EES)" not in english


def test_the_record_of_processing_uses_the_registers_language(processors, capsys):
    call_command("privacy", "record", "--format", "json", "--language", "en")
    english = {p["name"]: p for p in json.loads(capsys.readouterr().out)["processors"]}
    call_command("privacy", "record", "--format", "json", "--language", "sv")
    swedish = {p["name"]: p for p in json.loads(capsys.readouterr().out)["processors"]}
    assert english["PostNord Sverige AB"]["service"] == "Parcel delivery"
    assert swedish["PostNord Sverige AB"]["service"] == "Paketleverans"


def test_staff_edit_the_english_texts_beside_the_swedish_ones(admin_client, processors):
    postnord = Processor.objects.get(name="PostNord Sverige AB")
    url = reverse("admin:privacy_processor_change", args=[postnord.pk])
    html = admin_client.get(url).content.decode()
    for field in Processor.TRANSLATED:
        assert f'name="{field}"' in html and f'name="{field}_en"' in html
    response = admin_client.post(url, {
        "name": postnord.name, "recipient_kind": "carrier",
        "service": "Paketleverans", "service_en": "Parcels, delivered",
        "data_description": postnord.data_description, "data_description_en": "",
        "location": "Sverige (EU)", "location_en": "Sweden (EU)",
        "safeguard": "", "safeguard_en": "", "agreement_date": "2024-05-01",
        "is_active": "on",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    english = _processors_section(admin_client.get("/en/privacy-policy").content.decode())
    assert "Parcels, delivered" in english
