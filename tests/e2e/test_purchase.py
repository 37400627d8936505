"""The whole purchase as a person makes it, in headless Chromium against the running demo:
browse → cart → checkout → the provider's page → confirmation → "My orders" → staff ship
→ the shipped e-mail in the demo mailbox (P02, P28)."""

import sqlite3
from pathlib import Path

import pytest

from tests.e2e.provider import fill_in_and_confirm
from tillit.accounts.demo import CUSTOMER, STAFF

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
TRACKING = "JD014600099887"


def _log_in(page, base, username, password, url="konto/logga-in/"):
    page.goto(base + url)
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.locator("form:has(input[name=password]) [type=submit]").first.click()
    page.wait_for_load_state()


@pytest.mark.promise("P02.a", "P28.a")
def test_a_customer_buys_and_staff_ship_and_the_customer_is_told(demo_server, browser):
    SHOTS.mkdir(parents=True, exist_ok=True)
    base = demo_server["url"]
    buyer = browser.new_context(viewport={"width": 1280, "height": 900})
    page = buyer.new_page()
    _log_in(page, base, CUSTOMER[1], CUSTOMER[2])

    # Browse to a product that can be bought, and put it in the cart.
    page.goto(base)
    hrefs = page.locator("a[href^='/produkt/']").evaluate_all(
        "els => els.map(e => e.getAttribute('href'))")
    for href in hrefs:
        page.goto(base + href.lstrip("/"))
        add = page.locator("form[action$='/kundvagn/lagg-till/'] [type=submit]")
        if add.count():
            add.first.click()
            page.wait_for_load_state()
            break
    else:
        pytest.fail("no product on the home page could be bought")

    # Checkout: the provider's page sits in an iframe; the buyer fills it in and confirms.
    page.goto(base + "kassa/")
    fill_in_and_confirm(page, screenshot=SHOTS / "checkout.png")
    number = page.locator("[data-order-number]").first.inner_text().strip()
    assert number.isdigit()
    page.screenshot(path=SHOTS / "confirmation.png", full_page=True)

    page.goto(base + "konto/ordrar/")
    assert number in page.content()

    # Staff ship it in the admin: carrier and tracking number; the payment is captured.
    db = sqlite3.connect(demo_server["var"] / "demo.sqlite3")
    (pk,) = db.execute("SELECT id FROM orders_order WHERE number = ?", (int(number),)).fetchone()
    staff = browser.new_context().new_page()
    _log_in(staff, base, STAFF[1], STAFF[2], url="admin/login/")
    staff.goto(base + f"admin/orders/order/{pk}/ship/")
    staff.select_option("select[name=carrier]", index=1)
    staff.fill("input[name=tracking_number]", TRACKING)
    staff.locator("#content form [type=submit]").first.click()
    staff.wait_for_load_state()
    (status,) = db.execute("SELECT status FROM orders_order WHERE id = ?", (pk,)).fetchone()
    assert status == "shipped"

    # The customer sees the status and the tracking link on the order page...
    page.goto(base + f"konto/ordrar/{number}/")
    assert TRACKING in page.content()
    page.screenshot(path=SHOTS / "order-shipped.png", full_page=True)
    # ...and the shipped e-mail, with the tracking number, is in the demo mailbox.
    page.goto(base + "demo/mailbox/")
    page.screenshot(path=SHOTS / "mailbox.png", full_page=True)
    mails = [p.read_text(errors="replace") for p in (demo_server["var"] / "mailbox").glob("*.eml")]
    assert any(TRACKING in m and "kim.kund@example.com" in m for m in mails)
    buyer.close()
