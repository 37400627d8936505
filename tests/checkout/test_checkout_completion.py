"""From the provider's checkout to our order: the confirmation page and the push each place
the order once and acknowledge it; hostile or forged requests get a 4xx, never a 500."""

import datetime as dt
import string
import uuid

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.checkout.checkout_fixtures import emulator_path
from tests.payments.klarna_helpers import BUYER
from tillit.checkout.models import CheckoutSession
from tillit.orders.models import Order
from tillit.payments.klarna.emulator import clock
from tillit.payments.klarna.emulator.models import EmulatedOrder
from tillit.privacy.models import Disclosure

HYPOTHESIS = settings(max_examples=40, deadline=None,
                      suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture
def checkout_page(client, product, add_to_cart):
    add_to_cart(client, product, 2)
    response = client.get(reverse("checkout:start"))
    assert response.status_code == 200
    return response


@pytest.fixture
def paid(client, checkout_page, pay, no_push):
    """The buyer has confirmed in the provider's checkout; no push has come yet. Returns
    the shop's confirmation URL (path and query) the provider sent the browser to."""
    answer = pay(client, checkout_page)
    assert answer.status_code == 303
    return emulator_path(answer["Location"])


def order_id_of(url: str) -> str:
    return url.split("order_id=", 1)[1]


def push(client, order_id):
    return client.post(reverse("checkout:push", args=[order_id]), content_type="",
                       data=b"")


# The whole purchase -----------------------------------------------------------------------


@pytest.mark.promise("P05.a", "P05.c", "P28.a")
def test_a_guest_buys_through_the_providers_checkout(client, product, checkout_page, pay,
                                                     push_inline, mailoutbox):
    answer = pay(client, checkout_page)
    assert answer.status_code == 303
    order_id = order_id_of(answer["Location"])

    # The push (inline here) has already placed the order; the page shows it.
    page = client.get(emulator_path(answer["Location"]))

    assert page.status_code == 200
    order = Order.objects.get()
    assert order.klarna_order_id == order_id
    assert order.email == BUYER["email"]
    assert order.user is None
    assert f"data-order-number>{order.number}<" in page.content.decode()
    checkout = CheckoutSession.objects.get()
    assert order.policy_version == checkout.policy_version
    assert checkout.status == CheckoutSession.Status.PLACED
    assert checkout.acknowledged_at is not None
    assert EmulatedOrder.objects.get().acknowledged_at is not None
    product.refresh_from_db()
    assert product.stock == 10 - 2
    assert [m.to for m in mailoutbox] == [[BUYER["email"]]]
    assert client.session["cart_count"] == 0


@pytest.mark.promise("P28.b")
def test_a_guests_checkout_load_is_in_the_ledger_at_once_under_the_guests_session(
        client, checkout_page, settings):
    checkout = CheckoutSession.objects.get()

    [entry] = Disclosure.objects.all()

    assert entry.session_ref == checkout.session_ref != ""
    assert (entry.user, entry.email) == (None, "")
    assert entry.reference == checkout.klarna_order_id
    assert entry.recipient == settings.TILLIT_CHECKOUT["provider_name"]
    assert entry.categories == ["user.behavior.purchase_history"]
    assert entry.occurred_at <= checkout.created_at
    assert checkout.disclosure == entry


@pytest.mark.promise("P28.b")
def test_an_unfinished_guest_checkout_keeps_its_ledger_entry(client, product, add_to_cart):
    add_to_cart(client, product, 1)
    client.get(reverse("checkout:start"))
    client.get(reverse("checkout:start"))  # a reload is the same transfer

    [entry] = Disclosure.objects.all()
    assert entry.session_ref == CheckoutSession.objects.get().session_ref
    assert not Order.objects.exists()


@pytest.mark.promise("P28.b")
def test_the_purchase_links_the_guests_entry_to_the_buyer_once(client, checkout_page, paid):
    [at_load] = Disclosure.objects.all()

    client.get(paid)
    push(client, order_id_of(paid))
    client.get(paid)

    [entry] = Disclosure.objects.all()
    assert entry.pk == at_load.pk and entry.occurred_at == at_load.occurred_at
    assert entry.email == BUYER["email"]
    assert entry.user is None and entry.session_ref == ""
    assert entry.reference == Order.objects.get().klarna_order_id


@pytest.mark.promise("P28.b")
def test_the_guests_access_export_lists_the_checkout_disclosure_once(client, checkout_page,
                                                                     paid, settings):
    from tillit.privacy import export

    client.get(paid)
    push(client, order_id_of(paid))

    disclosures = export.collect(BUYER["email"])["disclosures"]

    provider = settings.TILLIT_CHECKOUT["provider_name"]
    assert [d["recipient"] for d in disclosures] == [provider]
    assert disclosures[0]["reference"] == order_id_of(paid)


def test_a_company_buyer_gets_a_receipt_with_its_name_org_nr_and_vat_number(
        client, checkout_page, pay, no_push):
    answer = pay(client, checkout_page, customer_type="organization",
                 organization_name="Ljudfirman AB", organization_registration_id="556677-8899",
                 vat_id="SE556677889901")

    client.get(emulator_path(answer["Location"]))

    order = Order.objects.get()
    assert (order.billing_company, order.billing_org_nr, order.billing_vat_number) == (
        "Ljudfirman AB", "556677-8899", "SE556677889901")
    for value in ("Ljudfirman AB", "556677-8899", "SE556677889901"):
        assert value in order.receipt.html


@pytest.mark.promise("P28.b")
def test_a_customers_purchase_adds_no_second_disclosure(client, customer, product,
                                                        add_to_cart, pay, no_push):
    client.force_login(customer)
    add_to_cart(client, product, 1)
    answer = pay(client, client.get(reverse("checkout:start")))

    client.get(emulator_path(answer["Location"]))

    assert Order.objects.get().user == customer
    [entry] = Disclosure.objects.all()
    assert entry.user == customer


def test_the_buyer_sees_the_order_details_and_a_link_to_follow_it(client, paid):
    content = client.get(paid).content.decode()

    order = Order.objects.get()
    assert "data-order-link" in content
    assert order.email in content
    assert order.lines.get().name in content


def test_someone_else_with_the_link_sees_no_details(client, paid):
    from django.test import Client

    content = Client().get(paid).content.decode()

    order = Order.objects.get()
    assert f"data-order-number>{order.number}<" in content
    assert order.email not in content
    assert "data-order-link" not in content


def test_reloading_the_confirmation_places_one_order_and_acknowledges_once(client, paid,
                                                                           provider):
    client.get(paid)
    client.get(paid)

    assert Order.objects.count() == 1
    acks = [p for p in provider.paths() if p.endswith("/acknowledge")]
    assert len(acks) == 1


def test_coming_back_before_paying_returns_to_the_checkout(client, checkout_page):
    order_id = CheckoutSession.objects.get().klarna_order_id

    response = client.get(reverse("checkout:confirmation") + f"?order_id={order_id}")

    assert response.status_code == 302
    assert response.url == reverse("checkout:start")
    assert not Order.objects.exists()


def test_sold_out_while_paying_places_nothing_and_cancels_the_payment(client, product, paid):
    product.stock = 1
    product.save()

    response = client.get(paid)

    assert response.status_code == 409
    assert not Order.objects.exists()
    assert EmulatedOrder.objects.get().placed_status == "CANCELLED"
    assert product.name in response.content.decode()


def test_after_a_sold_out_cancellation_the_checkout_opens_a_new_payment(client, product,
                                                                        paid):
    product.stock = 1
    product.save()
    client.get(paid)
    product.stock = 5
    product.save()

    response = client.get(reverse("checkout:start"))

    assert response.status_code == 200
    assert EmulatedOrder.objects.count() == 2
    assert CheckoutSession.objects.filter(status=CheckoutSession.Status.CANCELLED).count() == 1


@pytest.mark.promise("P28.a")
def test_the_provider_failing_at_confirmation_says_the_payment_stands(client, paid,
                                                                      settings):
    """The buyer has paid; the provider cannot be read just now. The page says what is
    true (the payment is registered, the order is confirmed by e-mail), not that nothing
    was charged (issue 16 §6)."""
    settings.TILLIT_KLARNA_EMULATOR_FAULT = "503@/checkout/v3/orders/"

    response = client.get(paid)

    assert response.status_code == 202
    page = response.content.decode()
    assert "data-retry" in page
    assert "Din betalning hos Kustom är registrerad" in page
    assert "debiterats" not in page
    assert not Order.objects.exists()

    settings.TILLIT_KLARNA_EMULATOR_FAULT = ""
    assert client.get(paid).status_code == 200
    assert Order.objects.count() == 1


def test_a_failed_acknowledgement_still_confirms_and_the_push_acknowledges_later(
        client, paid, settings):
    settings.TILLIT_KLARNA_EMULATOR_FAULT = "503@/acknowledge*1"

    assert client.get(paid).status_code == 200
    assert CheckoutSession.objects.get().acknowledged_at is None

    assert push(client, order_id_of(paid)).status_code == 204
    assert CheckoutSession.objects.get().acknowledged_at is not None
    assert Order.objects.count() == 1


# The push -------------------------------------------------------------------------------


def test_the_push_places_the_order_and_acknowledges_it(client, paid):
    response = push(client, order_id_of(paid))

    assert response.status_code == 204
    assert Order.objects.count() == 1
    assert CheckoutSession.objects.get().acknowledged_at is not None
    assert EmulatedOrder.objects.get().acknowledged_at is not None


def test_a_duplicate_push_makes_no_second_order(client, paid, provider):
    order_id = order_id_of(paid)

    assert push(client, order_id).status_code == 204
    assert push(client, order_id).status_code == 204
    client.get(paid)

    assert Order.objects.count() == 1
    assert sum(p.endswith("/acknowledge") for p in provider.paths()) == 1


def test_a_push_for_an_unfinished_checkout_is_409_and_places_nothing(client, checkout_page):
    order_id = CheckoutSession.objects.get().klarna_order_id

    assert push(client, order_id).status_code == 409
    assert not Order.objects.exists()


def test_a_push_while_the_provider_is_down_is_503_so_it_comes_again(client, paid, settings):
    settings.TILLIT_KLARNA_EMULATOR_FAULT = "500@/ordermanagement"

    assert push(client, order_id_of(paid)).status_code == 503
    assert not Order.objects.exists()

    settings.TILLIT_KLARNA_EMULATOR_FAULT = ""
    assert push(client, order_id_of(paid)).status_code == 204


def test_a_push_for_a_sold_out_order_is_answered_and_cancels_the_payment(client, product,
                                                                         paid):
    product.stock = 0
    product.save()

    assert push(client, order_id_of(paid)).status_code == 204
    assert not Order.objects.exists()
    assert EmulatedOrder.objects.get().placed_status == "CANCELLED"


def test_a_push_for_an_authorisation_that_expired_is_answered_and_places_nothing(
        client, paid, monkeypatch, caplog):
    paid_at = EmulatedOrder.objects.get().completed_at
    monkeypatch.setattr(clock, "now", lambda: paid_at + dt.timedelta(days=29))

    with caplog.at_level("INFO", logger="tillit.payments"):
        response = push(client, order_id_of(paid))

    assert response.status_code == 204
    assert not Order.objects.exists()
    assert "EXPIRED" in caplog.text


class _EndedProvider:
    """The provider's order management, saying an order ended with ``status``."""

    def __init__(self, status):
        self.status = status

    def read_placed_order(self, order_id):
        return {"order_id": order_id, "status": self.status}


@pytest.mark.parametrize("status", ["CANCELLED", "EXPIRED", "CLOSED"])
def test_a_push_for_an_order_that_ended_is_answered_and_places_nothing(client, paid,
                                                                       monkeypatch, status):
    from tillit.checkout import services

    monkeypatch.setattr(services, "get_client", lambda: _EndedProvider(status))

    assert push(client, order_id_of(paid)).status_code == 204
    assert push(client, order_id_of(paid)).status_code == 204
    assert not Order.objects.exists()


def test_a_push_for_an_unknown_order_is_404(client, db):
    assert push(client, str(uuid.uuid4())).status_code == 404


def test_get_on_the_push_url_is_405(client, paid):
    response = client.get(reverse("checkout:push", args=[order_id_of(paid)]))

    assert response.status_code == 405
    assert not Order.objects.exists()


def test_the_push_needs_no_csrf_token(paid):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)

    assert strict.post(reverse("checkout:push", args=[order_id_of(paid)])).status_code == 204


