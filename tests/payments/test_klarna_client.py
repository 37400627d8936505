"""The Klarna client against the emulator over real HTTP (a live server): every call's happy
path, Klarna's validation, and the failures the shop must survive."""

import datetime as dt
import json
import logging
import re
import uuid

import httpx
import pytest
from django.utils import translation

from tests.payments.klarna_helpers import BUYER, checkout_page_url, line, order_body
from tillit.payments.klarna import client as klarna_client
from tillit.payments.klarna.client import (
    MAX_BACKOFF,
    KlarnaClient,
    KlarnaError,
    KlarnaUnavailable,
)
from tillit.payments.klarna.emulator import clock
from tillit.payments.klarna.emulator.models import EmulatedCapture, EmulatedOrder


def confirm(order, **changes):
    """The buyer fills in the snippet's page and confirms, over HTTP."""
    page = checkout_page_url(order["html_snippet"])
    return httpx.post(page, data={**BUYER, **changes}, follow_redirects=False, timeout=5)


@pytest.fixture
def placed(klarna, pushes):
    """A checkout order the buyer has confirmed (AUTHORIZED), 1 299 kr + 2 × 149 kr."""
    order = klarna.create_order(order_body([line(), line(14900, 2, 1200, reference="K-2")]))
    assert confirm(order).status_code == 303
    return order["order_id"]


# Happy paths ----------------------------------------------------------------------------


@pytest.mark.promise("P28.a")
def test_create_returns_the_order_with_a_snippet_framing_the_emulated_checkout(klarna,
                                                                               emulator_url):
    order = klarna.create_order(order_body())

    assert order["status"] == "checkout_incomplete"
    assert order["order_amount"] == 129900
    assert checkout_page_url(order["html_snippet"]) == (
        f"{emulator_url}/checkout/{order['order_id']}/")
    assert httpx.get(checkout_page_url(order["html_snippet"])).status_code == 200


def test_the_snippet_is_a_container_whose_script_loads_the_providers_bootstrap(
        klarna, emulator_url):
    """As Klarna's: no iframe in the markup; an inline script loads the provider's script
    from the provider's host, and that script frames the checkout."""
    snippet = klarna.create_order(order_body())["html_snippet"]

    bootstrap = json.loads(re.search(r'"BOOTSTRAP_SRC":\s*("[^"]*")', snippet).group(1))
    script = httpx.get(bootstrap, timeout=5)

    assert snippet.startswith('<div id="klarna-checkout-container"><script')
    assert "<iframe" not in snippet
    assert bootstrap.startswith(emulator_url.removesuffix("/klarna-emulator") + "/")
    assert script.status_code == 200
    assert "javascript" in script.headers["content-type"]
    assert 'createElement("iframe")' in script.text


def test_read_returns_what_was_created_and_update_replaces_the_cart(klarna):
    created = klarna.create_order(order_body())

    read = klarna.read_order(created["order_id"])
    updated = klarna.update_order(created["order_id"],
                                  order_body([line(quantity=3)]))

    assert read["order_lines"] == created["order_lines"]
    assert updated["order_amount"] == 3 * 129900
    assert klarna.read_order(created["order_id"])["order_lines"][0]["quantity"] == 3


def test_confirming_sends_the_buyer_to_the_confirmation_url_and_pushes_once(klarna, pushes):
    order = klarna.create_order(order_body())
    order_id = order["order_id"]

    answer = confirm(order)
    again = confirm(order)

    assert answer.status_code == 303
    assert answer.headers["Location"] == (
        f"https://shop.example/kassa/bekraftelse/?order_id={order_id}")
    assert again.status_code == 200  # the finished checkout only says thank you
    assert pushes == [(f"https://shop.example/kassa/push/{order_id}/", b"")]


def test_a_confirmed_order_reads_complete_with_the_buyers_address(klarna, placed):
    order = klarna.read_order(placed)

    assert order["status"] == "checkout_complete"
    assert order["billing_address"]["email"] == BUYER["email"]
    assert order["billing_address"]["postal_code"] == "565 31"
    assert order["shipping_address"] == order["billing_address"]


