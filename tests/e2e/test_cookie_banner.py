"""In a real browser: no optional cookie or storage before the visitor's choice or after
"Endast nödvändiga", the functional cookie only after "Acceptera alla" (P15.c); the banner
and the settings work by keyboard and have no critical or serious axe-core finding (P15.d)."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from tillit.cookies.declarations import (
    CHOICE_COOKIE,
    RECENT_COOKIE,
    STORAGE_KEYS,
    declared_names,
)

pytestmark = [pytest.mark.slow, pytest.mark.browser]

NECESSARY = {"sessionid", "csrftoken", "messages", "django_language", CHOICE_COOKIE}


def _state(page, context, set_cookie_headers):
    storage = page.evaluate("() => [Object.keys(localStorage), Object.keys(sessionStorage)]")
    return {
        "document": page.evaluate("() => document.cookie"),
        "jar": {c["name"] for c in context.cookies()},
        "headers": set(set_cookie_headers),
        "storage": set(storage[0]) | set(storage[1]),
    }


def _serious(page) -> list[str]:
    found = Axe().run(page).response["violations"]
    return [f"{v['id']}: {v['help']}" for v in found if v["impact"] in ("critical", "serious")]


@pytest.mark.promise("P15.c")
def test_no_optional_cookie_or_storage_before_consent_in_chromium(demo_server, browser):
    base = demo_server["url"].rstrip("/")
    for answer, optional_allowed in (("Endast nödvändiga", False), ("Acceptera alla", True)):
        context = browser.new_context()
        page = context.new_page()
        headers: list[str] = []
        page.on("response", lambda r, seen=headers: seen.extend(
            line.split("=", 1)[0].strip() for line in
            (r.all_headers().get("set-cookie") or "").split("\n") if line))
        page.goto(base + "/")
        page.locator(".product-card h3 a").nth(0).click()
        before = _state(page, context, headers)
        assert before["jar"] <= NECESSARY - {CHOICE_COOKIE}, before
        assert before["headers"] <= NECESSARY - {CHOICE_COOKIE}, before
        assert before["storage"] <= set(STORAGE_KEYS)
        assert RECENT_COOKIE not in before["document"]

        with page.expect_navigation():
            page.get_by_role("button", name=answer).click()
        page.goto(base + "/")
        page.locator(".product-card h3 a").nth(1).click()
        after = _state(page, context, headers)
        assert after["storage"] <= set(STORAGE_KEYS)
        assert CHOICE_COOKIE in after["jar"]
        assert (RECENT_COOKIE in after["jar"]) is optional_allowed, (answer, after)
        assert (RECENT_COOKIE in after["headers"]) is optional_allowed, (answer, after)
        assert after["jar"] <= declared_names(), "every cookie in the browser is declared"
        assert page.locator(".cookie-banner").count() == 0, "the choice is remembered"
        shown = page.get_by_role("heading", name="Senast visade").count()
        assert shown == (1 if optional_allowed else 0), answer
        context.close()


@pytest.mark.promise("P15.d")
def test_the_banner_and_settings_by_keyboard_and_axe(demo_server, browser):
    base = demo_server["url"].rstrip("/")
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    page.goto(base + "/")
    assert _serious(page) == []
    accept = page.get_by_role("button", name="Acceptera alla")
    reject = page.get_by_role("button", name="Endast nödvändiga")
    a, r = accept.bounding_box(), reject.bounding_box()
    assert (round(a["width"]), round(a["height"])) == (round(r["width"]), round(r["height"]))
    assert accept.evaluate("e => getComputedStyle(e).backgroundColor") == \
        reject.evaluate("e => getComputedStyle(e).backgroundColor")
    page.keyboard.press("Tab")  # the banner comes first: its link, then the two answers
    for _ in range(3):
        if page.evaluate("() => document.activeElement.value") == "all":
            break
        page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.value") == "all"
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.value") == "necessary"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator(".cookie-banner").count() == 0
    page.get_by_role("link", name="Cookieinställningar").click()
    assert "I den här webbläsaren har du bara tillåtit" in page.content()
    assert _serious(page) == []
    page.get_by_label("Funktionella").check()
    with page.expect_navigation():
        page.locator("#cookie-settings").get_by_role("button", name="Spara mitt val").click()
    assert "I den här webbläsaren har du tillåtit: Funktionella" in page.content()
    assert RECENT_COOKIE not in {c["name"] for c in context.cookies()}
    context.close()