# Hostile input ----------------------------------------------------------------------------


ids = st.one_of(
    st.text(min_size=1, max_size=200),
    st.text(alphabet=string.ascii_letters + string.digits + "-_", min_size=1, max_size=100),
    st.just("x" * 10_000),
)


@HYPOTHESIS
@given(order_id=ids)
def test_forged_ids_on_the_confirmation_page_are_4xx(client, paid, order_id):
    response = client.get(reverse("checkout:confirmation"), {"order_id": order_id})

    assert response.status_code in (400, 404)
    assert not Order.objects.exists()


@HYPOTHESIS
@given(order_id=ids.filter(lambda s: "/" not in s and s.strip() == s))
def test_forged_ids_on_the_push_are_404(client, paid, order_id):
    from urllib.parse import quote

    response = client.post(f"/kassa/push/{quote(order_id, safe='')}/")

    assert response.status_code == 404
    assert not Order.objects.exists()


@pytest.mark.parametrize("query", ["", "?order_id=", "?order_id=../../admin",
                                   "?order_id=" + "a" * 5000, "?order_id=%00"])
def test_a_confirmation_without_a_usable_id_is_400(client, db, query):
    response = client.get(reverse("checkout:confirmation") + query)

    assert response.status_code == 400


def test_the_confirmation_refuses_post(client, paid):
    assert client.post(paid).status_code == 405


@pytest.mark.promise("P28.a")
def test_the_confirmation_page_waits_only_briefly_for_the_acknowledgement(client, paid,
                                                                         monkeypatch):
    """A slow acknowledgement must not hold the buyer's page (issue 16 §6): the page asks
    with a short timeout; the push and the reconciliation acknowledge what it could not."""
    from tillit.checkout import services as checkout_services
    from tillit.payments.klarna.client import KlarnaClient

    asked = []
    real = KlarnaClient.acknowledge

    def spy(self, order_id, *, timeout=None):
        asked.append(timeout)
        return real(self, order_id, timeout=timeout)

    monkeypatch.setattr(KlarnaClient, "acknowledge", spy)
    assert client.get(paid).status_code == 200
    assert asked == [checkout_services.ACK_TIMEOUT_ON_PAGE] and asked[0] <= 2
    assert push(client, order_id_of(paid)).status_code == 204
