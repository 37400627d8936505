"""The emulator's own edges, in-process: hostile input gets Klarna-style 4xx answers and
changes nothing, the buyer page can be framed, and the rows are in the data map."""

import base64
import json
import string

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.payments.klarna_helpers import BUYER, PASSWORD, USERNAME, order_body
from tillit.payments.klarna.emulator.models import EmulatedCapture, EmulatedOrder
from tillit.privacy.checks import check_models
from tillit.privacy.datamap import registry

AUTH = "Basic " + base64.b64encode(f"{USERNAME}:{PASSWORD}".encode()).decode()
BASE = "/klarna-emulator"
HYPOTHESIS = settings(max_examples=40, deadline=None,
                      suppress_health_check=[HealthCheck.function_scoped_fixture])


def call(client, method, path, body=None, auth=AUTH, **headers):
    data = body if isinstance(body, bytes | str) else json.dumps(body) if body is not None \
        else b""
    if auth:
        headers["HTTP_AUTHORIZATION"] = auth
    return client.generic(method, BASE + path, data=data, content_type="application/json",
                          **headers)


@pytest.fixture
def created(client, db):
    response = call(client, "POST", "/checkout/v3/orders", order_body())
    assert response.status_code == 201
    return response.json()


@pytest.fixture
def authorized(client, created):
    response = client.post(f"{BASE}/checkout/{created['order_id']}/", BUYER)
    assert response.status_code == 303
    return created["order_id"]


@pytest.fixture
def captured(client, authorized):
    response = call(client, "POST", f"/ordermanagement/v1/orders/{authorized}/captures",
                    {"captured_amount": 1000})
    assert response.status_code == 201
    return authorized


ENDPOINTS = [
    ("POST", "/checkout/v3/orders"),
    ("GET", "/checkout/v3/orders/{id}"),
    ("POST", "/checkout/v3/orders/{id}"),
    ("GET", "/ordermanagement/v1/orders/{id}"),
    ("POST", "/ordermanagement/v1/orders/{id}/acknowledge"),
    ("POST", "/ordermanagement/v1/orders/{id}/captures"),
    ("POST", "/ordermanagement/v1/orders/{id}/refunds"),
    ("POST", "/ordermanagement/v1/orders/{id}/cancel"),
]


@pytest.mark.parametrize("auth", [None, "Basic " + base64.b64encode(b"demo-merchant:x")
                                  .decode(), "Bearer abc", "Basic !!!"])
@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
def test_every_api_endpoint_demands_the_merchants_basic_auth(client, authorized, method,
                                                             path, auth):
    response = call(client, method, path.format(id=authorized), {}, auth=auth)

    assert response.status_code == 401
    assert response.json()["error_code"] == "UNAUTHORIZED"
    assert "Basic" in response["WWW-Authenticate"]


def test_the_api_answers_wrong_methods_with_405(client, db):
    assert call(client, "GET", "/checkout/v3/orders").status_code == 405
    assert call(client, "DELETE", "/checkout/v3/orders/abc").status_code == 405


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=20,
)


@HYPOTHESIS
@given(body=json_values | st.dictionaries(
    st.sampled_from(list(order_body())), json_values, max_size=8))
def test_hostile_order_bodies_get_400_and_store_nothing(client, db, body):
    response = call(client, "POST", "/checkout/v3/orders", body)

    assert response.status_code == 400
    assert response.json()["error_code"] == "BAD_VALUE"
    assert not EmulatedOrder.objects.exists()


@HYPOTHESIS
@given(body=json_values | st.dictionaries(
    st.sampled_from(list(order_body())), json_values, min_size=1, max_size=8))
def test_hostile_updates_get_400_and_change_nothing(client, created, body):
    response = call(client, "POST", f"/checkout/v3/orders/{created['order_id']}", body)

    assert response.status_code == 400
    order = EmulatedOrder.objects.get(order_id=created["order_id"])
    assert order.order_lines == created["order_lines"]
    assert order.order_amount == created["order_amount"]


@HYPOTHESIS
@given(body=json_values)
def test_hostile_refund_bodies_are_refused_and_refund_nothing(client, captured, body):
    response = call(client, "POST", f"/ordermanagement/v1/orders/{captured}/refunds", body)

    assert response.status_code in (400, 403)
    assert EmulatedOrder.objects.get(order_id=captured).refunded_amount == 0


@HYPOTHESIS
@given(raw=st.binary(max_size=200))
def test_bytes_that_are_not_json_get_400(client, db, raw):
    response = call(client, "POST", "/checkout/v3/orders", raw)

    assert response.status_code == 400


@HYPOTHESIS
@given(order_id=st.text(min_size=1, max_size=300).filter(lambda s: "/" not in s))
def test_hostile_order_ids_are_404(client, db, order_id):
    from urllib.parse import quote

    response = call(client, "GET", "/checkout/v3/orders/" + quote(order_id, safe=""))

    assert response.status_code == 404


@HYPOTHESIS
@given(amount=st.one_of(st.integers(max_value=0), st.integers(min_value=129901),
                        st.floats(allow_nan=False), st.text(max_size=8), st.none(),
                        st.booleans()))
