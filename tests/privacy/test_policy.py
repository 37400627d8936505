"""The published policy is generated from the data map and the recipient register."""

import dataclasses
import json

import pytest
from django.core.management import call_command
from django.utils import translation

from tillit.cart.models import Cart
from tillit.privacy import datamap as dm
from tillit.privacy import policy, taxonomy
from tillit.privacy.models import PolicyVersion, Recipient

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    return response.content.decode()


@pytest.mark.promise("P03.a")
def test_policy_page_names_the_controller_from_the_one_setting(client, settings):
    settings.TILLIT_CONTROLLER = {**settings.TILLIT_CONTROLLER, "name": "Ljudbolaget HB",
                                  "org_nr": "555555-5555", "email": "dpo@ljud.example"}
    page = _text(client.get("/integritetspolicy"))
    for value in ("Ljudbolaget HB", "555555-5555", "dpo@ljud.example", "Kyrkvägen 14"):
        assert value in page


@pytest.mark.promise("P24.a")
def test_every_declared_use_appears_with_its_legal_basis(client):
    page = _text(client.get("/en/privacy-policy"))
    rows = page.split('id="purposes"', 1)[1].split("</table>", 1)[0].split("<tr>")
    with translation.override("en"):
        for decl in dm.registry.own():
            for use in decl.uses:
                label, article = taxonomy.BASES[use.basis]
                row = [r for r in rows if str(taxonomy.PURPOSES[use.purpose]) in r
                       and f"{label} <span class=\"muted\">({article})</span>" in r]
                assert row, (decl.label, use.purpose, use.basis)


def test_every_declared_category_appears_in_both_languages(client):
    for url, lang in (("/integritetspolicy", "sv"), ("/en/privacy-policy", "en")):
        page = _text(client.get(url))
        with translation.override(lang):
            for decl in dm.registry.own():
                for cat in decl.categories():
                    assert str(taxonomy.CATEGORIES[cat]) in page, (lang, cat)
                assert str(decl.retention.describe()) in page


def _section(page: str, anchor: str) -> str:
    start = page.index(f'<section id="{anchor}">')
    return page[start:page.index("</section>", start)]


def _category_not_on_the_page(monkeypatch) -> str:
    """A data category no declaration uses yet: the first unused one of our taxonomy, or,
    once every one is used, another fideslang key added to it for this test."""
    used = {c for d in dm.registry for c in d.categories()}
    unused = [key for key in taxonomy.CATEGORIES if key not in used]
    if unused:
        return unused[0]
    monkeypatch.setitem(taxonomy.CATEGORIES, "user.biometric", "Biometric data")
    return "user.biometric"


@pytest.mark.promise("P24.a")
def test_adding_a_field_to_the_map_changes_the_page(client, monkeypatch):
    """One new field, of a category the policy does not mention yet, in the carts'
    declaration: the category appears under what we collect, the purposes, the retention
    row of carts and the recipients, and nowhere before."""
    category = _category_not_on_the_page(monkeypatch)
    with translation.override("en"):
        label = str(taxonomy.CATEGORIES[category])
    carts = dm.registry.get(Cart)
    sections = ("collected", "purposes", "retention", "recipients")

    def page():
        return _text(client.get("/en/privacy-policy"))

    def carts_retention_row(html):
        row = _section(html, "retention").split(f"<tr><td>{carts.title}</td>", 1)[1]
        return row.split("</tr>", 1)[0]

    before = page()
    for anchor in sections:
        assert label not in _section(before, anchor), anchor
    assert label not in carts_retention_row(before)
    version_before = policy.build("en").version

    grown = dataclasses.replace(carts, fields={
        **carts.fields, "viewed_products": dm.Field(category, dm.GENERATED)})
    monkeypatch.setitem(dm.registry.declarations, Cart, grown)
    policy.forget_current_version()  # the page caches its text; a new map comes with a restart

    after = page()
    for anchor in sections:
        assert label in _section(after, anchor), anchor
    assert label in carts_retention_row(after)
    assert policy.build("en").version != version_before

    monkeypatch.undo()  # the map as it was
    policy.forget_current_version()
    assert dm.registry.get(Cart) is carts
    assert label not in page()


