"""The issue's access test (P29): a person with an account, two orders, a return,
addresses, logins and a cart gets an export in which every declared field of every row
linked to them appears, checked by walking the data map itself (so a field added later is
covered without touching this test), and in which nobody else's data appears."""

import json

import pytest
from django.test import RequestFactory

from tests.orders.orders_fixtures import *  # noqa: F403  (fixtures)
from tests.orders.orders_fixtures import address
from tests.privacy.rights_fixtures import *  # noqa: F403
from tillit.orders import services as order_services
from tillit.privacy import export
from tillit.privacy.datamap import Person, registry
from tillit.security import services as security_services

pytestmark = pytest.mark.django_db


def _login(user, ip):
    request = RequestFactory().get("/", REMOTE_ADDR=ip, HTTP_USER_AGENT="Testwebbläsare/1.0")
    return security_services.record_login(request, user)


@pytest.fixture
def shopper(holder, place, two_rate_products, carriers):
    """The holder, now with two orders (one delivered and partly returned) and logins."""
    mixer, book = two_rate_products
    first = place([(mixer, 1), (book, 1)], user=holder,
                  billing=address(email="maja@example.com", street_address="Hemvägen 2"))
    place([(book, 1)], user=holder, billing=address(email="maja@example.com"))
    order_services.ship_order(first, carrier=carriers["postnord"], tracking_number="PN123456")
    order_services.mark_delivered(first)
    book_line = first.lines.get(name=book.name)
    order_services.start_return(first, {book_line.pk: 1}, "Fel upplaga")
    _login(holder, "198.51.100.4")
    _login(holder, "198.51.100.5")
    return holder


@pytest.fixture
def someone_else(make_user, place, two_rate_products):
    user = make_user(username="olle", email="olle@example.com", name="Olle Okänd")
    mixer, _book = two_rate_products
    place([(mixer, 1)], user=user, billing=address(
        email="olle@example.com", given_name="Olle", family_name="Okänd",
        street_address="Bortagatan 5", phone="070-999 88 77"))
    _login(user, "192.0.2.99")
    return user


@pytest.mark.promise("P29")
def test_every_declared_field_of_every_row_of_the_person_is_exported(shopper, someone_else):
    person = Person.of(shopper)
    data = export.collect(person, language="sv")
    exported = {r["model"]: r for r in data["records"]}
    for model in ("orders.Order", "orders.OrderLine", "orders.Receipt",
                  "orders.ReturnRequest", "orders.ReturnLine", "accounts.Address",
                  "cart.Cart", "cart.CartLine", "security.LoginRecord"):
        assert model in exported, model
    assert len(exported["orders.Order"]["rows"]) == 2
    assert len(exported["security.LoginRecord"]["rows"]) == 2
    for decl in registry:
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
        assert set(record["fields"]) == set(decl.fields)
        assert record["uses"] and record["retention"] and record["on_erasure"]


@pytest.mark.promise("P29")
def test_nobody_elses_data_is_in_the_export(shopper, someone_else):
    text = json.dumps(export.collect(shopper), ensure_ascii=False)
    for value in ("olle@example.com", "Olle", "Bortagatan", "070-999 88 77", "192.0.2.99"):
        assert value not in text
    for value in ("maja@example.com", "Hemvägen 2", "198.51.100.4", "Fel upplaga"):
        assert value in text
