"""Access, erasure and retention, each driven by the data map (P29, P31, P32, P23)."""

import datetime as dt
import io
import json
import zipfile

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore
from django.utils import timezone

from tillit.accounts.models import Address
from tillit.cart.models import Cart, CartLine
from tillit.privacy import erasure, export, retention, services
from tillit.privacy.datamap import Person, registry
from tillit.privacy.ledger import record_disclosure
from tillit.privacy.models import AuditEvent, Disclosure, LegalHold, RecipientNotice

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(make_user, product):
    """An account with addresses, a cart, a live session and a disclosure."""
    user = make_user(username="maja", email="maja@example.com", name="Maja Mätare",
                     phone="070-111 22 33", company="Mätbolaget AB", org_nr="556677-8899")
    Address.objects.create(user=user, name="Maja Mätare", street="Hemvägen 2",
                           postal_code="123 45", city="Hemby", is_default=True)
    Address.objects.create(user=user, name="Maja på jobbet", street="Jobbgatan 9",
                           postal_code="123 46", city="Jobbstad")
    cart = Cart.objects.create(user=user)
    CartLine.objects.create(cart=cart, product=product, quantity=2)
    session = SessionStore()
    session["_auth_user_id"] = str(user.pk)
    session.create()
    record_disclosure(user=user, recipient_kind="payment_provider", recipient="Kustom",
                      categories=["user.name", "user.contact.email"],
                      purpose="essential.service.payment_processing", legal_basis="contract",
                      reference="kco-maja-1")
    return user


@pytest.fixture
def stranger(make_user, product):
    other = make_user(username="olle", email="olle@example.com", name="Olle Okänd",
                      phone="070-999 88 77")
    Address.objects.create(user=other, name="Olle Okänd", street="Bortagatan 5",
                           postal_code="999 99", city="Bortby")
    CartLine.objects.create(cart=Cart.objects.create(user=other), product=product, quantity=1)
    record_disclosure(user=other, recipient_kind="carrier", recipient="PostNord",
                      categories=["user.name"], purpose="essential.service",
                      legal_basis="contract", reference="olle-1")
    return other


@pytest.mark.promise("P29.a")
def test_export_holds_every_declared_field_of_every_row_of_the_person(person, stranger):
    data = export.collect(person, language="en")
    exported = {r["model"]: r for r in data["records"]}
    covered = 0
    for decl in registry.own():
        rows = decl.subject.rows_for(decl.model, person)
        if decl.withhold is not None:
            rows = rows.exclude(decl.withhold)
        mine = {str(pk) for pk in rows.values_list("pk", flat=True)}
        if not mine:
            assert decl.label not in exported
            continue
        record = exported[decl.label]
        assert {row["id"] for row in record["rows"]} == mine, decl.label
        for row in record["rows"]:
            assert set(row["values"]) == set(decl.fields), decl.label
        assert record["uses"] and record["retention"]
        assert all(f["source_text"] for f in record["fields"].values())
        covered += 1
    assert covered >= 6  # account, addresses, cart, cart lines, session, disclosure
    assert data["schema"] == "tillit-access-export/1"


@pytest.mark.promise("P29.a")
def test_export_holds_nobody_elses_data(person, stranger):
    text = json.dumps(export.collect(person), ensure_ascii=False)
    for value in ("olle@example.com", "Olle Okänd", "Bortagatan", "070-999 88 77", "olle-1",
                  "PostNord"):
        assert value not in text
    for value in ("maja@example.com", "Maja Mätare", "Hemvägen 2", "Jobbgatan 9",
                  "070-111 22 33", "kco-maja-1", "556677-8899"):
        assert value in text


def test_export_never_hands_out_the_password_hash(person):
    text = json.dumps(export.collect(person), ensure_ascii=False)
    assert person.password not in text and "argon2" not in text