@pytest.mark.promise("P27.a", "P27.b")
def test_each_company_is_shown_in_its_role_on_the_policy_page(client, register):
    Recipient.objects.create(name="Lagerhotellet AB", service="Warehouse and packing",
                             recipient_kind="carrier", data_description="Name and address",
                             location="Norway (EEA)", agreement_date="2025-01-02")
    page = _text(client.get("/en/privacy-policy"))
    processors, controllers = _section(page, "processors"), _section(page, "controllers")
    assert "only on our instructions" in processors
    for p in Recipient.objects.filter(is_active=True, role=taxonomy.PROCESSOR):
        assert p.display_name in processors and p.display_name not in controllers
        assert p.agreement_date.isoformat() in processors
    assert {"Nordisk Drift AB", "Postverket Mail AB", "Lagerhotellet AB"} <= set(
        Recipient.objects.filter(role=taxonomy.PROCESSOR).values_list("name", flat=True))
    # The checkout provider and the carriers decide their own purposes: controllers, each
    # with a link to its own policy, and no "agreement" as if they acted for the shop.
    for p in Recipient.objects.filter(is_active=True, role=taxonomy.CONTROLLER):
        assert p.display_name in controllers and p.display_name not in processors
        assert f'href="{p.privacy_notice_url}"' in controllers
    assert {"PostNord Sverige AB", "DHL Freight (Sweden) AB"} <= set(
        Recipient.objects.filter(role=taxonomy.CONTROLLER).values_list("name", flat=True))
    assert "Kustom" in controllers
    recipients = _section(page, "recipients")
    assert "controller in its own right" in recipients and "its own privacy notice" in recipients
    hotel = Recipient.objects.get(name="Lagerhotellet AB")
    hotel.is_active = False
    hotel.save()
    assert "Lagerhotellet AB" not in _text(client.get("/en/privacy-policy"))


def test_the_demo_providers_books_are_not_the_shops_processing(client, register, capsys):
    """The emulator keeps the provider's records in the demo; the real provider declares
    its own. The shop's policy and Art. 30 record leave them out."""
    held = [d for d in dm.registry if d.held_for]
    assert {d.label for d in held} == {"klarna_emulator.EmulatedOrder",
                                       "klarna_emulator.EmulatedCapture",
                                       "klarna_emulator.EmulatedRefund"}
    with translation.override("sv"):
        titles = [str(d.title) for d in held]
    page = _text(client.get("/integritetspolicy"))
    assert not [t for t in titles if t in page]
    assert "Demobetalleverantör" not in page
    call_command("privacy", "record", "--format", "json")
    listed = {r["model"] for a in json.loads(capsys.readouterr().out)["activities"]
              for r in a["records"]}
    assert not listed & {d.label for d in held}


def test_policy_covers_every_section_of_the_seed_policy(client):
    page = _text(client.get("/en/privacy-policy"))
    for anchor in ("controller", "collected", "purposes", "retention", "recipients",
                   "processors", "rights", "security"):
        assert f'id="{anchor}"' in page
    assert "/en/pages/cookies" in page
    assert "Integritetsskyddsmyndigheten" in page
    assert "Argon2id" in page


def test_swedish_policy_is_at_integritetspolicy_and_english_under_en(client):
    sv = client.get("/integritetspolicy")
    en = client.get("/en/privacy-policy")
    assert sv.status_code == en.status_code == 200
    assert 'lang="sv"' in _text(sv)
    assert 'lang="en"' in _text(en)
    assert "Integritetspolicy" in _text(sv)
    assert "Privacy policy" in _text(en)


def test_each_distinct_policy_text_is_stored_once_with_its_version(client):
    client.get("/integritetspolicy")
    client.get("/integritetspolicy")
    assert PolicyVersion.objects.filter(language="sv").count() == 1
    stored = PolicyVersion.objects.get(language="sv")
    assert json.loads(stored.content)["version"] == stored.digest
    assert stored.digest in _text(client.get("/integritetspolicy"))


def test_policy_page_refuses_writes(client):
    assert client.post("/integritetspolicy").status_code == 405


