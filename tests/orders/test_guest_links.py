"""A guest's order page opens from its link only as long as declared (issue 9 §5; P31.a's
sibling: no personal data reachable by a bare link for ever): while the order is open and
for ``GUEST_LINK_DAYS`` after it was delivered or cancelled. Then the link answers 410 and
offers a fresh link, sent only to the address the order was placed with."""

import datetime as dt
from urllib.parse import quote

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from tillit.orders import links, services
from tillit.orders.privacy import GUEST_LINK_DAYS

pytestmark = pytest.mark.django_db

NOW = timezone.now()


@pytest.fixture
def delivered_guest_order(guest_order, carriers, clock):
    clock(NOW)
    services.ship_order(guest_order, carrier=carriers["postnord"], tracking_number="AB12345SE")
    return services.mark_delivered(guest_order, when=NOW)


def _pages(token):
    return [reverse("orders:guest_detail", args=[token]),
            reverse("orders:guest_receipt", args=[token]),
            reverse("orders:guest_return", args=[token])]


def test_the_link_opens_the_order_until_its_declared_time_then_answers_410(
        client, delivered_guest_order, clock):
    url = links.order_path(delivered_guest_order)
    token = url.rstrip("/").rsplit("/", 1)[1]
    clock(NOW + dt.timedelta(days=GUEST_LINK_DAYS - 1))
    assert client.get(url).status_code == 200
    clock(NOW + dt.timedelta(days=GUEST_LINK_DAYS, seconds=1))
    for page in _pages(token):
        expired = client.get(page)
        assert expired.status_code == 410, page
        html = expired.content.decode()
        assert "Länken har slutat gälla" in html
        assert delivered_guest_order.shipping_street not in html
        assert delivered_guest_order.email not in html
        assert expired["Cache-Control"] == "private, no-store"


def test_an_open_order_keeps_its_link(client, guest_order, clock):
    url = links.order_path(guest_order)
    clock(timezone.now() + dt.timedelta(days=GUEST_LINK_DAYS * 3))
    assert client.get(url).status_code == 200


@pytest.mark.promise("P17.a")
def test_a_fresh_link_goes_only_to_the_orders_own_address(client, delivered_guest_order,
                                                         clock, mailoutbox):
    token = links.order_path(delivered_guest_order).rstrip("/").rsplit("/", 1)[1]
    later = NOW + dt.timedelta(days=GUEST_LINK_DAYS + 30)
    clock(later)
    mailoutbox.clear()
    ask = reverse("orders:guest_fresh_link", args=[token])
    wrong = client.post(ask, {"email": "someone.else@example.com"})
    right = client.post(ask, {"email": " GAST@example.com "})
    assert wrong.status_code == right.status_code == 200
    said = (f"Om det är adressen som beställning {delivered_guest_order.number} gjordes med "
            "är en ny länk på väg dit nu.")
    assert said in wrong.content.decode() and said in right.content.decode()
    [message] = mailoutbox
    assert message.to == ["gast@example.com"]
    assert message.subject == f"En ny länk till din beställning {delivered_guest_order.number}"
    fresh = next(word for word in message.body.split() if "/order/" in word)
    path = "/" + fresh.split("/", 3)[3]
    assert client.get(path).status_code == 200
    clock(later + dt.timedelta(days=GUEST_LINK_DAYS, seconds=1))
    assert client.get(path).status_code == 410


def test_an_erased_buyers_expired_link_is_a_404(client, delivered_guest_order, clock):
    from tillit.privacy import erasure

    url = links.order_path(delivered_guest_order)
    clock(NOW + dt.timedelta(days=GUEST_LINK_DAYS + 1))
    erasure.execute("gast@example.com")
    assert client.get(url).status_code == 404
    token = url.rstrip("/").rsplit("/", 1)[1]
    assert client.post(reverse("orders:guest_fresh_link", args=[token]),
                       {"email": "gast@example.com"}).status_code == 404


@hsettings(max_examples=40, deadline=None,
           suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(email=st.one_of(st.text(max_size=300), st.emails()), token=st.text(max_size=120))
def test_hostile_fresh_link_requests_are_a_4xx_and_send_nothing_unasked(
        client, delivered_guest_order, mailoutbox, settings, email, token):
    settings.TILLIT_RATE_LIMITS = {"order_link": (10**6, 3600)}
    real = links.guest_token(delivered_guest_order)
    for used in (real, quote(token, safe="")):
        if not used:
            continue
        response = client.post(f"/order/{used}/ny-lank/", {"email": email})
        assert response.status_code in (200, 400, 404, 405), (used, email)
    assert all(m.to == ["gast@example.com"] for m in mailoutbox)
    mailoutbox.clear()


def test_asking_for_fresh_links_is_rate_limited(client, delivered_guest_order):
    token = links.guest_token(delivered_guest_order)
    url = reverse("orders:guest_fresh_link", args=[token])
    codes = [client.post(url, {"email": "x@example.com"}).status_code for _ in range(7)]
    assert codes[:5] == [200] * 5 and codes[5:] == [429, 429]
