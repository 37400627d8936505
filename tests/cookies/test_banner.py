"""The cookie banner and the cookie settings: nothing optional before a choice, both
answers equally prominent, every choice in the consent ledger, withdrawing as easy as
giving (P15.c, P15.d). The browser-level proof is tests/e2e/test_cookie_banner.py."""

import re

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import PASSWORD
from tillit.cookies import choice
from tillit.cookies.declarations import CHOICE_COOKIE, RECENT_COOKIE, declared_names
from tillit.privacy.models import Consent

pytestmark = pytest.mark.django_db

CHOOSE = "/sidor/cookies/val"
BANNER = re.compile(r'<section class="cookie-banner".*?</section>', re.S)


def _banner(response) -> str:
    found = BANNER.search(response.content.decode())
    return found.group(0) if found else ""


def _set(response) -> dict:
    """The cookies a response sets (not those it deletes)."""
    return {k: v.value for k, v in response.cookies.items() if v["max-age"] != 0}


def _choose(client, answer, next_url="/", **extra):
    return client.post(CHOOSE, {"choice": answer, "next": next_url, **extra})


@pytest.mark.promise("P15.d")
def test_first_visit_shows_the_banner_with_both_answers_alike(client):
    banner = _banner(client.get("/"))
    assert banner, "a first visit shows the banner"
    buttons = re.findall(r"<button[^>]*>", banner.split("<details>")[0])
    assert buttons == ['<button type="submit" name="choice" value="all">',
                       '<button type="submit" name="choice" value="necessary">'], \
        "accept and reject are the same element, side by side, on the first layer"
    assert 'value="save"' in banner and 'name="categories" value="functional"' in banner


@pytest.mark.promise("P15.c")
def test_nothing_optional_is_set_before_a_choice_or_after_necessary_only(client, make_product):
    first = make_product(name="Mikrofon A", slug="mikrofon-a", sku="MIC-A")
    second = make_product(name="Mikrofon B", slug="mikrofon-b", sku="MIC-B")
    for response in (client.get("/"), client.get(first.get_absolute_url()),
                     client.get(second.get_absolute_url())):
        assert RECENT_COOKIE not in _set(response)
        assert CHOICE_COOKIE not in _set(response)
    response = _choose(client, "necessary")
    assert response.status_code == 303 and response["Location"] == "/"
    assert _set(response).keys() == {CHOICE_COOKIE}
    for product in (first, second, first):
        page = client.get(product.get_absolute_url())
        assert RECENT_COOKIE not in _set(page)
        assert 'id="recent-title"' not in page.content.decode()
    assert not _banner(client.get("/")), "the choice is remembered: no banner again"


@pytest.mark.promise("P15.c")
def test_accepting_turns_on_the_recently_viewed_products(client, make_product):
    first = make_product(name="Mikrofon A", slug="mikrofon-a", sku="MIC-A")
    second = make_product(name="Mikrofon B", slug="mikrofon-b", sku="MIC-B")
    _choose(client, "all")
    assert RECENT_COOKIE in _set(client.get(first.get_absolute_url()))
    page = client.get(second.get_absolute_url()).content.decode()
    recent = page.split('id="recent-title"')[1]
    assert "Mikrofon A" in recent and "Mikrofon B" not in recent


@pytest.mark.promise("P15.d")
def test_every_choice_is_in_the_ledger_with_its_words_and_consent_id(client):
    _choose(client, "all")
    visitor = choice.parse(client.cookies[CHOICE_COOKIE].value).visitor
    row = Consent.objects.get()
    assert (row.topic, row.given, row.method, row.visitor) == (
        "cookies.functional", True, Consent.Method.BANNER, visitor)
    assert "produkter du har tittat på" in row.text.text
    assert row.ip == "127.0.0.1" and row.user is None
    _choose(client, "all")
    assert Consent.objects.count() == 1, "the same answer again adds nothing"
    _choose(client, "save")  # nothing ticked: a withdrawal
    newest = Consent.objects.order_by("-id").first()
    assert (newest.given, newest.visitor) == (False, visitor)
    # The visitor sees both answers on the cookie page, and another browser sees none.
    page = client.get("/sidor/cookies").content.decode()
    assert "Dina svar i den här webbläsaren" in page
    answers = page.split("Dina svar i den här webbläsaren")[1].split("</table>")[0]
    assert answers.count("<tr><td>") == 2 and "<td>ja</td>" in answers
    assert "<td>nej</td>" in answers
    assert "Dina svar i den här webbläsaren" not in Client().get("/sidor/cookies").content.decode()


