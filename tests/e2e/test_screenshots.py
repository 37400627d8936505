"""Screenshots of the main pages in headless Chromium, written to var/screenshots/ so a
person can look at them."""

from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def test_screenshots_of_home_product_cart_and_policy(demo_server, browser):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    base = demo_server["url"]

    page.goto(base)
    assert page.locator(".promise-bar").inner_text().strip() != ""
    # The category grid and the footer's text start where the page's heading starts.
    left = page.locator("main.content h1").bounding_box()["x"]
    assert page.locator(".category-list").bounding_box()["x"] == left
    assert page.locator(".site-footer .trader").bounding_box()["x"] == left
    page.screenshot(path=SHOTS / "home.png", full_page=True)

    page.locator("a[href^='/produkt/']").first.click()
    page.wait_for_load_state()
    assert "inkl. moms" in page.content()
    page.screenshot(path=SHOTS / "product.png", full_page=True)

    page.locator("form[action$='/kundvagn/lagg-till/'] button[type=submit]").first.click()
    page.wait_for_load_state()
    page.goto(base + "kundvagn/")
    assert page.locator(".cart-count").inner_text() == "1"
    page.screenshot(path=SHOTS / "cart.png", full_page=True)

    page.goto(base + "integritetspolicy")
    page.screenshot(path=SHOTS / "policy.png", full_page=True)
    page.goto(base + "en/privacy-policy")
    page.screenshot(path=SHOTS / "policy-en.png", full_page=True)
    missing = page.goto(base + "den-har-sidan-finns-inte/")
    assert missing.status == 404
    assert page.locator(".site-footer .trader").is_visible()
    page.screenshot(path=SHOTS / "not-found.png", full_page=True)
    for name in ("home", "product", "cart", "policy", "policy-en", "not-found"):
        assert (SHOTS / f"{name}.png").stat().st_size > 10_000
    page.close()
