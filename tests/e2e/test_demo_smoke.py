"""`tillit demo` as a newcomer runs it: a real process, fetched over HTTP."""

import re

import httpx
import pytest

pytestmark = pytest.mark.slow


def _first_link(html: str, prefix: str) -> str:
    match = re.search(rf'href="({re.escape(prefix)}[^"]+)"', html)
    assert match, f"no link starting {prefix}"
    return match.group(1)


def test_demo_prints_url_and_logins(demo_server):
    from tillit.accounts.demo import DEMO_LOGINS

    log = demo_server["log"].read_text()
    assert demo_server["url"] in log
    for _role, username, password in DEMO_LOGINS:
        assert f"user {username}" in log and f"password {password}" in log


def test_demo_serves_shop_cart_and_policies_over_http(demo_server):
    base = demo_server["url"].rstrip("/")
    with httpx.Client(base_url=base, timeout=10, follow_redirects=True) as http:
        home = http.get("/")
        assert home.status_code == 200
        assert "Alla priser inkl. moms" in home.text

        category = http.get(_first_link(home.text, "/kategori/"))
        assert category.status_code == 200
        product_url = _first_link(category.text, "/produkt/")
        product = http.get(product_url)
        assert product.status_code == 200
        assert "inkl. moms" in product.text

        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', product.text).group(1)
        product_id = re.search(r'name="product" value="(\d+)"', product.text).group(1)
        added = http.post("/kundvagn/lagg-till/", data={
            "csrfmiddlewaretoken": token, "product": product_id, "quantity": "1",
        }, headers={"Referer": base + product_url})
        assert added.status_code == 200

        cart = http.get("/kundvagn/")
        assert cart.status_code == 200
        assert 'class="cart-count">1<' in cart.text

        sv = http.get("/integritetspolicy")
        en = http.get("/en/privacy-policy")
        assert sv.status_code == en.status_code == 200
        assert "JKSound HB" in sv.text and "969790-7807" in sv.text
        assert "Privacy policy" in en.text


def test_demo_keeps_its_data_when_run_again(demo_server, tmp_path):
    """A second `tillit demo` on the same database migrates nothing new and loads no
    duplicates."""
    import os
    import sqlite3
    import subprocess
    import sys

    db = demo_server["var"] / "demo.sqlite3"
    count = "SELECT COUNT(*) FROM catalog_product"
    before = sqlite3.connect(db).execute(count).fetchone()[0]
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(DJANGO_SETTINGS_MODULE="tillit.settings.demo",
               TILLIT_VAR_DIR=str(demo_server["var"]))
    subprocess.run([sys.executable, "-m", "tillit", "demo", "--db", str(db), "--no-serve"],
                   env=env, check=True, capture_output=True, cwd=tmp_path)
    assert sqlite3.connect(db).execute(count).fetchone()[0] == before >= 60