@pytest.mark.promise("P26.b")
def test_disclosures_appear_in_the_export_unless_under_legal_secrecy(person, make_user):
    staff = make_user(is_staff=True)
    record_disclosure(user=person, recipient_kind="authority", recipient="Polismyndigheten",
                      categories=["user.name"], purpose="essential.legal_obligation",
                      legal_basis="legal_obligation", legal_ground="RB 27:1",
                      recorded_by=staff, secret=True, reference="secret-1")
    record_disclosure(user=person, recipient_kind="authority", recipient="Skatteverket",
                      categories=["user.name"], purpose="essential.legal_obligation",
                      legal_basis="legal_obligation", legal_ground="SFL 37:9",
                      recorded_by=staff, reference="open-1")
    data = export.collect(person, language="en")
    recipients = [d["recipient"] for d in data["disclosures"]]
    assert recipients == ["Kustom", "Skatteverket"]
    assert "secret-1" not in json.dumps(data)


@pytest.mark.promise("P29.a")
def test_a_legal_hold_appears_in_the_export_unless_under_legal_secrecy(person):
    LegalHold.objects.create(user=person, reason="Tvist om faktura 1042")
    LegalHold.objects.create(user=person, reason="Förundersökning 5000-K123-26",
                             secret=True)
    data = export.collect(person, language="en")
    holds = {r["model"]: r for r in data["records"]}["privacy.LegalHold"]
    assert [row["values"]["reason"] for row in holds["rows"]] == ["Tvist om faktura 1042"]
    assert "5000-K123-26" not in json.dumps(data, ensure_ascii=False)


@pytest.mark.promise("P18.c")
def test_the_erasure_preview_does_not_tell_the_person_why_a_secret_hold_applies(person):
    LegalHold.objects.create(user=person, reason="Förundersökning 5000-K123-26",
                             secret=True)
    plan = erasure.preview(person)
    assert plan.holds == ["Förundersökning 5000-K123-26"]  # for staff
    assert plan.holds_shown == [erasure.secret_hold_text()]
    with pytest.raises(erasure.ErasureRefused) as refused:
        erasure.execute(person)
    assert "5000-K123-26" in " ".join(refused.value.reasons)
    assert "5000-K123-26" not in " ".join(refused.value.shown)
    assert get_user_model().objects.filter(pk=person.pk).exists()


@pytest.mark.promise("P29.a")
def test_archive_has_data_json_and_a_readable_report(person):
    blob, data = export.build_archive(person, language="sv")
    archive = zipfile.ZipFile(io.BytesIO(blob))
    assert sorted(archive.namelist()) == ["data.json", "rapport.html", "schema.json"]
    assert json.loads(archive.read("data.json"))["person"]["account"] == "maja"
    report = archive.read("rapport.html").decode()
    assert "Maja Mätare" in report and "Hemvägen 2" in report and "Kustom" in report
    assert 'lang="sv"' in report and "<script" not in report


def test_a_guest_is_found_by_e_mail(db):
    record_disclosure(email="gast@example.com", recipient_kind="carrier", recipient="Bring",
                      categories=["user.name"], purpose="essential.service",
                      legal_basis="contract", reference="g-1")
    data = export.collect("GAST@example.com")
    assert data["person"] == {"account": None, "email": "GAST@example.com"}
    assert [d["reference"] for d in data["disclosures"]] == ["g-1"]


# Erasure -------------------------------------------------------------------------------


@pytest.mark.promise("P31.a")
def test_preview_says_what_goes_what_stays_and_why(person):
    plan = erasure.preview(person)
    deleted = {s.model for s in plan.deleted}
    assert {"accounts.User", "accounts.Address", "cart.Cart", "cart.CartLine",
            "sessions.Session"} <= deleted
    assert {s.model for s in plan.anonymised} == {"privacy.Disclosure"}
    assert not plan.holds and not plan.blockers


@pytest.mark.promise("P31.a")
def test_erasure_removes_the_person_and_leaves_others(person, stranger):
    user_model = get_user_model()
    plan = erasure.execute(person)
    assert not user_model.objects.filter(username="maja").exists()
    assert not Address.objects.filter(city__in=["Hemby", "Jobbstad"]).exists()
    assert not CartLine.objects.filter(cart__user__username="maja").exists()
    assert not Disclosure.objects.filter(email="maja@example.com").exists()
    kept = Disclosure.objects.get(reference="kco-maja-1")  # the ledger row stays, unlinked
    assert kept.user is None and kept.email.startswith("hmac-sha256:")
    assert json.dumps(export.collect(Person(email="maja@example.com")))
    assert not export.collect(Person(email="maja@example.com"))["records"]
    # The stranger is untouched.
    assert user_model.objects.filter(username="olle").exists()
    assert Address.objects.filter(city="Bortby").exists()
    assert plan.counts["accounts.Address"] == 2
    # The e-mail is free to register again.
    user_model.objects.create_user(username="maja2", email="maja@example.com", name="Ny")


