"""The forms on every page (the cookie banner, the footer's newsletter sign-up, the
language switch) carry no CSRF token, so an anonymous page sets no cookie and can be
cached (issue 12 §6, issue 17); their POSTs are refused when the browser says they come
from another site (security/origin.py)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tillit.privacy.models import Consent

pytestmark = pytest.mark.django_db

CHOOSE = reverse("cookies:choose")
SIGNUP = reverse("marketing:signup")
LANGUAGE = reverse("set_language")
HERE = "http://testserver"


@pytest.mark.promise("P15.a")
@pytest.mark.parametrize("url", ["/", "/integritetspolicy", "/sidor/cookies", "/kundvagn/"])
def test_an_anonymous_page_sets_no_cookie_and_holds_no_token(client, url):
    page = client.get(url)
    assert page.status_code == 200
    assert list(page.cookies) == []
    assert "csrfmiddlewaretoken" not in page.content.decode()


@pytest.mark.parametrize("headers", [
    {"Origin": "https://elak.example"},
    {"Origin": "null"},
    {"Referer": "https://elak.example/sida"},
])
def test_a_post_from_another_site_is_refused(headers):
    client = Client(enforce_csrf_checks=True, headers=headers)
    assert client.post(CHOOSE, {"choice": "all"}).status_code == 403
    assert client.post(SIGNUP, {"email": "offer@example.com"}).status_code == 403
    assert client.post(LANGUAGE, {"language": "en", "next": "/"}).status_code == 403
    assert not Consent.objects.exists()


@pytest.mark.promise("P15.d")
def test_a_post_from_the_shops_own_page_works_without_a_token():
    client = Client(enforce_csrf_checks=True, headers={"Origin": HERE})
    assert client.post(CHOOSE, {"choice": "all", "next": "/"}).status_code == 303
    assert Consent.objects.filter(topic="cookies.functional", given=True).exists()
    assert client.post(SIGNUP, {"email": "anna@example.com"}).status_code == 200
    answer = client.post(LANGUAGE, {"language": "en", "next": "/"})
    assert answer.status_code == 302 and answer.cookies["django_language"].value == "en"
    referred = Client(enforce_csrf_checks=True, headers={"Referer": f"{HERE}/sidor/cookies"})
    assert referred.post(CHOOSE, {"choice": "necessary", "next": "/"}).status_code == 303


def test_other_posts_still_need_the_token():
    client = Client(enforce_csrf_checks=True, headers={"Origin": HERE})
    assert client.post(reverse("accounts:login"), {"username": "x",
                                                   "password": "y"}).status_code == 403


def test_a_short_sms_callback_secret_fails_the_deploy_check(settings):
    from tillit.security.checks import check_sms_callback_secret

    settings.TILLIT_SMS = {**settings.TILLIT_SMS, "callback_secret": "kort"}
    assert [e.id for e in check_sms_callback_secret()] == ["tillit.security.E010"]
    settings.TILLIT_SMS = {**settings.TILLIT_SMS, "callback_secret": "x" * 43}
    assert check_sms_callback_secret() == []


def test_over_https_a_post_with_neither_origin_nor_referer_is_refused():
    client = Client(enforce_csrf_checks=True)
    assert client.post(CHOOSE, {"choice": "all"}, secure=True).status_code == 403
    same = Client(enforce_csrf_checks=True, headers={"Sec-Fetch-Site": "same-origin"})
    assert same.post(CHOOSE, {"choice": "all", "next": "/"}, secure=True).status_code == 303
