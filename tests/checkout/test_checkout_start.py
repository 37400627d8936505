"""The checkout start: a guest reaches it without an account and is asked for nothing (P05)."""

import re
from html.parser import HTMLParser

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import dateformat, timezone, translation

from tillit.checkout.models import CheckoutSession
from tillit.core.money import format_sek
from tillit.privacy.datamap import registry

# Inputs every page has: the header search, the language switch, the CSRF token.
# The header's search, the footer's language switch, and the cookie banner's answer and
# categories (on a first visit): none of them personal data.
SITE_WIDE_INPUTS = {"q", "csrfmiddlewaretoken", "next", "language", "choice", "categories"}


class _Fields(HTMLParser):
    def __init__(self):
        super().__init__()
        self.names: set[str] = set()

    def handle_starttag(self, tag, attrs):
        if tag in ("input", "select", "textarea", "button"):
            self.names.add(dict(attrs).get("name") or "")


def fields_of(html: str) -> set[str]:
    parser = _Fields()
    parser.feed(html)
    return parser.names - {""}


def vat_shown(html: str, rate_bp: int) -> str:
    """The amount in the totals row "of which VAT" for ``rate_bp``."""
    match = re.search(rf'data-vat-rate="{rate_bp}">.*?<td class="num">([^<]*)</td>', html)
    return match.group(1) if match else ""


def rows_of_personal_data() -> dict[str, int]:
    return {d.label: d.model._default_manager.count() for d in registry}


def test_fields_of_finds_the_fields_a_page_asks_for():
    html = '<form><input name="email"><select name="country"></select><textarea name="x">'
    assert fields_of(html) == {"email", "country", "x"}


@pytest.mark.promise("P05.a")
def test_guest_reaches_checkout_without_an_account(client, product, add_to_cart):
    add_to_cart(client, product, 1)

    response = client.get(reverse("checkout:start"))

    assert response.status_code == 200
    assert not response.wsgi_request.user.is_authenticated
    assert not get_user_model().objects.exists()
    assert product.name in response.content.decode()


def test_checkout_start_asks_for_no_personal_data_and_records_only_the_checkout(
        client, product, add_to_cart):
    add_to_cart(client, product, 1)
    session_before = dict(client.session.items())
    rows_before = rows_of_personal_data()

    response = client.get(reverse("checkout:start"))

    assert fields_of(response.content.decode()) <= SITE_WIDE_INPUTS
    assert "cart.Cart" in rows_before
    changed = {label: n - rows_before[label] for label, n in rows_of_personal_data().items()
               if n != rows_before[label]}
    # Our checkout row, the ledger entry of what went to the provider (P28), and (in
    # tests, in-process) the provider's order; nothing else.
    assert changed == {"checkout.CheckoutSession": 1, "privacy.Disclosure": 1,
                       "klarna_emulator.EmulatedOrder": 1}
    assert dict(client.session.items()) == session_before


def test_checkout_start_links_the_privacy_policy_as_information_with_its_date(
        client, product, add_to_cart):
    from tillit.privacy.models import PolicyVersion

    add_to_cart(client, product, 1)

    content = client.get(reverse("checkout:start")).content.decode()

    notice = content.split('class="policy-notice"', 1)[1].split("</p>", 1)[0]
    assert f'href="{reverse("privacy:policy")}"' in notice
    assert "Läs om hur vi behandlar dina personuppgifter" in notice
    assert "accepterar" not in content.lower()  # the policy is information, not a term
    stored = PolicyVersion.objects.get(language="sv")
    with translation.override("sv"):
        published = dateformat.format(timezone.localtime(stored.published_at), "j F Y, H.i")
    assert f"(versionen från {published})" in notice
    assert stored.digest not in notice.split(">", 1)[1]  # the date is shown, not the hash


@pytest.mark.promise("P05.c")
def test_checkout_start_names_the_stored_policy_version_it_shows(client, product, add_to_cart):
    from tillit.privacy.models import PolicyVersion
    from tillit.privacy.policy import build

    add_to_cart(client, product, 1)
    content = client.get(reverse("checkout:start")).content.decode()
    shown = build("sv").version
    assert PolicyVersion.objects.filter(digest=shown).exists()
    assert f'class="policy-notice" data-policy-version="{shown}"' in content


@pytest.mark.promise("P01.b")
def test_checkout_start_shows_totals_incl_vat_and_vat_per_rate(client, make_product,
                                                               add_to_cart):
    add_to_cart(client, make_product(price_ore=12500, vat_rate=2500), 1)
    add_to_cart(client, make_product(price_ore=10600, vat_rate=600), 2)

    response = client.get(reverse("checkout:start"))
    content = response.content.decode()

    assert f"data-total>{format_sek(12500 + 2 * 10600)}<" in content
    assert vat_shown(content, 2500) == format_sek(2500)
    assert vat_shown(content, 600) == format_sek(1200)


def test_checkout_start_embeds_the_providers_checkout_named_from_settings(
        client, product, add_to_cart, settings):
    settings.TILLIT_CHECKOUT = {**settings.TILLIT_CHECKOUT, "provider_name": "Exempelbetal"}
    add_to_cart(client, product, 1)

    content = client.get(reverse("checkout:start")).content.decode()

    payment = content.split('class="panel payment"', 1)[1]
    note = payment.split('class="provider-note">', 1)[1].split("</p>", 1)[0]
    assert note.count("Exempelbetal") >= 2
    assert '<div id="klarna-checkout-container">' in payment


def test_empty_cart_is_sent_back_to_the_cart_with_a_message(client, db):
    response = client.get(reverse("checkout:start"), follow=True)

    assert response.redirect_chain == [(reverse("cart:detail"), 302)]
    assert list(response.context["messages"])


def test_cart_with_a_withdrawn_product_is_sent_back_to_the_cart(client, product,
                                                                add_to_cart):
    add_to_cart(client, product, 1)
    product.is_active = False
    product.save()

    response = client.get(reverse("checkout:start"))

    assert response.status_code == 302
    assert response.url == reverse("cart:detail")


def test_customer_reaches_checkout_with_the_account_cart(client, customer, product,
                                                         add_to_cart):
    client.force_login(customer)
    add_to_cart(client, product, 2)

    response = client.get(reverse("checkout:start"))

    assert response.status_code == 200
    assert response.context["cart"].item_count == 2


def test_checkout_start_refuses_post(client, db):
    assert client.post(reverse("checkout:start")).status_code == 405


@pytest.mark.promise("P28.b")
def test_only_a_get_opens_the_providers_checkout(client, product, add_to_cart, provider):
    """A HEAD (a link checker, a prefetch) sends nothing to the provider."""
    add_to_cart(client, product, 1)

    response = client.head(reverse("checkout:start"))

    assert response.status_code == 405
    assert provider.requests == []
    assert not CheckoutSession.objects.exists()
