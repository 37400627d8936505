"""The provider's checkout is opened when the checkout page loads, and not before (P28);
what goes to the provider is the order's contents only (P05), and the transfer is in the
disclosure ledger (P25)."""

import datetime as dt

import pytest
from django.urls import reverse

from tests.checkout.checkout_fixtures import emulator_path
from tests.payments.klarna_helpers import checkout_page_url
from tillit.checkout.models import CheckoutSession
from tillit.payments.klarna.emulator import clock
from tillit.payments.klarna.emulator.models import EmulatedOrder
from tillit.privacy.models import Disclosure


@pytest.mark.promise("P28.b")
def test_nothing_goes_to_the_provider_before_the_checkout_page_loads(client, product,
                                                                     add_to_cart, provider):
    client.get(reverse("catalog:home"))
    client.get(product.get_absolute_url())
    add_to_cart(client, product, 2)
    client.get(reverse("cart:detail"))

    assert provider.requests == []
    assert not EmulatedOrder.objects.exists()
    assert not CheckoutSession.objects.exists()
    assert not Disclosure.objects.exists()


@pytest.mark.promise("P28.a", "P28.b")
def test_loading_the_checkout_page_creates_the_providers_order_and_embeds_it(
        client, product, add_to_cart, provider):
    add_to_cart(client, product, 2)

    response = client.get(reverse("checkout:start"))

    assert response.status_code == 200
    assert provider.paths() == ["POST /klarna-emulator/checkout/v3/orders"]
    checkout = CheckoutSession.objects.get()
    order = EmulatedOrder.objects.get()
    assert checkout.klarna_order_id == order.order_id
    assert order.order_amount == 2 * product.price_ore
    assert emulator_path(checkout_page_url(response.content.decode())) == (
        f"/klarna-emulator/checkout/{order.order_id}/")


def test_the_provider_receives_the_order_contents_and_nothing_about_the_buyer(
        client, customer, product, add_to_cart, provider):
    client.force_login(customer)
    add_to_cart(client, product, 1)

    client.get(reverse("checkout:start"))

    [sent] = provider.bodies("/checkout/v3/orders")
    assert set(sent) == {"purchase_country", "purchase_currency", "locale", "order_amount",
                         "order_tax_amount", "order_lines", "merchant_urls", "options"}
    # The options are the shop's own boxes (newsletter, no offers): its words, unticked.
    assert [(b["id"], b["checked"], b["required"])
            for b in sent["options"]["additional_checkboxes"]] == [
        ("newsletter", False, False), ("no_offers", False, False)]
    text = str(sent)
    for detail in (customer.email, customer.name, customer.username):
        assert detail not in text
    assert [line["reference"] for line in sent["order_lines"]] == [product.sku]


def test_the_merchant_urls_point_back_at_this_shop(client, product, add_to_cart, provider,
                                                   settings):
    settings.TILLIT_PUBLIC_URL = "https://butik.example"
    add_to_cart(client, product, 1)

    client.get(reverse("checkout:start"))

    [sent] = provider.bodies("/checkout/v3/orders")
    assert sent["merchant_urls"] == {
        "terms": "https://butik.example" + reverse("checkout:terms"),
        "checkout": "https://butik.example/kassa/",
        "confirmation": "https://butik.example/kassa/bekraftelse/?order_id="
                        "{checkout.order.id}",
        "push": "https://butik.example/kassa/push/{checkout.order.id}/",
    }


def test_an_english_buyer_gets_the_english_checkout(client, product, add_to_cart, provider):
    add_to_cart(client, product, 1)

    client.get("/en/kassa/")

    [sent] = provider.bodies("/checkout/v3/orders")
    assert sent["locale"] == "en-SE"
    assert sent["merchant_urls"]["confirmation"].split("?")[0].endswith(
        "/en/kassa/bekraftelse/")
    assert CheckoutSession.objects.get().locale == "en-SE"


@pytest.mark.promise("P28.b")
def test_a_customers_checkout_load_is_in_the_disclosure_ledger_once_per_provider_order(
        client, customer, product, make_product, add_to_cart, provider, settings):
    client.force_login(customer)
    add_to_cart(client, product, 1)

    client.get(reverse("checkout:start"))
    client.get(reverse("checkout:start"))          # reload: same order, read again
    add_to_cart(client, make_product(), 1)
    client.get(reverse("checkout:start"))          # cart changed: same order, updated

    checkout = CheckoutSession.objects.get()
    [entry] = Disclosure.objects.all()
    assert entry.user == customer
    assert entry.email == customer.email
    assert entry.recipient_kind == "payment_provider"
    assert entry.recipient == settings.TILLIT_CHECKOUT["provider_name"]
    assert entry.categories == ["user.behavior.purchase_history"]
    assert (entry.purpose, entry.legal_basis) == ("essential.service.payment_processing",
                                                  "contract")
    assert entry.reference == checkout.klarna_order_id
    assert checkout.disclosure == entry
    assert provider.paths() == [
        "POST /klarna-emulator/checkout/v3/orders",
        f"GET /klarna-emulator/checkout/v3/orders/{checkout.klarna_order_id}",
        f"POST /klarna-emulator/checkout/v3/orders/{checkout.klarna_order_id}",
    ]


