"""No whole-shop lockout by misconfiguration (issue 9 §2; P13.b, P18.b).

Credential stuffing blocks logins and new accounts from its address, never browsing and
buying. A shop behind a reverse proxy nobody named in ``TILLIT_TRUSTED_PROXIES`` sees every
customer at the proxy's address: the staff pages warn, and the proxy's address is never
blocked automatically."""

import datetime as dt
import logging
import os
import subprocess
import sys

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from tests.conftest import PASSWORD
from tillit.security import clientip
from tillit.security.models import IPBlock

pytestmark = pytest.mark.django_db

STUFFING = {"failures": 6, "accounts": 3, "window_minutes": 15, "block_hours": 24}
PROXY = "10.0.0.5"


@pytest.fixture(autouse=True)
def _fresh_warning(monkeypatch):
    monkeypatch.setattr(clientip, "_noted_at", None)
    cache.delete(clientip.WARNING_KEY)


def _stuff(login, make_user, **request):
    for n in range(6):
        make_user(username=f"offer{n}")
        login(f"offer{n}", "Sommar2026!", **request)


def _shop_pages(client, product, **meta):
    """What a customer does without logging in: browse, fill a cart, read the policy."""
    return [
        client.get(reverse("catalog:home"), **meta).status_code,
        client.get(product.get_absolute_url(), **meta).status_code,
        client.post(reverse("cart:add"), {"product": product.pk, "quantity": 1},
                    **meta).status_code,
        client.get(reverse("cart:detail"), **meta).status_code,
        client.get(reverse("privacy:policy"), **meta).status_code,
    ]


@pytest.mark.promise("P13.b", "P18.b")
def test_an_automatic_block_stops_logins_and_new_accounts_not_browsing_and_buying(
        client, login, make_user, product, customer, settings):
    settings.TILLIT_IP_ABUSE = STUFFING
    _stuff(login, make_user, ip="203.0.113.66")
    block = IPBlock.objects.get()
    assert (block.automatic, block.scope) == (True, IPBlock.Scope.LOGIN)
    assert _shop_pages(client, product, REMOTE_ADDR="203.0.113.66") == [200, 200, 302, 200,
                                                                         200]
    refused = login("anna", PASSWORD, ip="203.0.113.66")
    assert refused.status_code == 403
    assert "Inloggning pausad" in refused.content.decode()
    assert client.post(reverse("accounts:register"), {"username": "ny"},
                       REMOTE_ADDR="203.0.113.66").status_code == 403
    assert client.post(reverse("accounts:password_reset"), {"email": "anna@example.com"},
                       REMOTE_ADDR="203.0.113.66").status_code == 403
    assert client.post(reverse("admin:login"), {"username": "anna", "password": PASSWORD},
                       REMOTE_ADDR="203.0.113.66").status_code == 403


@pytest.mark.promise("P18.b")
def test_staff_choose_per_entry_whether_a_block_covers_the_whole_shop(client, staff, product):
    client.force_login(staff)
    until = timezone.now() + dt.timedelta(days=2)
    for network, scope in (("203.0.113.7", "login"), ("203.0.113.8", "site")):
        assert client.post(reverse("admin:security_ipblock_add"), {
            "network": network, "scope": scope, "reason": "Missbruk",
            "expires_at_0": until.strftime("%Y-%m-%d"),
            "expires_at_1": until.strftime("%H:%M:%S")}).status_code == 302
    client.logout()
    assert client.get("/", REMOTE_ADDR="203.0.113.7").status_code == 200
    assert client.post(reverse("accounts:login"), {"username": "x", "password": "y"},
                       REMOTE_ADDR="203.0.113.7").status_code == 403
    whole = client.get("/", REMOTE_ADDR="203.0.113.8")
    assert whole.status_code == 403 and "Åtkomsten är spärrad" in whole.content.decode()


