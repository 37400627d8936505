"""The cookie page is generated from the cookie declarations, and the shop sets no cookie
that is not declared (P15)."""

import pytest
from django.utils import translation
from django.utils.html import escape

from tests.conftest import PASSWORD
from tillit.cookies.declarations import declared, declared_names

pytestmark = pytest.mark.django_db


@pytest.mark.promise("P15.b")
@pytest.mark.parametrize(("url", "lang"), [("/sidor/cookies", "sv"), ("/en/pages/cookies", "en")])
def test_cookie_page_lists_every_declared_cookie(client, url, lang):
    page = client.get(url).content.decode()
    with translation.override(lang):
        for cookie in declared():
            name = f"<code>{cookie.name}</code>" if cookie.own else escape(str(cookie.name))
            assert name in page
            assert escape(str(cookie.purpose)) in page
            assert escape(str(cookie.lifetime)) in page


@pytest.mark.promise("P15.a")
def test_a_visit_with_cart_login_and_language_sets_only_declared_cookies(
        client, product, customer):
    seen = set()

    def visit(response):
        seen.update(response.cookies.keys())
        return response

    visit(client.get("/"))
    visit(client.get(product.get_absolute_url()))
    visit(client.post("/kundvagn/lagg-till/", {"product": product.pk, "quantity": 1}))
    visit(client.get("/kundvagn/"))
    visit(client.get("/kassa/"))
    visit(client.post("/konto/logga-in/", {"username": customer.username, "password": PASSWORD}))
    visit(client.get("/konto/"))
    visit(client.post("/i18n/setlang/", {"language": "en", "next": "/"}))
    visit(client.get("/en/privacy-policy"))
    assert seen, "the walk should have set the session cookie at least"
    assert seen <= declared_names()


def test_the_cookie_page_refuses_writes(client):
    assert client.post("/sidor/cookies").status_code == 405


def test_cookie_lifetimes_follow_the_settings_that_decide_them(client, settings):
    settings.CSRF_COOKIE_AGE = 60 * 60 * 24 * 30
    settings.SESSION_COOKIE_AGE = 60 * 60 * 24 * 3
    settings.LANGUAGE_COOKIE_AGE = 60 * 60 * 24 * 10
    page = client.get("/en/pages/cookies").content.decode()
    assert "30 days" in page
    assert "3 days after the session last changed" in page
    assert "10 days" in page
