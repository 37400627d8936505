"""End to end against the Klarna emulator over real HTTP (a live server): a completed
provider order becomes our order, shipping captures it, a return refunds part of it, and
the provider's books agree with ours."""

import httpx
import pytest

from tests.orders.orders_fixtures import checkout, klarna_line
from tests.payments.klarna_helpers import BUYER, PASSWORD, USERNAME, checkout_page_url
from tillit.orders import provider, services
from tillit.orders.models import Order
from tillit.payments.klarna import payload
from tillit.payments.klarna.client import KlarnaClient
from tillit.shipping.services import ensure_default_carriers


@pytest.fixture
def emulator(live_server, settings, monkeypatch):
    settings.TILLIT_PUBLIC_URL = live_server.url
    settings.TILLIT_CHECKOUT = {"provider_name": "Kustom", "timeout": 5,
                                "base_url": live_server.url + "/klarna-emulator",
                                "username": USERNAME, "password": PASSWORD}
    # Pushes are recorded, not delivered: this test places the order itself.
    settings.TILLIT_KLARNA_EMULATOR_PUSH = {
        "mode": "inline", "transport": httpx.MockTransport(lambda r: httpx.Response(204))}
    client = KlarnaClient(sleep=lambda s: None)
    # The orders app's own client, closed afterwards: a kept-alive connection would hold a
    # server thread (and its database session) open past the test.
    monkeypatch.setattr(provider, "get_client", lambda: client)
    yield client
    client.close()


def _merchant_urls(base):
    return {"terms": f"{base}/villkor", "checkout": f"{base}/kassa/",
            "confirmation": f"{base}/kassa/bekraftelse/?order_id={{checkout.order.id}}",
            "push": f"{base}/kassa/push/{{checkout.order.id}}/"}


@pytest.mark.promise("P28.a")
def test_capture_at_shipment_and_a_partial_refund_reach_the_provider(emulator, live_server,
                                                                     make_product, customer,
                                                                     mailoutbox):
    mixer = make_product(name="Mixer", price_ore=129900, vat_rate=2500, stock=4)
    book = make_product(name="Ljudboken", price_ore=34900, vat_rate=600, stock=4)
    lines = [klarna_line(mixer, 1), klarna_line(book, 2)]
    created = emulator.create_order({
        "purchase_country": payload.PURCHASE_COUNTRY,
        "purchase_currency": payload.PURCHASE_CURRENCY, "locale": "sv-SE",
        "order_amount": sum(li["total_amount"] for li in lines),
        "order_tax_amount": sum(li["total_tax_amount"] for li in lines),
        "order_lines": lines, "merchant_urls": _merchant_urls(live_server.url)})
    answer = httpx.post(checkout_page_url(created["html_snippet"]), data=BUYER, timeout=5)
    assert answer.status_code == 303
    klarna_id = created["order_id"]

    placed = emulator.read_placed_order(klarna_id)
    order = services.place_order_from_klarna(placed, checkout=checkout(customer))
    assert order.total_ore == 199700 and order.billing_name == "Kim Kund"
    assert services.place_order_from_klarna(placed, checkout=checkout(customer)).pk == order.pk

    carriers = {c.code: c for c in ensure_default_carriers()}
    services.ship_order(order, carrier=carriers["postnord"], tracking_number="00370712345678")
    services.ship_order(order, carrier=carriers["postnord"], tracking_number="00370712345678")
    order.refresh_from_db()
    provider = emulator.read_placed_order(klarna_id)
    assert provider["captured_amount"] == 199700 and len(provider["captures"]) == 1
    assert provider["captures"][0]["capture_id"] == order.klarna_capture_id
    assert provider["captures"][0]["shipping_info"][0]["tracking_number"] == "00370712345678"

    services.mark_delivered(order)
    ret = services.start_return(order, {order.lines.get(name="Ljudboken").pk: 1})
    services.mark_return_received(ret)
    note = services.refund_return(ret)
    services.refund_return(ret)
    provider = emulator.read_placed_order(klarna_id)
    assert provider["refunded_amount"] == 34900 and len(provider["refunds"]) == 1
    assert note.total_ore == -34900
    order.refresh_from_db()
    assert order.status == Order.Status.RETURNED
    assert len(mailoutbox) == 3  # confirmation, shipped, refunded

