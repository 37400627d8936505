"""The issue's access test (P29), independent of the code it checks.

A person lives a shop life through the shop's own flows (``life_fixtures``): an account, a
failed and three successful logins, an address book, two orders (one through the
provider's checkout, packed, exported to the carrier, shipped, delivered, partly returned
and refunded; one as a company buyer), a cart, an access request downloaded, a staff
correction and a legal hold. Which rows are theirs is judged by *creation*: the rows of
every declared model that came into being while their life was lived, not by ``rows_for``,
which the export itself uses. Then the test walks the data map: for every declared model
and field, the value of every such row must be in the ``data.json`` the person receives,
as that value; a second person, built the same way, must have none of their rows or
values in it.

A model or field added to the map later is covered without touching this test: a declared
model in which the person has no row, or a declared field that is empty in all of their
rows, fails the test by name, unless it is listed below with the reason it cannot apply.
"""

from __future__ import annotations

import datetime as dt
import decimal
import io
import json
import uuid
import zipfile

import pytest

from tillit.privacy import export, taxonomy
from tillit.privacy.datamap import registry

pytestmark = pytest.mark.django_db

# Declared models whose rows are not a customer's, even where their life makes some, and why.
NOT_APPLICABLE = {
    "admin.LogEntry": "records which member of staff changed what in the admin; its person "
                      "is the staff member, and a customer makes no admin changes",
    "otp_totp.TOTPDevice": "staff two-factor authenticators; customers have none",
    "security.IPBlock": "a blocked network names no person",
    "django_tasks_database.DBTaskResult": "a queued task holds only a row id; an error text "
        "names a person only when a failed delivery quotes an address (exported and erased "
        "in tests/core/test_mail_queue.py)",
    "security.EnrolmentToken": "links for staff to enrol a second factor; customers have "
                               "none",
    "privacy.RecipientNotice": "a task to tell a recipient about a correction; it names "
                               "only the recipient's own references, no person",
}

# Declared fields that stay empty in every row of this person's life, and why.
EMPTY_FOR_THIS_PERSON = {
    "core.OutgoingMail.failed_at": "the e-mail waits for the worker; nothing has failed",
    "core.OutgoingMail.error": "as failed_at",
    "core.OutgoingMail.sending_since": "the e-mail waits for the worker; no worker has "
                                       "begun to send it",
    "klarna_emulator.EmulatedOrder.organization_name": "the purchase through the provider's "
        "checkout page was a private one; the company order came through its API",
    "klarna_emulator.EmulatedOrder.organization_registration_id": "as organization_name",
    "klarna_emulator.EmulatedOrder.vat_id": "as organization_name",
    "privacy.Disclosure.session_ref": "names a guest's checkout; this person was logged in",
    "privacy.Consent.visitor": "names an anonymous visitor's cookie choice; this person's "
                               "choices were made logged in or by e-mail",
    "orders.Order.cancelled_at": "neither order was cancelled",
    "orders.Order.shipping_company": "both orders are delivered to the buyer in person",
    "privacy.Disclosure.legal_ground": "only a disclosure to an authority states one",
    "privacy.LegalHold.lifted_at": "the hold is still in force",
    "checkout.CheckoutSession.released_at": "set only for a payment the shop refused; "
                                            "both of this person's were placed",
    "cart.Cart.session_ref": "a logged-in customer's cart is kept by account, not by "
                             "browser session",
    "checkout.CheckoutSession.session_ref": "a logged-in buyer's checkout is kept by "
                                            "account, not by browser session",
    "klarna_emulator.EmulatedCapture.order_lines": "the shop captures the whole order, "
                                                   "without lines",
    "klarna_emulator.EmulatedCapture.description": "the shop's capture has no description",
    "klarna_emulator.EmulatedOrder.merchant_reference1": "the shop sends no reference when "
                                                         "the checkout opens",
    "klarna_emulator.EmulatedOrder.merchant_reference2": "the shop sends no reference when "
                                                         "the checkout opens",
    "privacy.RequestToken.session_ref": "an account holder's link is bound to the account, "
                                        "not to a browser session",
}


def _delivered(person) -> tuple[dict, str]:
    """``data.json`` as the person receives it in the ZIP, parsed and as text."""
    blob, _data = export.build_archive(person, "sv")
    text = zipfile.ZipFile(io.BytesIO(blob)).read("data.json").decode()
    return json.loads(text), text


def _expected(obj, name: str, category: str):
    """A stored value as ``data.json`` shows it (the schema's rules for values)."""
    field = obj._meta.get_field(name)
    if field.is_relation:
        related_id = getattr(obj, field.attname)
        if related_id is None:
            return None
        return {"id": str(related_id), "label": str(getattr(obj, name))}
    value = getattr(obj, field.attname)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    return value


def _empty(value) -> bool:
    return value in (None, "", [], {})