def test_the_placed_order_is_authorized_and_accepted(klarna, placed):
    order = klarna.read_placed_order(placed)

    assert order["status"] == "AUTHORIZED"
    assert order["fraud_status"] == "ACCEPTED"
    assert order["remaining_authorized_amount"] == 129900 + 2 * 14900
    assert order["initial_payment_method"]["type"] == "INVOICE"


def test_acknowledge_capture_and_refund(klarna, placed):
    klarna.acknowledge(placed)
    capture_id = klarna.capture(placed, 129900, shipping_info=[
        {"shipping_company": "PostNord", "tracking_number": "00370712345678"}])
    refund_id = klarna.refund(placed, 14900, description="Return 1")

    order = klarna.read_placed_order(placed)
    assert EmulatedOrder.objects.get(order_id=placed).acknowledged_at is not None
    assert order["status"] == "PART_CAPTURED"
    assert [c["capture_id"] for c in order["captures"]] == [capture_id]
    assert order["captures"][0]["shipping_info"][0]["tracking_number"] == "00370712345678"
    assert [r["refund_id"] for r in order["refunds"]] == [refund_id]
    assert (order["captured_amount"], order["refunded_amount"]) == (129900, 14900)


def test_capturing_everything_makes_the_order_captured(klarna, placed):
    klarna.capture(placed, 129900 + 2 * 14900)

    assert klarna.read_placed_order(placed)["status"] == "CAPTURED"


def test_cancel_releases_an_uncaptured_order(klarna, placed):
    klarna.cancel(placed)

    order = klarna.read_placed_order(placed)
    assert order["status"] == "CANCELLED"
    assert order["remaining_authorized_amount"] == 0


# Klarna's validation --------------------------------------------------------------------


def _bad(**changes):
    body = order_body()
    body.update(changes)
    return body


BAD_BODIES = {
    "order_amount_not_the_sum": _bad(order_amount=129901),
    "order_tax_not_the_sum": _bad(order_tax_amount=25981),
    "line_tax_off_by_two": order_body([line(total_tax_amount=25980 + 2)]),
    "line_total_not_price_times_quantity": order_body([line(total_amount=129800)]),
    "country_not_se": _bad(purchase_country="NO"),
    "currency_not_sek": _bad(purchase_currency="EUR"),
    "no_lines": _bad(order_lines=[], order_amount=0, order_tax_amount=0),
    "push_url_missing": _bad(merchant_urls={**order_body()["merchant_urls"], "push": ""}),
    "push_same_as_confirmation": _bad(merchant_urls={
        **order_body()["merchant_urls"],
        "push": order_body()["merchant_urls"]["confirmation"]}),
    "amount_as_float": _bad(order_amount=1299.0),
    "tax_rate_as_percent_string": order_body([{**line(), "tax_rate": "25%"}]),
}


@pytest.mark.parametrize("body", BAD_BODIES.values(), ids=BAD_BODIES.keys())
def test_invalid_orders_are_refused_with_400_and_nothing_is_stored(klarna, body):
    with pytest.raises(KlarnaError) as caught:
        klarna.create_order(body)

    assert not isinstance(caught.value, KlarnaUnavailable)
    assert caught.value.status == 400
    assert caught.value.code == "BAD_VALUE"
    assert caught.value.messages
    assert not EmulatedOrder.objects.exists()


@pytest.mark.parametrize("off_by", [-1, 1])
def test_a_line_tax_within_one_ore_of_the_formula_is_accepted(klarna, off_by):
    order = klarna.create_order(order_body([line(total_tax_amount=25980 + off_by)]))

    assert order["status"] == "checkout_incomplete"


def test_wrong_credentials_are_refused_with_401(emulator_url):
    stranger = KlarnaClient(username="demo-merchant", password="guess", sleep=lambda s: None)

    with pytest.raises(KlarnaError) as caught:
        stranger.create_order(order_body())

    assert caught.value.status == 401
    assert not EmulatedOrder.objects.exists()