@pytest.mark.promise("P31.c", "P33.b")
def test_erasure_is_logged_without_the_erased_values_and_recipients_get_a_notice(person):
    services.erase(Person.of(person))
    event = AuditEvent.objects.get(action="erasure")
    stored = json.dumps(event.detail) + event.target + event.actor_label
    assert "maja" not in stored.lower() and "Hemvägen" not in stored
    assert event.detail["deleted"]["accounts.Address"] == 2
    notice = RecipientNotice.objects.get()
    assert (notice.recipient, notice.references) == ("Kustom", ["kco-maja-1"])


@pytest.mark.promise("P31.a")
def test_erasure_is_all_or_nothing(person, monkeypatch):
    """The confirmation e-mail goes last inside the erasure's transaction: when it cannot
    be sent, nothing is erased."""
    from tillit.core import mail

    def fail(*args, **kwargs):
        raise RuntimeError("mail server down")

    monkeypatch.setattr(mail, "send", fail)
    with pytest.raises(RuntimeError):
        services.erase(Person.of(person))
    assert get_user_model().objects.filter(username="maja").exists()
    assert Address.objects.filter(user=person).count() == 2
    assert Disclosure.objects.get(reference="kco-maja-1").email == "maja@example.com"
    assert not AuditEvent.objects.filter(action="erasure").exists()


def test_erasure_twice_is_harmless(person):
    erasure.execute(person)
    second = erasure.execute(Person(user=person, email="maja@example.com"))
    assert not second.deleted


@pytest.mark.promise("P18.c")
def test_a_legal_hold_pauses_erasure_and_the_preview_says_why(person):
    LegalHold.objects.create(user=person, reason="Tvist om faktura 1042")
    plan = erasure.preview(person)
    assert plan.holds == ["Tvist om faktura 1042"]
    with pytest.raises(erasure.ErasureRefused, match="Tvist om faktura 1042"):
        erasure.execute(person)
    assert get_user_model().objects.filter(pk=person.pk).exists()


def test_an_ended_or_lifted_hold_no_longer_applies(person):
    LegalHold.objects.create(user=person, reason="old", until=dt.date(2020, 1, 1))
    LegalHold.objects.create(user=person, reason="lifted", lifted_at=timezone.now())
    assert erasure.preview(person).holds == []


def test_a_blocker_makes_erasure_wait_unless_staff_override(person, monkeypatch):
    monkeypatch.setattr(erasure, "_blockers", [lambda p: ["Order 100001 is not delivered"]])
    assert erasure.preview(person).blockers == ["Order 100001 is not delivered"]
    with pytest.raises(erasure.ErasureRefused):
        erasure.execute(person)
    services.erase(Person.of(person),
                   override_reason="Customer insists; order cancelled by phone")
    event = AuditEvent.objects.get(action="erasure")
    assert event.detail["override"] is True
    assert event.detail["override_reason"] == "Customer insists; order cancelled by phone"


@pytest.mark.promise("P31.a")
@pytest.mark.parametrize(("stored", "written"), [("070-111 22 33", "0701112233"),
                                                 ("0701112233", "070-111 22 33"),
                                                 ("070-111 22 33", "070 111 2233")])
def test_an_override_reason_naming_the_persons_phone_in_any_format_is_refused(
        person, monkeypatch, stored, written):
    person.phone = stored
    person.save(update_fields=["phone"])
    monkeypatch.setattr(erasure, "_blockers", [lambda p: ["Order 100001 is not delivered"]])
    with pytest.raises(ValueError):
        erasure.execute(person, override_reason=f"Ringde från {written}, vill raderas")
    assert get_user_model().objects.filter(pk=person.pk).exists()


# Retention -----------------------------------------------------------------------------