@pytest.mark.promise("P29.a")
def test_every_declared_value_of_every_row_of_the_persons_life_is_in_the_export(lives):
    user, mine, _theirs = lives
    data, text = _delivered(user)
    exported = {r["model"]: {row["id"]: row["values"] for row in r["rows"]}
                for r in data["records"]}

    without_rows = [d.label for d in registry
                    if not mine[d.label] and d.label not in NOT_APPLICABLE]
    assert not without_rows, (
        f"Declared models in which the test person has no row: {without_rows}. Give the "
        "person one in _live(), or list the model in NOT_APPLICABLE with the reason.")

    # The demo provider's books are the provider's data, not the shop's: never exported.
    held = [d.label for d in registry if d.held_for]
    assert held and not set(held) & set(exported)

    never_filled, filled = [], set()
    for decl in registry.own():
        if not mine[decl.label] or decl.label in NOT_APPLICABLE:
            continue
        rows = decl.model._default_manager.filter(pk__in=mine[decl.label]).order_by("pk")
        if decl.withhold is not None:
            rows = rows.exclude(decl.withhold)
        assert decl.label in exported, f"{decl.label}: none of the person's rows exported"
        for name, spec in decl.fields.items():
            seen_filled = False
            for obj in rows:
                row = exported[decl.label].get(str(obj.pk))
                assert row is not None, f"{decl.label} row {obj.pk} is not in the export"
                shown = row[name]
                if spec.category in taxonomy.WITHHELD:
                    secret = getattr(obj, obj._meta.get_field(name).attname)
                    assert secret and secret not in text, f"{decl.label}.{name}: exported"
                    assert shown and shown != secret
                    seen_filled = True
                    continue
                expected = _expected(obj, name, spec.category)
                assert shown == expected, f"{decl.label} row {obj.pk}, {name}"
                seen_filled = seen_filled or not _empty(expected)
            if seen_filled:
                filled.add(f"{decl.label}.{name}")
            elif f"{decl.label}.{name}" not in EMPTY_FOR_THIS_PERSON:
                never_filled.append(f"{decl.label}.{name}")
    assert not never_filled, (
        f"Declared fields empty in every row of the person's life: {never_filled}. Fill "
        "them in _live(), or list them in EMPTY_FOR_THIS_PERSON with the reason.")
    # The list of exceptions stays honest: a field in it that has a value is taken out.
    listed_but_filled = sorted(filled & set(EMPTY_FOR_THIS_PERSON))
    assert not listed_but_filled, f"Take these out of EMPTY_FOR_THIS_PERSON: {listed_but_filled}"


@pytest.mark.promise("P29.a")
def test_none_of_the_other_persons_rows_or_values_are_in_the_export(lives):
    user, mine, theirs = lives
    data, _text = _delivered(user)
    exported_ids = {r["model"]: {row["id"] for row in r["rows"]} for r in data["records"]}
    personal = json.dumps([data["records"], data["disclosures"]], ensure_ascii=False)

    my_values = set()
    for decl in registry:
        for obj in decl.model._default_manager.filter(pk__in=mine[decl.label]):
            my_values |= {str(_expected(obj, n, s.category)) for n, s in decl.fields.items()}
    leaked = []
    for decl in registry:
        ids = {str(pk) for pk in theirs[decl.label]}
        assert not ids & exported_ids.get(decl.label, set()), decl.label
        for obj in decl.model._default_manager.filter(pk__in=theirs[decl.label]):
            for name, spec in decl.fields.items():
                value = _expected(obj, name, spec.category)
                # Text long enough to be theirs alone; shared values (a product's name, a
                # status, the country) are the first person's too.
                if isinstance(value, str) and len(value) >= 5 and value not in my_values \
                        and value in personal:
                    leaked.append(f"{decl.label}.{name}")
    assert not leaked
    assert theirs["orders.Order"] and theirs["accounts.Address"]


@pytest.mark.promise("P29.a")
def test_the_export_holds_the_life_the_issue_names(lives):
    user, _mine, _theirs = lives
    data, text = _delivered(user)
    exported = {r["model"]: r for r in data["records"]}
    declared = {decl.label: decl for decl in registry}
    for model in ("orders.Order", "orders.OrderLine", "orders.Receipt",
                  "orders.ReturnRequest", "orders.ReturnLine", "accounts.Address",
                  "cart.Cart", "cart.CartLine", "security.LoginRecord"):
        assert model in exported, model
    assert len(exported["orders.Order"]["rows"]) == 2
    assert len(exported["security.LoginRecord"]["rows"]) == 3
    for record in exported.values():
        assert set(record["fields"]) == set(declared[record["model"]].fields)
        assert record["uses"] and record["retention"] and record["on_erasure"]
    for value in ("olle@example.com", "Olle", "Bortagatan", "070-999 88 77", "192.0.2.99"):
        assert value not in text
    for value in ("maja@example.com", "Hemvägen 2", "198.51.100.4", "Fel upplaga",
                  "Mätbolaget AB", "Port 3"):
        assert value in text
