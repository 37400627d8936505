"""The demo customer downloads a copy of their data and opens rapport.html in headless
Chromium (P29): it is Swedish, readable, and loads nothing from anywhere (the page is
opened from disk and every request the browser makes is recorded). The screenshot goes to
var/screenshots/export-report.png for a person to look at."""

import zipfile
from pathlib import Path

import pytest

from tillit.accounts.demo import CUSTOMER

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


@pytest.mark.promise("P29.a")
def test_the_demo_customers_report_reads_in_swedish_and_loads_nothing(demo_server, browser,
                                                                       tmp_path):
    base = demo_server["url"]
    page = browser.new_page(viewport={"width": 1100, "height": 900})
    page.goto(base + "konto/logga-in/")
    page.fill("input[name=username]", CUSTOMER[1])
    page.fill("input[name=password]", CUSTOMER[2])
    page.locator("main form [type=submit]").first.click()
    page.wait_for_load_state()
    page.goto(base + "dina-uppgifter/kopia/")
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()
    with page.expect_download() as download:
        page.locator("a[download]").click()
    archive = tmp_path / "kopia.zip"
    download.value.save_as(archive)
    page.close()
    with zipfile.ZipFile(archive) as zipped:
        assert sorted(zipped.namelist()) == ["data.json", "rapport.html", "schema.json"]
        zipped.extract("rapport.html", tmp_path)

    report = browser.new_page(viewport={"width": 1100, "height": 900})
    requested = []
    report.on("request", lambda r: requested.append(r.url))
    report.goto((tmp_path / "rapport.html").as_uri())
    report.wait_for_load_state("networkidle")
    assert requested == [(tmp_path / "rapport.html").as_uri()]
    text = report.inner_text("body")
    for words in ("Dina personuppgifter", "Ditt kundkonto", "Din adressbok", "Kim Kund",
                  "Dina rättigheter", "Begränsning (art. 18)", "Invändning (art. 21)",
                  "Integritetsskyddsmyndigheten", "Slags uppgift · källa"):
        assert words in text, words
    for english in ("Value", "Kind of data", "Purpose", "Legal basis"):
        assert english not in text, english
    SHOTS.mkdir(parents=True, exist_ok=True)
    report.screenshot(path=SHOTS / "export-report.png", full_page=True)
    assert (SHOTS / "export-report.png").stat().st_size > 10_000
    report.close()
