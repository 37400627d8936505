"""The shop's pages raise no Content-Security-Policy violation in Chromium under the
production policy (P34), the checkout with the provider's snippet and the order pages
included. The browser tests' demo runs with the production middleware and directives
(``TILLIT_CSP=1``: nonces, the provider's origins derived from KLARNA_BASE_URL, here the
demo's emulator server; no upgrade-insecure-requests, which would send loopback requests to
HTTPS), so the policy checked is the one the server sends."""

import re
import time
from pathlib import Path

import pytest

from tests.e2e.provider import fill_in_and_confirm
from tillit.accounts.demo import CUSTOMER

pytestmark = [pytest.mark.slow, pytest.mark.browser]

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def _assert_frame_shows_the_whole_form(page, timeout=5.0):
    frame = page.locator("#klarna-checkout-iframe")
    button = page.frame_locator("#klarna-checkout-iframe").locator("button[name=confirm]")
    deadline = time.monotonic() + timeout
    while True:
        box, inner = frame.bounding_box(), button.bounding_box()
        if inner["y"] + inner["height"] <= box["y"] + box["height"]:
            return
        assert time.monotonic() < deadline, f"the frame ({box}) cuts off the form ({inner})"
        page.wait_for_timeout(100)


def test_shop_pages_raise_no_csp_violation_in_chromium(demo_server, browser):
    SHOTS.mkdir(parents=True, exist_ok=True)
    base = demo_server["url"].rstrip("/")
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    violations, unprotected = [], []

    def check_policy(response):
        ours = response.request.resource_type == "document" and response.url.startswith(base)
        if ours and "default-src" not in response.headers.get("content-security-policy", ""):
            unprotected.append(response.url)

    page.on("response", check_policy)
    page.on("console", lambda msg: violations.append(msg.text)
            if "Content Security Policy" in msg.text else None)

    def visit(path):
        response = page.goto(base + path)
        assert response is not None and response.status == 200, path
        return page.content()

    home = visit("/")
    category = re.search(r'href="(/kategori/[^"]+)"', home).group(1)
    product = re.search(r'href="(/produkt/[^"]+)"', visit(category)).group(1)
    visit(product)
    page.click("form.add-to-cart button, form[action*='lagg-till'] button")

    # The checkout: the snippet's inline script (with the nonce) loads the provider's
    # script from the provider's origin, which frames the provider's page.
    visit("/kassa/")
    checkout = page.frame_locator("#klarna-checkout-iframe")
    checkout.locator("input[name=email]").wait_for()
    # The provider's page sizes its frame to the form (a message with its height), so the
    # buyer sees the whole form, confirm button included, without a scrolling box; the
    # company fields show only for a company buyer.
    company_name = checkout.locator("input[name=organization_name]")
    assert not company_name.is_visible()
    _assert_frame_shows_the_whole_form(page)
    checkout.locator("input[name=customer_type][value=organization]").check()
    company_name.wait_for(state="visible")
    _assert_frame_shows_the_whole_form(page)
    checkout.locator("input[name=customer_type][value=person]").check()
    company_name.wait_for(state="hidden")
    fill_in_and_confirm(page, screenshot=SHOTS / "checkout-csp.png")
    page.click("[data-order-link]")
    page.wait_for_url(re.compile(r".*/order/[^/]+/$"))
    page.screenshot(path=SHOTS / "order-csp.png", full_page=True)
    order_page = page.url.removeprefix(base)
    visit(order_page + "kvitto/")

    for path in ("/kundvagn/", "/sok/?q=mix", "/konto/registrera/", "/konto/losenord/aterstall/",
                 "/integritetspolicy", "/en/privacy-policy", "/sidor/cookies", "/kopvillkor",
                 "/konto/logga-in/"):
        visit(path)
    page.fill("input[name=username]", CUSTOMER[1])
    page.fill("input[name=password]", CUSTOMER[2])
    page.click("form.stacked button[type=submit]")
    page.wait_for_url(re.compile(r".*/konto/$"))
    visit("/konto/ordrar/")
    context.close()
    assert violations == []
    assert unprotected == []
