"""What the person must give, why, and what happens without it (P05.b, GDPR art.
13(2)(e)): the policy says it from the map's ``asked``, and the map says only what the
checkout and the registration form really require."""

import pytest
from django.urls import reverse

from tests.orders.orders_fixtures import address, checkout, klarna_line, klarna_order
from tillit.accounts.forms import RegistrationForm
from tillit.accounts.models import User
from tillit.orders import services
from tillit.orders.models import Order
from tillit.privacy.datamap import registry

pytestmark = pytest.mark.django_db

# How the provider's order JSON names the order's required fields.
PROVIDER_NAME = {"email": "email", "billing_name": ("given_name", "family_name"),
                 "billing_street": "street_address", "billing_postal_code": "postal_code",
                 "billing_city": "city", "billing_country": "country"}


@pytest.mark.promise("P05.b")
def test_the_policy_says_what_a_purchase_and_an_account_require_and_why(client):
    page = client.get("/integritetspolicy").content.decode()
    section = page.split('id="required"', 1)[1].split("</section>", 1)[0]
    buying = section.split("När du handlar", 1)[1].split("</p>", 1)[0]
    assert "behöver vi e-postadress, namn, gatuadress, postnummer, ort och land," in buying
    assert "Utan dem kan vi inte ta emot din beställning" in buying
    assert "telefonnummer" in buying.split("Resten kan du låta bli", 1)[1]
    account = section.split("När du skapar ett konto", 1)[1].split("</p>", 1)[0]
    assert "du kan ändå handla som gäst" in account


@pytest.mark.promise("P05.b")
@pytest.mark.parametrize("field", sorted(PROVIDER_NAME))
def test_each_field_declared_required_is_refused_when_missing(field, product,
                                                                fake_klarna):
    assert field in registry.get(Order).asked.required
    billing = address()
    for key in (PROVIDER_NAME[field] if isinstance(PROVIDER_NAME[field], tuple)
                else (PROVIDER_NAME[field],)):
        billing[key] = ""
    data = klarna_order([klarna_line(product, 1)], billing=billing, shipping=billing)
    with pytest.raises(services.PlacementRefused):
        services.place_order_from_klarna(data, checkout=checkout())
    assert not Order.objects.exists()


@pytest.mark.promise("P05.b")
def test_what_is_not_declared_required_may_be_left_out(product, fake_klarna):
    assert set(PROVIDER_NAME) == set(registry.get(Order).asked.required)
    billing = address(phone="", organization_name="", street_address2="")
    data = klarna_order([klarna_line(product, 1)], billing=billing, shipping=billing)
    order = services.place_order_from_klarna(data, checkout=checkout())
    assert order.billing_phone == "" and order.billing_company == ""


@pytest.mark.promise("P05.b")
def test_the_registration_form_requires_exactly_what_the_map_says(client):
    form = RegistrationForm()
    required = {name for name, f in form.fields.items() if f.required}
    declared = set(registry.get(User).asked.required)
    assert required == (declared - {"password"}) | {"password1", "password2"}
    assert client.get(reverse("accounts:register")).status_code == 200
