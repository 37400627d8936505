"""The disclosure ledger and the audit log: append-only, in the map's vocabulary, and
free of copied personal values."""

import json

import pytest

from tillit.privacy.hashing import is_hashed, keyed_hash
from tillit.privacy.ledger import audit, person_ref, record_disclosure
from tillit.privacy.models import AuditEvent, Disclosure

pytestmark = pytest.mark.django_db


def _klarna(**overrides):
    fields = dict(recipient_kind="payment_provider", recipient="Kustom",
                  categories=["user.name", "user.contact.email"],
                  purpose="essential.service.payment_processing", legal_basis="contract",
                  reference="kco-123")
    fields.update(overrides)
    return fields


def test_a_disclosure_records_recipient_categories_purpose_basis_and_when(customer):
    entry = record_disclosure(user=customer, **_klarna())
    entry.refresh_from_db()
    assert entry.user == customer and entry.email == customer.email
    assert entry.recipient == "Kustom" and entry.reference == "kco-123"
    assert entry.categories == ["user.contact.email", "user.name"]
    assert entry.purpose == "essential.service.payment_processing"
    assert entry.legal_basis == "contract"
    assert entry.occurred_at is not None


def test_a_guest_disclosure_is_found_by_e_mail(db):
    entry = record_disclosure(email="gast@example.com", **_klarna())
    assert Disclosure.objects.get(email__iexact="GAST@example.com") == entry


@pytest.mark.parametrize("bad", [
    {"categories": ["user.shoe_size"]},
    {"categories": []},
    {"recipient_kind": "the_moon"},
    {"purpose": "fun"},
    {"legal_basis": "whim"},
])
def test_a_disclosure_outside_the_map_vocabulary_is_refused(customer, bad):
    with pytest.raises(ValueError):
        record_disclosure(user=customer, **_klarna(**bad))
    assert not Disclosure.objects.exists()


def test_a_disclosure_to_an_authority_needs_its_legal_ground(customer, make_user):
    staff = make_user(is_staff=True)
    authority = _klarna(recipient_kind="authority", recipient="Polismyndigheten",
                        purpose="essential.legal_obligation", legal_basis="legal_obligation")
    with pytest.raises(ValueError):
        record_disclosure(user=customer, recorded_by=staff, **authority)
    entry = record_disclosure(user=customer, recorded_by=staff,
                              legal_ground="Rättegångsbalken 27 kap. 1 §", **authority)
    assert entry.legal_ground.startswith("Rättegångsbalken")
    event = AuditEvent.objects.get(action="disclosure")
    assert event.actor == staff and event.subject == customer


def test_a_disclosure_must_name_whose_data_it_was(db):
    with pytest.raises(ValueError):
        record_disclosure(**_klarna())


def test_audit_events_hold_no_personal_values(customer, make_user):
    staff = make_user(is_staff=True, username="handlaggare")
    event = audit(AuditEvent.Action.STAFF_VIEW, actor=staff, subject=customer,
                  target=f"accounts.User:{customer.pk}", detail={"page": "admin change"})
    stored = json.dumps({f.name: str(getattr(event, f.attname))
                         for f in AuditEvent._meta.concrete_fields})
    for value in (customer.email, customer.name, customer.username):
        assert value not in stored
    assert event.actor_label == "handlaggare"
    assert event.subject_ref == person_ref(customer.email)


def test_keyed_hashes_are_one_way_purpose_bound_and_need_the_key(settings):
    h = keyed_hash("203.0.113.9", "ip")
    assert is_hashed(h) and "203.0.113.9" not in h
    assert h == keyed_hash(" 203.0.113.9 ", "ip")
    assert h != keyed_hash("203.0.113.9", "email")
    settings.TILLIT_HASH_KEY = "another key"
    assert keyed_hash("203.0.113.9", "ip") != h
    settings.TILLIT_HASH_KEY = ""
    from django.core.exceptions import ImproperlyConfigured
    with pytest.raises(ImproperlyConfigured):
        keyed_hash("x", "ip")


def test_ledgers_cannot_be_edited_in_the_admin(admin_client, customer):
    entry = record_disclosure(user=customer, **_klarna())
    assert admin_client.get(f"/admin/privacy/disclosure/{entry.pk}/change/").status_code == 200
    response = admin_client.post(f"/admin/privacy/disclosure/{entry.pk}/change/",
                                 {"recipient": "Someone else"})
    assert response.status_code == 403
    entry.refresh_from_db()
    assert entry.recipient == "Kustom"
    assert admin_client.get("/admin/privacy/disclosure/add/").status_code == 403