@pytest.mark.promise("P15.d")
def test_withdrawing_on_the_cookie_page_is_one_click_and_removes_the_cookie(client, product):
    _choose(client, "all")
    client.get(product.get_absolute_url())
    assert client.cookies[RECENT_COOKIE].value == str(product.pk)
    page = client.get("/sidor/cookies").content.decode()
    assert 'id="cookie-settings"' in page and "Funktionella" in page
    assert 'name="categories" value="functional" checked' in page
    response = _choose(client, "necessary", "/sidor/cookies#cookie-settings")
    assert response.status_code == 303
    assert response["Location"] == "/sidor/cookies#cookie-settings"
    assert response.cookies[RECENT_COOKIE]["max-age"] == 0, "the optional cookie is removed"
    assert not Consent.objects.order_by("-id").first().given


def test_the_footer_reopens_the_settings_on_every_page(client):
    _choose(client, "necessary")
    assert 'href="/sidor/cookies#cookie-settings"' in client.get("/").content.decode()


@pytest.mark.promise("P15.d")
def test_a_logged_in_choice_is_on_the_persons_account_page(client, customer):
    client.post("/konto/logga-in/", {"username": customer.username, "password": PASSWORD})
    _choose(client, "all", "/konto/")
    assert Consent.objects.get().user == customer
    page = client.get("/konto/").content.decode()
    assert "Cookies i den här webbläsaren" in page
    history = client.get("/konto/samtycken/").content.decode()
    assert "Cookies: Funktionella" in history


@pytest.mark.parametrize("raw", [
    "", "garbage", "00000000.aaaaaaaaaaaaaaaaaaaaaa.functional",  # an old version
    f"{choice.version()}.short.functional", f"{choice.version()}.{'a' * 22}.tracking",
    f"{choice.version()}.{'a' * 22}.functional;evil",
])
def test_a_malformed_or_old_choice_cookie_is_no_choice(client, product, raw):
    client.cookies[CHOICE_COOKIE] = raw
    assert _banner(client.get("/"))
    assert RECENT_COOKIE not in _set(client.get(product.get_absolute_url()))


@pytest.mark.parametrize("target", ["//evil.example/", "https://evil.example/", "evil",
                                    "javascript:alert(1)", "/\\evil.example"])
def test_the_return_address_never_leaves_the_shop(client, target):
    response = _choose(client, "all", target)
    assert response.status_code == 303
    assert response["Location"] == "/sidor/cookies"


def test_the_choice_only_takes_a_post(client):
    assert client.get(CHOOSE).status_code == 405


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(answer=st.one_of(st.sampled_from(["all", "necessary", "save"]), st.text(max_size=30)),
       categories=st.lists(st.one_of(st.just("functional"), st.text(max_size=20)), max_size=4),
       next_url=st.text(max_size=300))
def test_hostile_choices_are_a_4xx_or_a_recorded_choice(client, answer, categories, next_url):
    before = Consent.objects.count()
    response = client.post(CHOOSE, {"choice": answer, "categories": categories,
                                    "next": next_url})
    assert response.status_code in (303, 400, 429)
    if response.status_code == 400:
        assert Consent.objects.count() == before
        assert CHOICE_COOKIE not in _set(response)
        assert "errorlist" in response.content.decode()
    elif response.status_code == 303:
        assert response["Location"].startswith("/")
        assert not response["Location"].startswith("//")


@pytest.mark.promise("P15.a")
def test_the_walk_with_a_choice_sets_only_declared_cookies(client, product):
    seen = set()
    for response in (client.get("/"), _choose(client, "all"),
                     client.get(product.get_absolute_url()), _choose(client, "necessary")):
        seen.update(response.cookies.keys())
    assert {CHOICE_COOKIE, RECENT_COOKIE} <= seen <= declared_names()


@pytest.mark.parametrize("raw", ["²", "12.²", "¹²³", "-1", "1" * 11, "1.a.2", ""])
def test_a_hostile_recently_viewed_cookie_is_ignored(client, product, raw):
    _choose(client, "all")
    client.cookies[RECENT_COOKIE] = raw
    assert client.get(product.get_absolute_url()).status_code == 200
