"""The buyer's order pages: "My orders", status and tracking link (P02), receipts, and the
guests' signed links."""

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from tillit.core.money import format_sek
from tillit.orders import links, services

pytestmark = pytest.mark.django_db


def test_my_orders_lists_only_my_own_orders(client, customer, make_user, place, product):
    mine = place([(product, 1)], user=customer)
    theirs = place([(product, 1)], user=make_user())
    client.force_login(customer)
    page = client.get(reverse("orders:list")).content.decode()
    assert f'data-order="{mine.number}"' in page
    assert f'data-order="{theirs.number}"' not in page


def test_the_header_links_to_my_orders_when_logged_in(client, customer):
    link = f'href="{reverse("orders:list")}"'
    assert link not in client.get(reverse("catalog:home")).content.decode()
    client.force_login(customer)
    assert link in client.get(reverse("catalog:home")).content.decode()


def test_my_orders_needs_a_login(client):
    response = client.get(reverse("orders:list"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


@pytest.mark.parametrize("view", ["orders:detail", "orders:receipt", "orders:return"])
def test_another_customers_order_is_a_404(client, customer, make_user, place, product, view):
    theirs = place([(product, 1)], user=make_user())
    client.force_login(customer)
    assert client.get(reverse(view, args=[theirs.number])).status_code == 404
    assert client.post(reverse("orders:return", args=[theirs.number]),
                       {"reason": "x"}).status_code == 404


def test_the_order_page_shows_lines_totals_and_vat(client, customer, customer_order):
    client.force_login(customer)
    page = client.get(reverse("orders:detail", args=[customer_order.number])).content.decode()
    assert "Mixer" in page and "Ljudboken" in page
    assert format_sek(199700) in page
    assert format_sek(25980) in page and format_sek(3951) in page  # VAT per rate (P01)
    assert 'data-status="placed"' in page


@pytest.mark.promise("P02.a")
def test_a_shipped_order_shows_its_status_and_the_carriers_tracking_link(
        client, customer, customer_order, carriers):
    client.force_login(customer)
    url = reverse("orders:detail", args=[customer_order.number])
    assert "tracking-link" not in client.get(url).content.decode()
    services.ship_order(customer_order, carrier=carriers["postnord"],
                        tracking_number="00370712345678901")
    page = client.get(url).content.decode()
    assert 'data-status="shipped"' in page
    assert 'href="https://tracking.postnord.com/se/?id=00370712345678901"' in page
    listing = client.get(reverse("orders:list")).content.decode()
    assert "https://tracking.postnord.com/se/?id=00370712345678901" in listing


def test_the_owner_sees_the_receipt_as_issued(client, customer, customer_order):
    client.force_login(customer)
    response = client.get(reverse("orders:receipt", args=[customer_order.number]))
    assert response.status_code == 200
    assert response.content.decode() == customer_order.receipt.html
    assert "no-store" in response["Cache-Control"]


def test_a_guest_follows_the_order_from_the_signed_link(client, guest_order):
    url = links.order_path(guest_order)
    page = client.get(url)
    assert page.status_code == 200
    assert str(guest_order.number) in page.content.decode()
    assert page["Referrer-Policy"] == "same-origin"
    token = url.rstrip("/").rsplit("/", 1)[-1]
    receipt = client.get(reverse("orders:guest_receipt", args=[token]))
    assert receipt.content.decode() == guest_order.receipt.html


@pytest.mark.parametrize("tamper", [
    lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),
    lambda t: t.replace(t.split(":")[0], "MTAwMDAy", 1),
    lambda t: "x" + t,
    lambda t: "nonsense",
    lambda t: "a" * 300,
])
def test_a_tampered_guest_link_is_a_404(client, guest_order, tamper):
    token = links.guest_token(guest_order)
    bad = tamper(token)
    for view in ("orders:guest_detail", "orders:guest_receipt", "orders:guest_return"):
        assert client.get(reverse(view, args=[bad])).status_code == 404


def test_a_link_signed_for_another_purpose_is_a_404(client, guest_order):
    from django.core import signing

    forged = signing.dumps(guest_order.number)  # right key, wrong salt
    assert client.get(reverse("orders:guest_detail", args=[forged])).status_code == 404


def test_a_customers_order_is_not_reachable_as_a_guest(client, customer_order):
    token = links.guest_token(customer_order)
    assert client.get(reverse("orders:guest_detail", args=[token])).status_code == 404


def test_the_order_summary_partial_renders_for_the_confirmation_page(customer_order):
    html = render_to_string("orders/_order_summary.html", {"order": customer_order})
    assert "Mixer" in html and format_sek(199700) in html
    assert 'data-vat-rate="600"' in html


def test_the_english_order_page(client, customer, customer_order):
    client.force_login(customer)
    page = client.get("/en" + reverse("orders:detail", args=[customer_order.number]))
    assert page.status_code == 200 and "What you ordered" in page.content.decode()