@pytest.mark.promise("P23.a")
def test_the_sweep_deletes_expired_rows_only_and_reports_per_model(person, stranger):
    later = timezone.now() + dt.timedelta(days=31)
    Cart.objects.filter(user=stranger).update(updated_at=later)  # still fresh then
    dry = retention.run(dry_run=True, now=later)
    assert {x.model: x.found for x in dry.lines}["cart.Cart"] == 1
    assert Cart.objects.count() == 2  # a dry run changes nothing
    report = retention.run(now=later)
    line = {x.model: x for x in report.lines}["cart.Cart"]
    assert (line.found, line.acted, line.held) == (1, 1, 0)
    assert list(Cart.objects.values_list("user__username", flat=True)) == ["olle"]
    assert AuditEvent.objects.filter(action="retention").count() == 1


@pytest.mark.promise("P18.c")
def test_the_sweep_skips_people_under_a_legal_hold(person):
    LegalHold.objects.create(user=person, reason="Claim pending")
    later = timezone.now() + dt.timedelta(days=31)
    line = {x.model: x for x in retention.run(now=later).lines}["cart.Cart"]
    assert (line.found, line.acted, line.held) == (1, 0, 1)
    assert Cart.objects.filter(user=person).exists()


@pytest.mark.promise("P18.c")
def test_two_people_under_holds_at_once_both_keep_their_rows(person, stranger):
    LegalHold.objects.create(user=person, reason="Claim pending")
    LegalHold.objects.create(user=stranger, reason="Another claim")
    later = timezone.now() + dt.timedelta(days=31)
    line = {x.model: x for x in retention.run(now=later).lines}["cart.Cart"]
    assert (line.found, line.acted, line.held) == (2, 0, 2)
    assert Cart.objects.count() == 2


@pytest.mark.promise("P18.c", "P23.a")
def test_a_hold_that_has_ended_by_the_sweeps_now_no_longer_keeps_anything(person):
    """The sweep judges a hold by its own ``now``, not by the wall clock."""
    today = timezone.localdate()
    LegalHold.objects.create(user=person, reason="Claim", until=today + dt.timedelta(days=10))
    days = registry.get(Cart).retention.days
    later = timezone.now() + dt.timedelta(days=days + 11)
    line = {x.model: x for x in retention.run(now=later).lines}["cart.Cart"]
    assert (line.found, line.acted, line.held) == (1, 1, 0)
    assert not Cart.objects.filter(user=person).exists()


@pytest.mark.promise("P18.c")
def test_a_hold_still_running_at_the_sweeps_now_keeps_the_rows(person):
    today = timezone.localdate()
    days = registry.get(Cart).retention.days
    LegalHold.objects.create(user=person, reason="Claim",
                             until=today + dt.timedelta(days=days + 20))
    later = timezone.now() + dt.timedelta(days=days + 1)
    line = {x.model: x for x in retention.run(now=later).lines}["cart.Cart"]
    assert (line.found, line.acted, line.held) == (1, 0, 1)
    assert Cart.objects.filter(user=person).exists()


def test_every_declaration_has_a_rule_the_sweep_can_evaluate():
    from tillit.privacy.datamap import Retention

    for decl in registry:
        assert isinstance(decl.retention, Retention)
        decl.retention.expired(decl.model._default_manager.all(), timezone.now()).count()
        assert str(decl.retention.describe())


# What mutation testing found no test noticed (issue 16 §7) ------------------------------


@pytest.mark.promise("P29.a")
def test_the_export_describes_a_record_field_by_field_in_english(person):
    """One record of the export checked whole, in English, against the data map's words."""
    data = export.collect(person, language="en")
    [address] = [r for r in data["records"] if r["model"] == "accounts.Address"]
    assert address["title"] == "Your address book"
    assert address["data_subjects"] == ["Customers with an account"]
    assert address["retention"] == "as long as you have an account with us"
    assert address["on_erasure"] == "deleted"
    assert address["fields"]["street"] == {
        "category": "user.contact.address.street", "category_text": "Street address",
        "source": "given", "source_text": "Given by you"}
    use, letters = address["uses"]
    assert (use["purpose"], use["legal_basis"], use["article"]) == (
        "essential.service", "contract", "GDPR art. 6.1 b")
    assert use["purpose_text"] and use["legal_basis_text"] == "Contract"
    assert use["description"] == "to deliver your orders"
    assert use["fields"] == list(registry.get(Address).fields)
    assert (letters["purpose"], letters["legal_basis"], letters["article"]) == (
        "marketing.communications.mail", "consent", "GDPR art. 6.1 a")
    assert letters["description"] == "to send you offers by letter, only if you asked for them"
    assert address["recipients"] == [{
        "kind": "hosting", "kind_text": "Our hosting and IT infrastructure provider",
        "fields": list(registry.get(Address).fields)}, {
        "kind": "print_house", "kind_text": "The print house that sends our letters",
        "fields": ["name", "company", "street", "postal_code", "city", "country"]}]
    rows = {row["values"]["street"]: row for row in address["rows"]}
    assert set(rows) == {"Hemvägen 2", "Jobbgatan 9"}
    home = rows["Hemvägen 2"]["values"]
    assert (home["name"], home["postal_code"], home["city"], home["country"]) == (
        "Maja Mätare", "123 45", "Hemby", "SE")


