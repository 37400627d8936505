"""Rate limits on registration, password reset and the privacy request forms."""

from unittest import mock

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from tillit.security import ratelimit
from tillit.security.ratelimit import rate_limited

pytestmark = pytest.mark.django_db


def _register(client, n, ip="198.51.100.30"):
    return client.post(reverse("accounts:register"),
                       {"username": f"spam{n}", "email": f"spam{n}@example.com"},
                       REMOTE_ADDR=ip)


def test_registration_is_rate_limited_per_address_with_a_clear_429(client):
    answers = [_register(client, n) for n in range(6)]
    assert [a.status_code for a in answers] == [200] * 5 + [429]
    refused = answers[-1]
    assert int(refused["Retry-After"]) > 0
    text = refused.content.decode()
    assert "info@jksound.se" in text
    assert _register(client, 7, ip="198.51.100.31").status_code == 200


def test_password_reset_is_rate_limited(client):
    url = reverse("accounts:password_reset")
    answers = [client.post(url, {"email": f"x{n}@example.com"}, REMOTE_ADDR="198.51.100.32")
               for n in range(6)]
    assert [a.status_code for a in answers] == [302] * 5 + [429]


def test_looking_at_the_forms_is_not_counted(client):
    for _ in range(10):
        assert client.get(reverse("accounts:register"),
                          REMOTE_ADDR="198.51.100.33").status_code == 200
    assert _register(client, 1, ip="198.51.100.33").status_code == 200


def test_the_limit_resets_with_the_next_window(client):
    for n in range(6):
        _register(client, n)
    now = ratelimit.time.time()
    with mock.patch("tillit.security.ratelimit.time.time", return_value=now + 3601):
        assert _register(client, 9).status_code == 200


def test_any_action_can_be_limited_and_configured(settings):
    settings.TILLIT_RATE_LIMITS = {"privacy_request": (2, 60)}
    view = rate_limited("privacy_request")(lambda request: HttpResponse("ok"))
    factory = RequestFactory()
    codes = [view(factory.post("/", REMOTE_ADDR="198.51.100.34")).status_code for _ in range(3)]
    assert codes == [200, 200, 429]


def test_the_cache_never_holds_the_raw_address():
    key = ratelimit._key("register", "198.51.100.35", 1)
    assert "198.51.100.35" not in key
