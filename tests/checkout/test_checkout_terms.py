"""The purchase terms (köpvillkor): the page the provider's checkout links to as the
shop's terms, with the trader's identity from the controller setting (P03)."""

import pytest
from django.urls import reverse

from tests.checkout.checkout_fixtures import emulator_path
from tests.payments.klarna_helpers import checkout_page_url

pytestmark = pytest.mark.django_db


def test_the_purchase_terms_are_at_kopvillkor_and_in_english_too(client):
    swedish = client.get("/kopvillkor")
    english = client.get("/en/purchase-terms")

    assert swedish.status_code == english.status_code == 200
    assert "Köpvillkor" in swedish.content.decode()
    assert "Ångerrätt" in swedish.content.decode()
    assert "Purchase terms" in english.content.decode()


def test_the_terms_name_the_trader_from_the_controller_setting(client, settings):
    settings.TILLIT_CONTROLLER = {**settings.TILLIT_CONTROLLER, "name": "Exempel HB",
                                  "org_nr": "999999-9999", "email": "order@exempel.example"}

    text = client.get(reverse("checkout:terms")).content.decode()

    for value in ("Exempel HB", "999999-9999", "order@exempel.example"):
        assert value in text


def test_the_terms_say_what_a_buyer_must_know(client, settings):
    settings.TILLIT_CHECKOUT = {**settings.TILLIT_CHECKOUT, "provider_name": "Exempelbetal"}

    text = client.get("/en/purchase-terms").content.decode()

    assert "include VAT" in text
    assert "Exempelbetal runs our checkout" in text
    assert "within 14 days of receiving the goods" in text
    assert "three years" in text  # complaints under konsumentköplagen
    assert "/en/privacy-policy" in text


def test_every_page_links_the_purchase_terms(client):
    assert f'href="{reverse("checkout:terms")}"' in client.get("/").content.decode()


def test_the_providers_checkout_links_the_purchase_terms(client, product, add_to_cart):
    add_to_cart(client, product, 1)
    page = emulator_path(checkout_page_url(client.get(reverse("checkout:start"))
                                           .content.decode()))

    text = client.get(page).content.decode()

    assert f'{reverse("checkout:terms")}" target="_top"' in text
    assert reverse("privacy:policy") + '"' not in text


def test_the_terms_page_answers_only_get_and_head(client):
    assert client.head(reverse("checkout:terms")).status_code == 200
    assert client.post(reverse("checkout:terms")).status_code == 405