@pytest.mark.promise("P29.a")
def test_the_export_shows_values_as_people_read_them(person):
    data = export.collect(person, language="en")
    records = {r["model"]: r for r in data["records"]}
    [account] = records["accounts.User"]["rows"]
    values = account["values"]
    assert values["password"] == "set (stored only as a one-way hash)"
    assert values["date_joined"] == person.date_joined.isoformat()
    assert values["last_login"] is None
    assert values["username"] == "maja" and values["email"] == "maja@example.com"
    [line] = records["cart.CartLine"]["rows"]
    cart_line = CartLine.objects.get(cart__user=person)
    assert line["values"]["product"] == {"id": str(cart_line.product_id),
                                         "label": cart_line.product.name}
    assert line["values"]["quantity"] == 2
    person.set_unusable_password()
    person.password = ""
    person.save()
    again = {r["model"]: r for r in export.collect(person, language="en")["records"]}
    assert again["accounts.User"]["rows"][0]["values"]["password"] == "not set"


@pytest.mark.promise("P29.a")
def test_the_export_lists_each_disclosure_with_its_words(person):
    data = export.collect(person, language="en")
    assert data["disclosures"] == [{
        "when": Disclosure.objects.get(reference="kco-maja-1").occurred_at.isoformat(),
        "recipient": "Kustom", "recipient_kind": "payment_provider",
        "recipient_kind_text": data["disclosures"][0]["recipient_kind_text"],
        # No register entry on this one: the role its kind usually has.
        "recipient_role": "controller", "recipient_role_text": "Controller in its own right",
        "privacy_notice_url": "",
        "categories": [{"category": "user.contact.email", "category_text": "E-mail address"},
                       {"category": "user.name", "category_text": "Name"}],
        "purpose": data["disclosures"][0]["purpose"],
        "legal_basis": "Contract", "reference": "kco-maja-1", "legal_ground": ""}]
    assert data["disclosures"][0]["recipient_kind_text"] not in ("", "payment_provider")
    assert data["disclosures"][0]["purpose"] not in ("", "essential.service.payment_processing")
    assert data["person"] == {"account": "maja", "email": "maja@example.com"}


@pytest.mark.promise("P23.a")
def test_the_sweeps_report_counts_per_model_what_it_found_did_and_held(person, stranger):
    from tillit.security.models import LoginRecord

    LoginRecord.objects.create(user=person, ip="198.51.100.4", user_agent="x")
    LoginRecord.objects.create(user=stranger, ip="198.51.100.5", user_agent="x")
    LoginRecord.objects.update(created_at=timezone.now() - dt.timedelta(days=40))
    LegalHold.objects.create(user=person, reason="Claim pending")
    later = timezone.now() + dt.timedelta(days=31)
    report = retention.run(now=later).as_dict()
    assert report["dry_run"] is False
    assert report["models"]["cart.Cart"] == {"found": 2, "acted": 1, "held": 1,
                                             "hash_found": 0, "hashed": 0, "hash_held": 0}
    assert report["models"]["security.LoginRecord"] == {
        "found": 0, "acted": 0, "held": 0, "hash_found": 2, "hashed": 1, "hash_held": 1}
    assert "accounts.Address" not in report["models"]  # nothing due: not reported
    assert set(report["passes"]) == {"unverified privacy requests", "waiting erasures",
                                     "carrier files", "letter files"}
    event = AuditEvent.objects.get(action="retention")
    assert event.detail == report
    dry = retention.run(dry_run=True, now=later).as_dict()
    assert dry["dry_run"] is True