def test_hostile_capture_amounts_are_refused_and_capture_nothing(client, authorized, amount):
    response = call(client, "POST", f"/ordermanagement/v1/orders/{authorized}/captures",
                    {"captured_amount": amount})

    assert response.status_code in (400, 403)
    assert not EmulatedCapture.objects.exists()


def test_an_overlong_idempotency_key_is_refused(client, authorized):
    response = call(client, "POST", f"/ordermanagement/v1/orders/{authorized}/captures",
                    {"captured_amount": 100}, HTTP_KLARNA_IDEMPOTENCY_KEY="k" * 101)

    assert response.status_code == 400
    assert not EmulatedCapture.objects.exists()


def test_order_management_knows_no_unfinished_order(client, created):
    response = call(client, "GET", f"/ordermanagement/v1/orders/{created['order_id']}")

    assert response.status_code == 404


def test_the_buyer_page_may_be_framed_by_the_shop(client, created):
    response = client.get(f"{BASE}/checkout/{created['order_id']}/")

    assert response.status_code == 200
    assert "X-Frame-Options" not in response
    assert 'target="_top"' in response.content.decode()


def test_the_buyer_page_asks_for_contact_address_and_company_details_only(client, created):
    from tests.checkout.test_checkout_start import fields_of

    response = client.get(f"{BASE}/checkout/{created['order_id']}/")

    assert fields_of(response.content.decode()) == {
        "email", "given_name", "family_name", "street_address", "postal_code", "city",
        "phone", "payment_method", "confirm",
        # Klarna Checkout's B2B: a company buyer's name, org.nr and VAT number.
        "customer_type", "organization_name", "organization_registration_id", "vat_id"}


COMPANY_BUYER = {**BUYER, "customer_type": "organization",
                 "organization_name": "Ljudfirman AB",
                 "organization_registration_id": "5566778899", "vat_id": "SE 556677889901"}


def test_a_company_buyer_is_an_organization_with_its_numbers(client, created):
    client.post(f"{BASE}/checkout/{created['order_id']}/", COMPANY_BUYER)

    order = call(client, "GET", f"/checkout/v3/orders/{created['order_id']}").json()

    assert order["customer"] == {"type": "organization",
                                 "organization_registration_id": "556677-8899",
                                 "vat_id": "SE556677889901"}
    assert order["billing_address"]["organization_name"] == "Ljudfirman AB"


def test_a_private_buyer_sends_no_company_details(client, created):
    client.post(f"{BASE}/checkout/{created['order_id']}/",
                {**COMPANY_BUYER, "customer_type": "person"})

    order = call(client, "GET", f"/checkout/v3/orders/{created['order_id']}").json()

    assert order["customer"] == {"type": "person"}
    assert "organization_name" not in order["billing_address"]


@pytest.mark.parametrize("changes", [
    {"organization_name": ""}, {"organization_registration_id": ""},
    {"organization_registration_id": "12345"}, {"organization_registration_id": "55667788a9"},
    {"vat_id": "SE5566778899"}, {"vat_id": "XX123456789"}, {"vat_id": "SE" + "1" * 40},
    {"customer_type": "government"}])
def test_bad_company_details_are_refused_and_the_order_stays_unfinished(client, created,
                                                                        changes):
    response = client.post(f"{BASE}/checkout/{created['order_id']}/",
                           {**COMPANY_BUYER, **changes})

    assert response.status_code == 400
    assert EmulatedOrder.objects.get(order_id=created["order_id"]).status == \
        "checkout_incomplete"


BAD_FIELDS = {
    "email": st.sampled_from(["", "not-an-email", "a@", "x" * 300 + "@example.com"]),
    "postal_code": st.text(alphabet=string.ascii_letters + "-", min_size=1, max_size=12),
    "phone": st.text(alphabet=string.ascii_letters + "!?", min_size=1, max_size=40),
    "given_name": st.sampled_from(["", "x" * 101, "a\x00b"]),
    "payment_method": st.text(max_size=10).filter(lambda s: s not in ("invoice", "card")),
}


@HYPOTHESIS
@given(field=st.sampled_from(sorted(BAD_FIELDS)), data=st.data())
def test_bad_buyer_details_are_refused_and_the_order_stays_unfinished(client, created,
                                                                      field, data):
    value = data.draw(BAD_FIELDS[field])

    response = client.post(f"{BASE}/checkout/{created['order_id']}/",
                           {**BUYER, field: value})

    assert response.status_code == 400
    order = EmulatedOrder.objects.get(order_id=created["order_id"])
    assert order.status == "checkout_incomplete"
    assert order.email == ""


def test_an_unknown_buyer_page_is_404(client, db):
    assert client.get(f"{BASE}/checkout/no-such-order/").status_code == 404


def test_the_emulator_is_mounted_under_its_own_prefix(client, db):
    assert reverse("klarna_emulator:orders") == "/klarna-emulator/checkout/v3/orders"


def test_the_emulators_rows_are_declared_with_a_short_retention(db):
    for model in (EmulatedOrder, EmulatedCapture):
        declaration = registry.get(model)
        assert declaration is not None
        assert "48" in str(declaration.retention.describe())
    assert check_models([EmulatedOrder, EmulatedCapture]) == []