@pytest.mark.promise("P18.b")
def test_behind_an_unnamed_proxy_stuffing_warns_and_never_locks_the_shop(
        client, login, make_user, product, customer, staff, settings, caplog):
    settings.TILLIT_IP_ABUSE = STUFFING
    settings.TILLIT_TRUSTED_PROXIES = []
    via_proxy = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "203.0.113.66"}
    with caplog.at_level(logging.WARNING, logger="tillit.security"):
        assert client.get("/", **via_proxy).status_code == 200
        _stuff(lambda u, p, **kw: client.post(reverse("accounts:login"),
                                               {"username": u, "password": p}, **kw),
               make_user, **via_proxy)
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any("TILLIT_TRUSTED_PROXIES" in w and PROXY in w for w in warnings)
    assert any(w.startswith(f"Not blocking the internal address {PROXY}") for w in warnings)
    assert not IPBlock.objects.exists()
    # Every other customer, who also comes through the proxy, shops and logs in.
    other = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "198.51.100.20"}
    assert _shop_pages(client, product, **other) == [200, 200, 302, 200, 200]
    assert client.post(reverse("accounts:login"), {"username": "anna", "password": PASSWORD},
                       **other).status_code == 302
    client.logout()
    # Staff see it on the admin's front page and on the privacy desk.
    client.force_login(staff)
    for page in (reverse("admin:index"), reverse("privacy_desk:index")):
        html = client.get(page).content.decode()
        assert "TILLIT_TRUSTED_PROXIES" in html and PROXY in html, page


@pytest.mark.promise("P13.b", "P18.b")
def test_naming_the_proxy_blocks_the_stuffer_and_lets_the_others_in(
        client, make_user, customer, settings):
    settings.TILLIT_IP_ABUSE = STUFFING
    settings.TILLIT_TRUSTED_PROXIES = [PROXY]
    stuffer = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "203.0.113.66"}
    _stuff(lambda u, p, **kw: client.post(reverse("accounts:login"),
                                           {"username": u, "password": p}, **kw),
           make_user, **stuffer)
    assert list(IPBlock.objects.values_list("network", "scope")) == [("203.0.113.66", "login")]
    assert client.post(reverse("accounts:login"), {"username": "anna", "password": PASSWORD},
                       REMOTE_ADDR=PROXY,
                       HTTP_X_FORWARDED_FOR="198.51.100.20").status_code == 302
    assert clientip.forwarding_warning() is None


@pytest.mark.promise("P18.b")
def test_an_internal_address_is_blocked_only_after_the_warning(login, make_user, settings,
                                                              caplog, staff, client):
    settings.TILLIT_IP_ABUSE = STUFFING
    with caplog.at_level(logging.WARNING, logger="tillit.security"):
        _stuff(login, make_user, ip="192.168.1.50")
    [warning] = [r.getMessage() for r in caplog.records if "192.168.1.50" in r.getMessage()]
    assert warning.startswith("Blocking logins from the internal address 192.168.1.50")
    assert list(IPBlock.objects.values_list("network", "scope")) == [("192.168.1.50", "login")]
    client.force_login(staff)
    assert "192.168.1.50" in client.get(reverse("admin:index")).content.decode()


@pytest.mark.parametrize("module", ["demo", "production", "test"])
def test_every_settings_module_reads_the_trusted_proxies(module, tmp_path):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": f"tillit.settings.{module}",
           "TILLIT_TRUSTED_PROXIES": "10.0.0.5, 10.1.0.0/16",
           "TILLIT_CLIENT_IP_HEADER": "HTTP_X_REAL_IP", "TILLIT_VAR_DIR": str(tmp_path),
           "SECRET_KEY": "x" * 50, "TILLIT_HASH_KEY": "y" * 40, "ALLOWED_HOSTS": "shop.example",
           "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
           "KLARNA_USERNAME": "u", "KLARNA_PASSWORD": "p"}
    out = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings as s; "
         "print(s.TILLIT_TRUSTED_PROXIES, s.TILLIT_CLIENT_IP_HEADER, s.SECURE_PROXY_SSL_HEADER)"],
        env=env, capture_output=True, text=True, check=True).stdout.strip()
    assert out == ("['10.0.0.5', '10.1.0.0/16'] HTTP_X_REAL_IP "
                   "('HTTP_X_FORWARDED_PROTO', 'https')")
