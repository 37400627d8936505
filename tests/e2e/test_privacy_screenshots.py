"""Screenshots of the rights pages and the privacy desk in headless Chromium, written to
var/screenshots/ so a person can look at them. Uses its own account for the erasure, so the
demo customer stays for the other browser tests."""

import re
from pathlib import Path

import pytest

from tillit.accounts.demo import CUSTOMER, STAFF

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def _shot(page, name):
    page.screenshot(path=SHOTS / f"{name}.png", full_page=True)
    assert (SHOTS / f"{name}.png").stat().st_size > 10_000


def _login(page, base, username, password, path="konto/logga-in/"):
    page.goto(base + path)
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.locator("main form [type=submit]").first.click()
    page.wait_for_load_state()


def test_screenshots_of_the_rights_pages_and_the_desk(demo_server, browser):
    SHOTS.mkdir(parents=True, exist_ok=True)
    base = demo_server["url"]

    # A guest asks by e-mail; the answer is the same for every address.
    guest = browser.new_page(viewport={"width": 1280, "height": 900})
    guest.goto(base + "dina-uppgifter/")
    _shot(guest, "rights")
    guest.fill("input[name=email]", "kund@example.com")
    guest.locator("#guest-form button[type=submit]").click()
    guest.wait_for_load_state()
    assert guest.url.endswith("/dina-uppgifter/skickat/")
    _shot(guest, "rights-sent")
    # The demo mailbox holds the verification e-mail; its link opens the confirm page.
    guest.goto(base + "demo/mailbox/")
    guest.locator("table.mailbox a").first.click()
    guest.wait_for_load_state()
    link = re.search(r"https?://\S+/dina-uppgifter/bekrafta/[A-Za-z0-9_-]+/", guest.content())
    assert link, "no verification link in the demo mailbox"
    guest.goto(base + link.group(0).split("/", 3)[3])
    _shot(guest, "rights-verify")
    guest.locator("main form button[type=submit]").first.click()
    guest.wait_for_load_state()
    assert "/dina-uppgifter/kopia/" in guest.url
    _shot(guest, "export-ready")
    guest.close()

    # The demo customer: "My details" with its rights panel, and the erasure preview.
    customer = browser.new_page(viewport={"width": 1280, "height": 900})
    _login(customer, base, CUSTOMER[1], CUSTOMER[2])
    customer.goto(base + "konto/")
    assert customer.locator("#my-data").count() == 1
    customer.locator("#my-data").scroll_into_view_if_needed()
    _shot(customer, "profile-my-data")
    customer.goto(base + "dina-uppgifter/radera/")
    customer.fill("input[name=password]", CUSTOMER[2])
    customer.locator("main form button[type=submit]").first.click()
    customer.wait_for_load_state()
    assert customer.url.endswith("/dina-uppgifter/radera/bekrafta/")
    _shot(customer, "erase-preview")
    customer.close()

    # A throwaway account is erased all the way to the goodbye page.
    leaver = browser.new_page(viewport={"width": 1280, "height": 900})
    leaver.goto(base + "konto/registrera/")
    leaver.fill("input[name=name]", "Lisa Lämnar")
    leaver.fill("input[name=email]", "lisa.lamnar@example.com")
    leaver.fill("input[name=username]", "lisa-lamnar")
    leaver.fill("input[name=password1]", "Ett-Långt-Lösen-42")
    leaver.fill("input[name=password2]", "Ett-Långt-Lösen-42")
    leaver.locator("main form button[type=submit]").first.click()
    leaver.wait_for_load_state()
    assert leaver.url.endswith("/konto/registrera/skickat/")
    _shot(leaver, "register-check-your-email")
    # The account opens with the activation link from the demo mailbox.
    leaver.goto(base + "demo/mailbox/")
    leaver.locator("table.mailbox a").first.click()
    leaver.wait_for_load_state()
    link = re.search(r"https?://\S+/konto/aktivera/[A-Za-z0-9_-]+/", leaver.content())
    assert link, "no activation link in the demo mailbox"
    leaver.goto(base + link.group(0).split("/", 3)[3])
    _shot(leaver, "register-activate")
    leaver.locator("main form button[type=submit]").first.click()
    leaver.wait_for_load_state()
    assert leaver.url.endswith("/konto/")
    leaver.goto(base + "dina-uppgifter/radera/")
    leaver.fill("input[name=password]", "Ett-Långt-Lösen-42")
    leaver.locator("main form button[type=submit]").first.click()
    leaver.wait_for_load_state()
    leaver.check("input[name=confirm]")
    leaver.locator("main form button.danger").click()
    leaver.wait_for_load_state()
    assert leaver.url.endswith("/dina-uppgifter/hej-da/")
    _shot(leaver, "erase-goodbye")
    leaver.close()

    # Staff: the desk, a person page, the audit log.
    desk = browser.new_page(viewport={"width": 1400, "height": 1000})
    _login(desk, base, STAFF[1], STAFF[2], path="admin/login/?next=/admin/integritet/")
    desk.goto(base + "admin/integritet/")
    assert desk.locator("h2").first.count() == 1
    _shot(desk, "desk-index")
    desk.goto(base + "admin/integritet/person/")
    desk.fill("input[name=q]", CUSTOMER[1])
    desk.locator("main form [type=submit]").first.click()
    desk.wait_for_load_state()
    desk.locator("a[href^='/admin/integritet/person/u']").first.click()
    desk.wait_for_load_state()
    _shot(desk, "desk-person")
    desk.goto(base + "admin/integritet/logg/")
    _shot(desk, "desk-audit")
    desk.goto(base + "admin/integritet/meddelanden/")
    _shot(desk, "desk-notices")
    desk.close()
