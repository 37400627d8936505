"""The recipient register (P27): processors and controllers in their roles, staff's own data,
in Swedish and English."""

import datetime as dt
import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from tillit.privacy import demo
from tillit.privacy.models import Recipient

pytestmark = pytest.mark.django_db


def _section(html: str, anchor: str = "processors") -> str:
    start = html.index(f'id="{anchor}"')
    return html[start:html.index("</section>", start)]


def _register_sections(html: str) -> str:
    return _section(html, "processors") + _section(html, "controllers")


def test_the_demo_fills_an_empty_register_in_both_languages():
    demo.load()
    names = {row["name"] for row in demo.COMPANIES}
    assert set(Recipient.objects.values_list("name", flat=True)) == names
    for processor in Recipient.objects.all():
        for field in Recipient.TRANSLATED:
            if getattr(processor, field):
                assert getattr(processor, f"{field}_en"), (processor.name, field)


def test_a_second_demo_load_keeps_what_staff_changed_in_the_register():
    demo.load()
    postnord = Recipient.objects.get(name="PostNord Sverige AB")
    postnord.service = "Paket till ombud och brevlåda"
    postnord.service_en = "Parcels to pick-up points and letterboxes"
    postnord.agreement_date = dt.date(2026, 1, 15)
    postnord.save()
    Recipient.objects.filter(name="DHL Freight (Sweden) AB").delete()
    Recipient.objects.filter(name="Nordisk Drift AB").update(name="Nordisk Drift Norr AB")

    demo.load()
    call_command("loaddemo")  # the whole demo loader, as `tillit demo` runs it

    postnord.refresh_from_db()
    assert postnord.service == "Paket till ombud och brevlåda"
    assert postnord.service_en == "Parcels to pick-up points and letterboxes"
    assert postnord.agreement_date == dt.date(2026, 1, 15)
    names = set(Recipient.objects.values_list("name", flat=True))
    assert "DHL Freight (Sweden) AB" not in names  # deleted by staff: stays deleted
    assert "Nordisk Drift AB" not in names  # renamed by staff: not brought back
    assert "Nordisk Drift Norr AB" in names
    assert Recipient.objects.count() == len(demo.COMPANIES) - 1


def test_a_second_demo_load_adds_english_only_to_untouched_demo_rows():
    """A demo database from before the register had English gets the English texts,
    except where staff already changed the Swedish one."""
    demo.load()
    Recipient.objects.update(service_en="", data_description_en="", location_en="")
    Recipient.objects.filter(name="PostNord Sverige AB").update(service="Paket till ombud")

    demo.load()

    postnord = Recipient.objects.get(name="PostNord Sverige AB")
    assert postnord.service_en == ""  # its Swedish text is staff's, not the demo's
    assert postnord.location_en == "Sweden (EU)"
    assert Recipient.objects.get(name="DHL Freight (Sweden) AB").service_en == \
        "Parcel and freight delivery"


@pytest.mark.promise("P27.a", "P27.b")
def test_the_english_policy_shows_the_register_in_english(client, register):
    english = _register_sections(client.get("/en/privacy-policy").content.decode())
    for text in ("Parcel delivery", "Sweden (EU)", "Germany (EU)",
                 "Name, delivery address, phone number, e-mail for notices"):
        assert text in english
    for text in ("Paketleverans", "Sverige (EU)", "Tyskland (EU)", "leveransadress"):
        assert text not in english
    swedish = _register_sections(client.get("/integritetspolicy").content.decode())
    assert "Paketleverans" in swedish and "Sverige (EU)" in swedish
    assert "Parcel delivery" not in swedish
    assert "Personuppgiftsbiträden" in swedish or "personuppgiftsbiträden" in swedish
    assert "själva är personuppgiftsansvariga" in swedish


@pytest.mark.promise("P27.a")
def test_a_processor_without_english_text_is_shown_in_swedish_on_the_english_policy(client):
    Recipient.objects.create(
        name="Lagerhotellet AB", service="Lager och packning", recipient_kind="carrier",
        data_description="Namn och leveransadress", location="Norge (EES)",
        location_en="Norway (EEA)", agreement_date=dt.date(2025, 1, 2))
    english = _section(client.get("/en/privacy-policy").content.decode())
    assert "Lager och packning" in english  # no English given: the Swedish text
    assert "Norway (EEA)" in english and "Norge (EES)" not in english


