"""Fixtures for the rights pages and the privacy desk. Test modules import them with
``pytest_plugins`` in tests/conftest.py."""

from __future__ import annotations

import re

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client

from tillit.accounts.models import Address
from tillit.cart.models import Cart, CartLine
from tillit.privacy.ledger import record_disclosure

LINK = re.compile(r"https?://\S+/dina-uppgifter/bekrafta/[A-Za-z0-9_-]+/")


def link_in(message) -> str:
    """The verification link in an e-mail, as a path."""
    found = LINK.search(message.body)
    assert found, message.body
    return "/" + found.group(0).split("/", 3)[3]


@pytest.fixture
def no_rate_limit(settings):
    """Many posts from one test client: lift the per-IP limit on the privacy forms."""
    settings.TILLIT_RATE_LIMITS = {"privacy_request": (10**6, 3600)}


@pytest.fixture
def holder(make_user, product):
    """An account with two addresses, a cart, a live session and a disclosure to Kustom."""
    user = make_user(username="maja", email="maja@example.com", name="Maja Mätare",
                     phone="070-111 22 33")
    Address.objects.create(user=user, name="Maja Mätare", street="Hemvägen 2",
                           postal_code="123 45", city="Hemby", is_default=True)
    Address.objects.create(user=user, name="Maja på jobbet", street="Jobbgatan 9",
                           postal_code="123 46", city="Jobbstad")
    CartLine.objects.create(cart=Cart.objects.create(user=user), product=product, quantity=2)
    session = SessionStore()
    session["_auth_user_id"] = str(user.pk)
    session.create()
    record_disclosure(user=user, recipient_kind="payment_provider", recipient="Kustom",
                      categories=["user.name", "user.contact.email",
                                  "user.contact.address.street"],
                      purpose="essential.service.payment_processing", legal_basis="contract",
                      reference="kco-maja-1")
    return user


@pytest.fixture
def other(make_user):
    return make_user(username="olle", email="olle@example.com", name="Olle Okänd")


@pytest.fixture
def holder_client(holder):
    client = Client()
    client.force_login(holder)
    return client


@pytest.fixture
def guest_disclosure(db):
    """A guest known only by e-mail: a carrier received their name for a shipment."""
    return record_disclosure(email="gast@example.com", recipient_kind="carrier",
                             recipient="Bring", categories=["user.name"],
                             purpose="essential.service", legal_basis="contract",
                             reference="bring-77")
