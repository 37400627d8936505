"""P03: every catalogue page names the controller, from the one TILLIT_CONTROLLER setting."""

import pytest
from django.urls import reverse

OTHER_CONTROLLER = {
    "name": "Provbolaget Ljud AB",
    "shop_name": "Provbutiken",
    "org_nr": "556000-0001",
    "vat_number": "SE556000000101",
    "street": "Provgatan 3",
    "postal_code": "123 45",
    "city": "Provköping",
    "country": "Sverige",
    "email": "kontakt@provbutiken.example",
    "website": "https://provbutiken.example",
}


def _footer(html: str) -> str:
    start = html.index('<footer class="site-footer">')
    return html[start:html.index("</footer>", start)]


@pytest.mark.promise("P03.a")
@pytest.mark.parametrize("page", ["home", "category", "product", "search"])
def test_catalogue_footer_shows_the_controllers_identity_and_contact(
    client, product, category, settings, page
):
    settings.TILLIT_CONTROLLER = OTHER_CONTROLLER
    url = {"home": reverse("catalog:home"), "category": category.get_absolute_url(),
           "product": product.get_absolute_url(),
           "search": reverse("catalog:search") + "?q=mixer"}[page]
    footer = _footer(client.get(url).content.decode())
    for key in ("name", "org_nr", "vat_number", "street", "postal_code", "city", "email"):
        assert OTHER_CONTROLLER[key] in footer, key
    assert 'href="mailto:kontakt@provbutiken.example"' in footer


@pytest.mark.promise("P03.a")
def test_catalogue_footer_shows_the_configured_controller_by_default(client, category, settings):
    footer = _footer(client.get(category.get_absolute_url()).content.decode())
    controller = settings.TILLIT_CONTROLLER
    for key in ("name", "org_nr", "vat_number", "street", "city", "email"):
        assert controller[key] in footer, key
