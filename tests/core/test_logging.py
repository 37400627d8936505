"""Every 500 leaves a traceback in the log, and no log keeps personal data the data map does
not declare (issue 9 §3): e-mail addresses, IP addresses and one-time link secrets are
masked in the application's log and gunicorn's access log alike."""

from __future__ import annotations

import io
import logging
import os
import subprocess
import sys
import time

import httpx
import pytest
from django.conf import settings
from django.test import Client
from django.urls import path

from tests.conftest import free_port
from tillit import urls as project_urls
from tillit.core.logs import RedactingFormatter, RequestContextFilter, redact

ACTIVATION = "/konto/aktivera/Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MGFiY2RlZmdoaWprbG1u/"


def _explode(request, token):
    raise RuntimeError(f"could not send the receipt to {request.user.email} at "
                       f"{request.META['REMOTE_ADDR']} for {request.path}")


urlpatterns = [path("test-fel/<str:token>/", _explode), *project_urls.urlpatterns]
handler500 = project_urls.handler500


@pytest.fixture
def log_output(settings):
    """The root logger's records, formatted as the settings' LOGGING formats them."""
    settings.DEBUG = False
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestContextFilter())
    handler.setFormatter(RedactingFormatter(settings.LOGGING["formatters"]["redacting"]
                                            ["format"]))
    root = logging.getLogger()
    root.addHandler(handler)
    yield stream
    root.removeHandler(handler)


def test_every_environment_logs_to_stderr_through_the_redacting_formatter():
    config = settings.LOGGING
    assert config["root"]["handlers"] == ["stderr"]
    assert config["handlers"]["stderr"]["stream"] == "ext://sys.stderr"
    assert config["formatters"]["redacting"]["()"] is RedactingFormatter
    assert settings.MIDDLEWARE[0] == "tillit.core.logs.RequestContextMiddleware"


@pytest.mark.urls(__name__)
def test_a_fault_in_a_view_logs_its_traceback_without_the_customers_address(
        customer, log_output):
    browser = Client(raise_request_exception=False, REMOTE_ADDR="198.51.100.23")
    browser.force_login(customer)
    response = browser.get(f"/test-fel/{ACTIVATION.split('/')[3]}/")
    assert response.status_code == 500
    request_id = response["X-Request-ID"]
    logged = log_output.getvalue()
    [line] = [ln for ln in logged.splitlines() if "ERROR django.request" in ln]
    assert f"[{request_id} GET /test-fel/[token]/ 500]" in line
    assert "Traceback (most recent call last)" in logged
    assert "RuntimeError: could not send the receipt to [e-mail] at [ip]" in logged
    for secret in (customer.email, "198.51.100.23", ACTIVATION.split("/")[3]):
        assert secret not in logged


@pytest.mark.parametrize(("text", "expected"), [
    ("anna.b+x@example.co.uk", "[e-mail]"),
    ("from 203.0.113.9:443", "from [ip]:443"),
    ("peer 2001:db8::5 and fe80::1", "peer [ip] and [ip]"),
    ("at 17:30:55,012 and version 1.2.3.4.5", "at 17:30:55,012 and version 1.2.3.4.5"),
    ("GET /produkt/klangvik-d16-digitalmixer/", "GET /produkt/klangvik-d16-digitalmixer/"),
    ("GET /order/MTAwMDE:1tAbcD:xyzxyzxyzxyzxyz/", "GET /order/[token]/"),
    ("GET /konto/losenord/aterstall/Mg/cbq7zc-9a8b7c6d5e4f3a2b1c0d/",
     "GET /konto/losenord/aterstall/Mg/[token]/"),
])
def test_redaction_masks_addresses_and_link_secrets_but_not_slugs_or_times(text, expected):
    assert redact(text) == expected


@pytest.mark.slow
def test_gunicorns_access_log_keeps_no_client_address_and_no_link_secret(tmp_path):
    port = free_port()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tillit.settings.demo",
           "TILLIT_VAR_DIR": str(tmp_path), "TILLIT_TRUSTED_PROXIES": "127.0.0.1"}
    access = tmp_path / "access.log"
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "tillit.wsgi:application", "--config",
         "python:tillit.gunicorn_conf", "--bind", f"127.0.0.1:{port}", "--workers", "1",
         "--access-logfile", str(access)], env=env, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                response = httpx.get(f"http://127.0.0.1:{port}{ACTIVATION}?email=a@b.se",
                                     headers={"X-Forwarded-For": "198.51.100.23",
                                              "Referer": f"http://shop{ACTIVATION}"})
                break
            except httpx.TransportError:
                time.sleep(0.1)
        else:
            pytest.fail("gunicorn did not start")
    finally:
        server.terminate()
        server.wait(10)
    line = access.read_text()
    assert f'"GET /konto/aktivera/[token]/ HTTP/1.1" {response.status_code}' in line
    assert response.headers["X-Request-ID"] in line
    for secret in ("198.51.100.23", "127.0.0.1", ACTIVATION.split("/")[3], "a@b.se"):
        assert secret not in line