def test_an_unknown_order_is_a_404_not_an_outage(klarna, sleeps):
    with pytest.raises(KlarnaError) as caught:
        klarna.read_order(str(uuid.uuid4()))

    assert not isinstance(caught.value, KlarnaUnavailable)
    assert (caught.value.status, caught.value.code) == (404, "NOT_FOUND")
    assert sleeps == []


def test_a_completed_order_cannot_be_updated(klarna, placed):
    with pytest.raises(KlarnaError) as caught:
        klarna.update_order(placed, order_body([line(quantity=5)]))

    assert caught.value.code == "READ_ONLY_ORDER"
    assert klarna.read_order(placed)["order_amount"] == 129900 + 2 * 14900


def test_capturing_more_than_remains_is_refused(klarna, placed):
    klarna.capture(placed, 129900)

    with pytest.raises(KlarnaError) as caught:
        klarna.capture(placed, 2 * 14900 + 1)

    assert caught.value.status == 403
    assert klarna.read_placed_order(placed)["captured_amount"] == 129900


def test_refunding_more_than_was_captured_is_refused(klarna, placed):
    klarna.capture(placed, 14900)

    with pytest.raises(KlarnaError) as caught:
        klarna.refund(placed, 14901)

    assert caught.value.status == 403
    assert klarna.read_placed_order(placed)["refunded_amount"] == 0


def test_a_captured_order_cannot_be_cancelled(klarna, placed):
    klarna.capture(placed, 100)

    with pytest.raises(KlarnaError) as caught:
        klarna.cancel(placed)

    assert caught.value.code == "CANCEL_NOT_ALLOWED"


# Idempotency and retries ----------------------------------------------------------------


def test_the_same_idempotency_key_gives_the_same_capture_and_captures_once(klarna, placed):
    key = str(uuid.uuid4())

    first = klarna.capture(placed, 129900, idempotency_key=key)
    second = klarna.capture(placed, 129900, idempotency_key=key)

    assert first == second
    assert EmulatedCapture.objects.filter(order__order_id=placed).count() == 1
    assert klarna.read_placed_order(placed)["captured_amount"] == 129900


def test_a_capture_whose_answer_was_lost_is_retried_with_the_same_key(klarna, placed,
                                                                      settings, sleeps):
    settings.TILLIT_KLARNA_EMULATOR_FAULT = "lost@/captures*1"

    capture_id = klarna.capture(placed, 129900)

    captures = EmulatedCapture.objects.filter(order__order_id=placed)
    assert [c.capture_id for c in captures] == [capture_id]
    assert captures[0].idempotency_key
    assert sleeps == [klarna_client.FIRST_BACKOFF]


def test_a_refund_whose_answer_was_lost_refunds_once(klarna, placed, settings, sleeps):
    klarna.capture(placed, 129900)
    settings.TILLIT_KLARNA_EMULATOR_FAULT = "lost@/refunds*2"

    klarna.refund(placed, 5000)

    assert klarna.read_placed_order(placed)["refunded_amount"] == 5000
    assert len(sleeps) == 2


def test_reads_are_retried_with_a_bounded_backoff(klarna, settings, sleeps):
    order_id = klarna.create_order(order_body())["order_id"]
    settings.TILLIT_KLARNA_EMULATOR_FAULT = "503@/checkout/v3/orders/*2"

    assert klarna.read_order(order_id)["order_id"] == order_id
    assert sleeps == [0.25, 0.5]


def test_reads_give_up_after_the_last_attempt(klarna, settings, sleeps):
    order_id = klarna.create_order(order_body())["order_id"]
    settings.TILLIT_KLARNA_EMULATOR_FAULT = "503@/checkout/v3/orders/"

    with pytest.raises(KlarnaUnavailable) as caught:
        klarna.read_order(order_id)

    assert caught.value.status == 503
    assert len(sleeps) == klarna.attempts - 1
    assert all(0 < s <= MAX_BACKOFF for s in sleeps)