@pytest.mark.promise("P05.c")
def test_the_checkout_records_the_policy_version_ip_and_whose_cart_it_is(client, product,
                                                                         add_to_cart):
    from tillit.privacy.hashing import keyed_hash
    from tillit.privacy.policy import current_version

    add_to_cart(client, product, 1)

    client.get(reverse("checkout:start"), REMOTE_ADDR="203.0.113.9")

    checkout = CheckoutSession.objects.get()
    assert checkout.policy_version == current_version()[1]
    assert checkout.buyer_ip == "203.0.113.9"
    assert checkout.session_ref == keyed_hash(client.session.session_key, "cart-session")
    assert client.session.session_key not in checkout.session_ref
    assert checkout.user is None
    assert checkout.cart_id is not None


def test_a_changed_cart_updates_the_providers_order(client, product, add_to_cart, provider):
    add_to_cart(client, product, 1)
    client.get(reverse("checkout:start"))
    add_to_cart(client, product, 2)

    client.get(reverse("checkout:start"))

    order = EmulatedOrder.objects.get()
    assert order.order_amount == 3 * product.price_ore
    assert order.order_lines[0]["quantity"] == 3
    assert CheckoutSession.objects.count() == 1


def test_an_expired_provider_order_is_replaced_by_a_new_one(client, customer, product,
                                                            add_to_cart, monkeypatch):
    client.force_login(customer)
    add_to_cart(client, product, 1)
    client.get(reverse("checkout:start"))
    first = CheckoutSession.objects.get()
    monkeypatch.setattr(clock, "now", lambda: first.created_at + dt.timedelta(hours=48))

    response = client.get(reverse("checkout:start"))

    assert response.status_code == 200
    first.refresh_from_db()
    second = CheckoutSession.objects.exclude(pk=first.pk).get()
    assert first.status == CheckoutSession.Status.REPLACED
    assert second.klarna_order_id != first.klarna_order_id
    assert Disclosure.objects.filter(reference=second.klarna_order_id).count() == 1


@pytest.mark.promise("P05.c")
def test_a_reload_records_the_policy_version_and_address_it_showed(client, product,
                                                                    add_to_cart, pay,
                                                                    no_push):
    from tillit.orders.models import Order
    from tillit.privacy.models import Recipient
    from tillit.privacy.policy import current_version

    add_to_cart(client, product, 1)
    client.get(reverse("checkout:start"), REMOTE_ADDR="203.0.113.9")
    first_shown = CheckoutSession.objects.get().policy_version
    Recipient.objects.create(  # the processor register changes: a new policy text
        name="Exempeldrift AB", service="Hosting", recipient_kind="hosting",
        data_description="All data", location="EU", agreement_date=dt.date(2026, 1, 1))

    page = client.get(reverse("checkout:start"), REMOTE_ADDR="203.0.113.10")
    client.get(emulator_path(pay(client, page)["Location"]))

    shown = current_version()[1]
    assert shown != first_shown
    assert shown.digest in page.content.decode()
    checkout = CheckoutSession.objects.get()
    assert (checkout.policy_version, checkout.buyer_ip) == (shown, "203.0.113.10")
    order = Order.objects.get()
    assert (order.policy_version, order.buyer_ip) == (shown, "203.0.113.10")


def test_a_paid_checkout_leads_to_its_order_not_to_a_second_payment(client, product,
                                                                    add_to_cart, pay,
                                                                    no_push):
    from tillit.orders.models import Order

    add_to_cart(client, product, 1)
    assert pay(client, client.get(reverse("checkout:start"))).status_code == 303
    # Paid at the provider; neither the push nor the confirmation page has run yet.

    response = client.get(reverse("checkout:start"))

    paid = EmulatedOrder.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("checkout:confirmation") + f"?order_id={paid.order_id}"
    assert client.get(response.url).status_code == 200
    assert Order.objects.get().klarna_order_id == paid.order_id
    assert EmulatedOrder.objects.count() == 1


def test_a_cart_changed_after_paying_still_leads_to_the_paid_order(client, product,
                                                                   make_product,
                                                                   add_to_cart, pay,
                                                                   no_push):
    add_to_cart(client, product, 1)
    assert pay(client, client.get(reverse("checkout:start"))).status_code == 303
    add_to_cart(client, make_product(), 1)  # in another tab, before the confirmation

    response = client.get(reverse("checkout:start"))

    paid = EmulatedOrder.objects.get()
    assert response.status_code == 302
    assert response.url.endswith(f"?order_id={paid.order_id}")
    assert paid.order_amount == product.price_ore


