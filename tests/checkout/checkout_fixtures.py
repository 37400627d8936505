"""The checkout's shared fixtures (every test module may use them, through
``pytest_plugins`` in tests/conftest.py): filling the cart, paying in the provider's
emulated checkout, the emulator's push."""

import re

import pytest
from django.urls import reverse

from tests.payments.klarna_helpers import BUYER, RecordingTransport, checkout_page_url
from tillit.payments.klarna.emulator.transport import InProcessTransport


def emulator_path(url: str) -> str:
    """The path of an absolute URL (the emulator and merchant URLs carry the public host)."""
    return re.sub(r"^https?://[^/]+", "", url)


@pytest.fixture
def add_to_cart():
    """``add_to_cart(client, product, quantity=1)``: posts like the product page does."""

    def add(client, product, quantity=1):
        return client.post(reverse("cart:add"), {"product": product.pk, "quantity": quantity})

    return add


@pytest.fixture
def provider(settings):
    """Everything the shop sends the provider (the emulator, in-process), recorded."""
    transport = RecordingTransport()
    settings.TILLIT_CHECKOUT = {**settings.TILLIT_CHECKOUT, "transport": transport}
    return transport


@pytest.fixture
def push_inline(settings):
    """The emulator pushes to the shop at once, in-process, when the buyer confirms."""
    settings.TILLIT_KLARNA_EMULATOR_PUSH = {"mode": "inline",
                                            "transport": InProcessTransport()}


@pytest.fixture
def no_push(settings):
    settings.TILLIT_KLARNA_EMULATOR_PUSH = {"mode": "off"}


@pytest.fixture
def pay():
    """``pay(client, checkout_response, **buyer)``: the buyer fills in the provider's
    checkout framed by the page and confirms; returns the emulator's answer (a 303 to the
    shop's confirmation page when all is well)."""

    def do(client, checkout_response, **buyer):
        page = emulator_path(checkout_page_url(checkout_response.content.decode()))
        assert client.get(page).status_code == 200
        return client.post(page, {**BUYER, **buyer})

    return do