@pytest.mark.promise("P28.a")
def test_a_forced_500_on_create_is_unavailable_not_retried_and_stores_nothing(
        klarna, settings, sleeps, caplog):
    settings.TILLIT_KLARNA_EMULATOR_FAULT = "500@/checkout/v3/orders"

    with caplog.at_level(logging.WARNING, logger="tillit.payments"), \
            pytest.raises(KlarnaUnavailable) as caught:
        klarna.create_order(order_body())

    assert caught.value.status == 500
    assert caught.value.correlation_id
    assert "Kustom" in caught.value.user_message
    with translation.override("en"):
        assert "not answering" in caught.value.user_message
    assert sleeps == []
    assert not EmulatedOrder.objects.exists()
    assert caught.value.correlation_id in caplog.text


def test_an_acknowledge_that_fails_is_not_retried(klarna, placed, settings, sleeps):
    settings.TILLIT_KLARNA_EMULATOR_FAULT = "500@/acknowledge"

    with pytest.raises(KlarnaUnavailable):
        klarna.acknowledge(placed)

    assert sleeps == []


def test_a_slow_provider_times_out_as_unavailable(emulator_url, settings):
    # "stall" answers only after the wait and touches nothing, so the server thread left
    # behind cannot disturb the next test.
    settings.TILLIT_KLARNA_EMULATOR_FAULT = "stall:1@/checkout/v3/orders/"
    impatient = KlarnaClient(timeout=0.2, attempts=1)
    order_id = KlarnaClient().create_order(order_body())["order_id"]

    with pytest.raises(KlarnaUnavailable) as caught:
        impatient.read_order(order_id)

    assert caught.value.code == "timeout"
    assert caught.value.status is None


def test_malformed_json_is_unavailable(klarna, settings):
    order_id = klarna.create_order(order_body())["order_id"]
    settings.TILLIT_KLARNA_EMULATOR_FAULT = "malformed@/checkout/v3/orders/"

    with pytest.raises(KlarnaUnavailable) as caught:
        klarna.read_order(order_id)

    assert caught.value.code == "malformed_response"


def test_a_provider_that_is_not_there_is_unavailable(db):
    nobody = KlarnaClient(base_url="http://127.0.0.1:9", attempts=1,
                          transport=httpx.HTTPTransport())

    with pytest.raises(KlarnaUnavailable) as caught:
        nobody.read_order(str(uuid.uuid4()))

    # Nothing reached the provider: the checkout may drop its ledger entry for this call.
    assert caught.value.code == "not_sent"


def test_errors_are_logged_without_the_buyers_details(klarna, placed, settings, caplog):
    settings.TILLIT_KLARNA_EMULATOR_FAULT = "500@/ordermanagement"

    with caplog.at_level(logging.INFO, logger="tillit.payments"), \
            pytest.raises(KlarnaUnavailable):
        klarna.read_placed_order(placed)

    assert "server_error" in caplog.text or "EMULATED_FAULT" in caplog.text
    assert BUYER["email"] not in caplog.text
    assert BUYER["family_name"] not in caplog.text


# Expiry ---------------------------------------------------------------------------------


def test_an_unfinished_order_expires_after_48_hours(klarna, monkeypatch):
    order = klarna.create_order(order_body())
    opened = EmulatedOrder.objects.get(order_id=order["order_id"]).created_at

    monkeypatch.setattr(clock, "now", lambda: opened + dt.timedelta(hours=47, minutes=59))
    assert klarna.read_order(order["order_id"])["status"] == "checkout_incomplete"

    monkeypatch.setattr(clock, "now", lambda: opened + dt.timedelta(hours=48))
    with pytest.raises(KlarnaError) as caught:
        klarna.read_order(order["order_id"])
    assert caught.value.status == 404
    assert confirm(order).status_code == 404
    assert EmulatedOrder.objects.get(order_id=order["order_id"]).status == (
        "checkout_incomplete")


def test_a_placed_order_does_not_expire_after_48_hours(klarna, placed, monkeypatch):
    later = EmulatedOrder.objects.get(order_id=placed).created_at + dt.timedelta(days=3)
    monkeypatch.setattr(clock, "now", lambda: later)

    assert klarna.read_placed_order(placed)["status"] == "AUTHORIZED"