def test_two_guests_get_their_own_provider_orders(client, product, add_to_cart):
    from django.test import Client

    other = Client()
    add_to_cart(client, product, 1)
    add_to_cart(other, product, 1)

    client.get(reverse("checkout:start"))
    other.get(reverse("checkout:start"))

    assert CheckoutSession.objects.count() == EmulatedOrder.objects.count() == 2


# When the provider fails ------------------------------------------------------------------


# fault: (the page's status, ledger entries left): a refusal means the provider made no
# order; after a server error or a malformed answer it may have one, holding the cart, so
# the ledger keeps the transfer (issue 16 §2, P28.b).
FAULTS = {"forced_500": ("500", 503, 1), "forced_503": ("503", 503, 1),
          "malformed_json": ("malformed", 503, 1), "refused_400": ("400", 502, 0),
          "bad_credentials_401": ("401", 502, 0)}


@pytest.mark.promise("P28.b")
@pytest.mark.parametrize(("fault", "status", "entries"), FAULTS.values(), ids=FAULTS.keys())
def test_a_failing_provider_gives_a_retry_page_and_leaves_nothing_half_made(
        client, customer, product, add_to_cart, settings, fault, status, entries):
    client.force_login(customer)
    add_to_cart(client, product, 1)
    settings.TILLIT_KLARNA_EMULATOR_FAULT = fault

    response = client.get(reverse("checkout:start"))

    assert response.status_code == status
    content = response.content.decode()
    assert "data-retry" in content
    assert 'href="/kassa/"' in content
    assert settings.TILLIT_CHECKOUT["provider_name"] in content
    assert not CheckoutSession.objects.exists()
    assert Disclosure.objects.filter(reference="", user=customer).count() == entries

    settings.TILLIT_KLARNA_EMULATOR_FAULT = ""
    assert client.get(reverse("checkout:start")).status_code == 200
    assert Disclosure.objects.exclude(reference="").count() == 1


def test_a_provider_gateway_timeout_gives_the_retry_page(client, product, add_to_cart,
                                                         settings):
    # (A real socket timeout is proven against the live server in tests/payments.)
    settings.TILLIT_KLARNA_EMULATOR_FAULT = "stall:0"
    add_to_cart(client, product, 1)

    response = client.get(reverse("checkout:start"))

    assert response.status_code == 503
    assert not CheckoutSession.objects.exists()


def test_a_provider_failure_is_logged(client, product, add_to_cart, settings, caplog):
    settings.TILLIT_KLARNA_EMULATOR_FAULT = "503"
    add_to_cart(client, product, 1)

    with caplog.at_level("WARNING", logger="tillit.payments"):
        client.get(reverse("checkout:start"))

    assert "POST /checkout/v3/orders" in caplog.text
    assert "503" in caplog.text


def test_the_ledger_entry_points_at_the_providers_entry_in_the_recipient_register(
        client, customer, product, add_to_cart):
    from tillit.privacy.models import Recipient

    kustom = Recipient.objects.create(
        name="Kustom", service="Checkout and payments", recipient_kind="payment_provider",
        data_description="Order contents", location="EU", role="controller",
        privacy_notice_url="https://kustom.example/privacy", is_checkout_provider=True)
    client.force_login(customer)
    add_to_cart(client, product, 1)

    client.get(reverse("checkout:start"))

    assert Disclosure.objects.get().registered == kustom


@pytest.mark.promise("P27.b")
def test_the_configured_provider_is_the_one_buyers_the_ledger_and_the_policy_name(
        client, customer, product, add_to_cart, settings):
    """One source for the checkout provider's name: the setting buyers see (README
    "Checkout provider"). The register's row for it keeps its role and its policy's link."""
    from tillit.privacy import demo as register

    register.load()  # the demo register: its checkout provider row is called "Kustom (...)"
    settings.TILLIT_CHECKOUT = {**settings.TILLIT_CHECKOUT, "provider_name": "Exempelbetal"}
    client.force_login(customer)
    add_to_cart(client, product, 1)

    checkout = client.get(reverse("checkout:start")).content.decode()
    policy = client.get(reverse("privacy:policy")).content.decode()

    note = checkout.split('class="provider-note">', 1)[1].split("</p>", 1)[0]
    assert "Exempelbetal" in note and "Kustom" not in note
    [entry] = Disclosure.objects.all()
    assert entry.recipient == "Exempelbetal"
    assert entry.registered.is_checkout_provider and not entry.registered.is_processor
    controllers = policy.split('id="controllers"', 1)[1].split("</section>", 1)[0]
    assert "Exempelbetal" in controllers and "Kustom" not in controllers
    assert entry.registered.privacy_notice_url in controllers
    assert "Exempelbetal" not in policy.split('id="processors"', 1)[1].split("</section>", 1)[0]