def test_art30_record_lists_every_declared_record(register, capsys):
    call_command("privacy", "record", "--format", "json")
    record = json.loads(capsys.readouterr().out)
    listed = {r["model"] for a in record["activities"] for r in a["records"]}
    assert listed == {d.label for d in dm.registry.own()}
    assert record["controller"]["org_nr"] == "969790-7807"
    assert {p["name"] for p in record["recipients"]} == {
        p.display_name for p in Recipient.objects.all()}
    roles = {p["name"]: (p["role"], p["agreement_date"], p["privacy_notice_url"])
             for p in record["recipients"]}
    assert roles["Nordisk Drift AB"] == ("processor", "2024-03-15", "")
    assert roles["PostNord Sverige AB"][0] == "controller"
    assert roles["PostNord Sverige AB"][2].startswith("https://")
    for activity in record["activities"]:
        assert activity["legal_bases"] and activity["data_categories"]


def test_art30_record_names_recipients_per_category_as_the_data_flows(register, capsys):
    call_command("privacy", "record", "--format", "json", "--language", "en")
    activities = {a["purpose"]: a for a in json.loads(capsys.readouterr().out)["activities"]}
    with translation.override("en"):
        carriers = str(taxonomy.RECIPIENTS["carrier"])
        provider = str(taxonomy.RECIPIENTS["payment_provider"])

    def flows(purpose):
        return {r["recipient"]: set(r["data_categories"])
                for r in activities[purpose]["recipients"]}

    # The order row holds the buyer's IP for fraud checks and the address for delivery:
    # the carrier gets the address, never anything of the security activity.
    assert carriers not in flows("essential.service.security")
    assert "user.device.ip_address" in activities["essential.service.security"][
        "data_categories"]
    delivery = flows("essential.service")
    assert "user.contact.address.street" in delivery[carriers]
    assert "user.device.ip_address" not in delivery[carriers]
    assert flows("essential.service.payment_processing")[provider] <= {
        "user.financial", "user.behavior.purchase_history", "user.unique_id"}
    for activity in activities.values():
        for flow in activity["recipients"]:
            assert set(flow["data_categories"]) <= set(activity["data_categories"])


def test_art30_record_as_markdown(register, capsys):
    call_command("privacy", "record", "--format", "md")
    text = capsys.readouterr().out
    assert text.startswith("# Record of processing activities (GDPR Art. 30)")
    assert "| Your customer account | `accounts.User` |" in text
    assert "## Technical and organisational security measures" in text


def test_a_change_to_the_recipient_register_makes_a_new_version_at_once(register):
    _policy, before = policy.current_version("sv")
    assert policy.current_version("sv")[1] == before  # served from the cache
    Recipient.objects.filter(recipient_kind="carrier").update(is_active=False)  # no signal
    assert policy.current_version("sv")[1] == before
    Recipient.objects.first().save()  # a change through the ORM or the admin
    assert policy.current_version("sv")[1] != before


def test_a_recipient_is_said_to_receive_only_the_fields_declared_for_it(client):
    """The e-mail provider gets name and e-mail, never the password hash or org.nr."""
    with translation.override("en"):
        built = policy.build("en")
    email = next(r for r in built.recipients if r.key == "email_provider")
    assert "Name" in email.categories and "E-mail address" in email.categories
    assert "Password (stored only as a one-way hash)" not in email.categories
    assert "Company registration number (org.nr)" not in email.categories


def test_a_use_lists_only_the_fields_it_uses():
    built = policy.build("en")
    login = next(p for p in built.purposes if p.key == "essential.service.authentication")
    assert "Phone number" not in login.categories
    assert "Password (stored only as a one-way hash)" in login.categories


def test_editing_a_sentence_of_the_policy_template_makes_a_new_version(monkeypatch, tmp_path):
    before = policy.build("en").version
    source = tmp_path / "policy.html"
    source.write_text("{% extends 'base.html' %}{# one sentence changed #}")

    class Origin:
        name = str(source)

    class Template:
        origin = Origin()

    monkeypatch.setattr(policy, "get_template", lambda name: Template())
    assert policy.build("en").version != before
