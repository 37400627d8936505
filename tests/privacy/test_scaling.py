"""The rights stay fast in a big shop (issue 5, part 6; bench/rights_benchmark.py measures
it on PostgreSQL): the number of queries does not grow with a person's rows, and e-mail
lookups have the index they need."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.orders.orders_fixtures import address
from tillit.accounts.models import User
from tillit.privacy import datamap as dm
from tillit.privacy import erasure, export
from tillit.privacy.checks import check_email_lookups
from tillit.privacy.models import PrivacyRequest

pytestmark = pytest.mark.django_db


def _queries(fn) -> int:
    with CaptureQueriesContext(connection) as captured:
        fn()
    return len(captured)


@pytest.fixture
def buyers(make_user, place, two_rate_products):
    """Two customers alike but for the number of orders: 1 and 4."""
    mixer, book = two_rate_products
    people = []
    for n, count in enumerate((1, 4)):
        user = make_user(email=f"buyer{n}@example.com")
        for _ in range(count):
            place([(book, 1)], user=user, billing=address(email=f"buyer{n}@example.com"))
        people.append(user)
    return people


def test_export_and_erasure_make_as_many_queries_for_many_orders_as_for_one(buyers):
    few, many = buyers
    assert _queries(lambda: export.collect(few)) == _queries(lambda: export.collect(many))
    assert _queries(lambda: erasure.execute(few, override_reason="test")) == \
        _queries(lambda: erasure.execute(many, override_reason="test"))


def test_an_e_mail_lookup_without_a_case_insensitive_index_is_reported():
    reg = dm.Registry()
    reg.declare(User, title="t", subject=dm.Subject(person=True, email="email"), fields={},
                uses=[], retention=dm.WhileAccountExists(), on_erasure=dm.DELETE)
    reg.declare(PrivacyRequest, title="t", subject=dm.Subject(email="email"), fields={},
                uses=[], retention=dm.WhileAccountExists(), on_erasure=dm.DELETE)
    warnings = check_email_lookups(reg)
    # The account's unique constraint is on LOWER(email); iexact needs UPPER(email).
    assert [(w.id, w.obj) for w in warnings] == [("tillit.privacy.W001", User)]


def test_every_e_mail_lookup_has_a_case_insensitive_index():
    assert [w.obj._meta.label for w in check_email_lookups()] == []