def test_the_record_of_processing_uses_the_registers_language(register, capsys):
    call_command("privacy", "record", "--format", "json", "--language", "en")
    english = {p["name"]: p for p in json.loads(capsys.readouterr().out)["recipients"]}
    call_command("privacy", "record", "--format", "json", "--language", "sv")
    swedish = {p["name"]: p for p in json.loads(capsys.readouterr().out)["recipients"]}
    assert english["PostNord Sverige AB"]["service"] == "Parcel delivery"
    assert swedish["PostNord Sverige AB"]["service"] == "Paketleverans"


def test_staff_edit_the_english_texts_beside_the_swedish_ones(admin_client, register):
    postnord = Recipient.objects.get(name="PostNord Sverige AB")
    url = reverse("admin:privacy_recipient_change", args=[postnord.pk])
    html = admin_client.get(url).content.decode()
    for field in Recipient.TRANSLATED:
        assert f'name="{field}"' in html and f'name="{field}_en"' in html
    response = admin_client.post(url, {
        "name": postnord.name, "recipient_kind": "carrier", "role": "controller",
        "privacy_notice_url": postnord.privacy_notice_url,
        "service": "Paketleverans", "service_en": "Parcels, delivered",
        "data_description": postnord.data_description, "data_description_en": "",
        "location": "Sverige (EU)", "location_en": "Sweden (EU)",
        "safeguard": "", "safeguard_en": "", "agreement_date": "2024-05-01",
        "is_active": "on",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    english = _register_sections(admin_client.get("/en/privacy-policy").content.decode())
    assert "Parcels, delivered" in english


def _admin_form(**changes) -> dict:
    form = {"name": "Fraktaren AB", "recipient_kind": "carrier", "role": "processor",
            "service": "Budbilar", "service_en": "", "data_description": "Namn och adress",
            "data_description_en": "", "location": "Sverige (EU)", "location_en": "",
            "safeguard": "", "safeguard_en": "", "agreement_date": "",
            "privacy_notice_url": "", "is_active": "on"}
    return {**form, **changes}


@pytest.mark.promise("P27.a", "P27.b")
@pytest.mark.parametrize(("changes", "field", "says"), [
    ({"role": "processor"}, "agreement_date", "biträdesavtal"),  # the admin speaks Swedish
    ({"role": "controller"}, "privacy_notice_url", "integritetspolicy"),
    ({"role": "controller", "privacy_notice_url": "javascript:alert(1)"},
     "privacy_notice_url", ""),
    ({"role": "owner"}, "role", ""),
    ({"agreement_date": "9999-12-31"}, "agreement_date", "framtiden"),
    ({"agreement_date": "0001-01-01"}, "agreement_date", "1995"),
    ({"role": "controller", "privacy_notice_url": "http://127.0.0.1/x"},
     "privacy_notice_url", "https://"),
    ({"role": "controller", "privacy_notice_url": "ftp://example.com/p"},
     "privacy_notice_url", ""),
    ({"agreement_date": "2026-01-01", "outside_eea": "on"}, "safeguard", "EU/EES"),
    ({"agreement_date": "2026-01-01", "recipient_kind": "payment_provider",
      "is_checkout_provider": "on"}, "is_checkout_provider", "kassan"),
])
def test_staff_cannot_register_a_company_without_what_its_role_needs(
        admin_client, register, changes, field, says):
    url = reverse("admin:privacy_recipient_add")
    response = admin_client.post(url, _admin_form(**changes))
    assert response.status_code == 200  # the form again, with the error, not a 500
    errors = response.context["adminform"].form.errors
    assert field in errors and says in " ".join(errors[field])
    assert not Recipient.objects.filter(name="Fraktaren AB").exists()


def test_a_processor_is_saved_with_its_agreement_and_a_controller_with_its_link(admin_client):
    url = reverse("admin:privacy_recipient_add")
    assert admin_client.post(url, _admin_form(agreement_date="2026-02-01")).status_code == 302
    assert admin_client.post(url, _admin_form(
        name="Budet AB", role="controller",
        privacy_notice_url="https://budet.example/integritet")).status_code == 302
    assert Recipient.objects.get(name="Fraktaren AB").is_processor
    assert not Recipient.objects.get(name="Budet AB").is_processor


def test_the_database_refuses_a_processor_without_an_agreement_date():
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Recipient.objects.create(name="Utan avtal AB", service="Drift",
                                 recipient_kind="hosting", data_description="Allt",
                                 location="Sverige", role="processor")


def test_a_demo_register_made_before_roles_gets_the_controllers_links(register):
    Recipient.objects.update(privacy_notice_url="")
    demo.load()
    postnord = Recipient.objects.get(name="PostNord Sverige AB")
    assert postnord.role == "controller" and postnord.privacy_notice_url.startswith("https://")
