"""Error pages keep the shop frame: the trader's identity in the footer (e-handelslagen
8 §, P03), Swedish first, and a way back into the shop."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client, RequestFactory
from django.urls import path, reverse

from tillit import urls as project_urls
from tillit.cart.models import Cart
from tillit.core.views import server_error

TRADER_KEYS = ("name", "street", "postal_code", "city", "email", "org_nr", "vat_number")


def _explode(request):
    raise RuntimeError("a fault the shop did not foresee")


def _forbidden(request):
    raise PermissionDenied("staff only")


# This module is the URLconf of the tests marked ``urls(__name__)``: the shop's own pages
# and handlers, plus two views that fail on purpose.
urlpatterns = [
    path("test-fel/", _explode),
    path("test-forbjuden/", _forbidden),
    *project_urls.urlpatterns,
]
handler400 = project_urls.handler400
handler500 = project_urls.handler500


@pytest.fixture(autouse=True)
def _production_errors(settings):
    settings.DEBUG = False


def _footer(html: str) -> str:
    start = html.index('<footer class="site-footer">')
    return html[start:html.index("</footer>", start)]


def _assert_in_shop_frame(html: str, controller: dict) -> None:
    assert '<header class="site-header">' in html
    footer = _footer(html)
    for key in TRADER_KEYS:
        assert controller[key] in footer, key
    assert f'href="{reverse("catalog:home")}"' in html.split("<footer", 1)[0]


@pytest.mark.promise("P03.a")
def test_a_missing_page_is_a_swedish_404_in_the_shop_frame_with_the_trader_footer(
        client, db, settings):
    response = client.get("/den-har-sidan-finns-inte/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "<h1>Sidan finns inte</h1>" in html
    assert f'<a class="button" href="{reverse("catalog:home")}">Till startsidan</a>' in html
    _assert_in_shop_frame(html, settings.TILLIT_CONTROLLER)


def test_a_missing_english_page_is_in_english(client, db):
    response = client.get("/en/this-page-does-not-exist/")
    assert response.status_code == 404
    assert "<h1>Page not found</h1>" in response.content.decode()


@pytest.mark.promise("P03.a")
def test_a_post_without_csrf_token_gets_a_403_page_in_the_shop_frame(product, settings):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("cart:add"), {"product": product.pk, "quantity": 1})
    html = response.content.decode()
    assert response.status_code == 403
    assert "<h1>Formuläret kunde inte skickas</h1>" in html
    assert "ingenting har ändrats" in html
    _assert_in_shop_frame(html, settings.TILLIT_CONTROLLER)
    assert not Cart.objects.exists()


@pytest.mark.urls(__name__)
def test_a_forbidden_page_is_a_403_page_in_the_shop_frame(client, db, settings):
    response = client.get("/test-forbjuden/")
    html = response.content.decode()
    assert response.status_code == 403
    assert "<h1>Du har inte åtkomst till den här sidan</h1>" in html
    assert "staff only" not in html  # the exception's text is for the log, not the page
    assert reverse("accounts:login") in html
    _assert_in_shop_frame(html, settings.TILLIT_CONTROLLER)


def test_a_bad_request_is_a_400_page_in_the_shop_frame(client, db, settings):
    response = client.get("/", HTTP_HOST="not allowed.example")
    html = response.content.decode()
    assert response.status_code == 400
    assert "<h1>Vi kunde inte tolka begäran</h1>" in html
    _assert_in_shop_frame(html, settings.TILLIT_CONTROLLER)


@pytest.mark.parametrize("url", ["/konto/logga-in/", "/kundvagn/lagg-till/",
                                 "/konto/registrera/", "/i18n/setlang/", "/dina-uppgifter/"])
@pytest.mark.parametrize("charset", ["latin-1", "utf-16", "cp1252"])
def test_a_form_in_another_charset_than_utf8_is_a_400_not_a_500(db, settings, url, charset):
    """Django refuses a form body that declares another charset; its own 400 view then read
    the body again (to offer a CSRF token) and failed a second time."""
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    token = client.get("/konto/logga-in/").cookies["csrftoken"].value
    response = client.post(url, data=f"csrfmiddlewaretoken={token}&username=a%E5&quantity=1",
                           content_type=f"application/x-www-form-urlencoded; charset={charset}")
    assert response.status_code == 400
    assert "<h1>Vi kunde inte tolka begäran</h1>" in response.content.decode()
    _assert_in_shop_frame(response.content.decode(), settings.TILLIT_CONTROLLER)


def test_the_500_handler_renders_the_frame_without_database_or_request_context(settings):
    # No ``db`` fixture: any query the page tried would raise, and the handler would fall
    # back to its bare page, which has no footer.
    response = server_error(RequestFactory().get("/"))
    html = response.content.decode()
    assert response.status_code == 500
    assert "<h1>Något gick fel hos oss</h1>" in html
    assert "orderbekräftelse" in html
    _assert_in_shop_frame(html, settings.TILLIT_CONTROLLER)


@pytest.mark.urls(__name__)
def test_an_unforeseen_fault_gets_the_500_page_in_the_shop_frame(db, settings):
    client = Client(raise_request_exception=False)
    response = client.get("/test-fel/")
    html = response.content.decode()
    assert response.status_code == 500
    assert "<h1>Något gick fel hos oss</h1>" in html
    assert "a fault the shop did not foresee" not in html
    _assert_in_shop_frame(html, settings.TILLIT_CONTROLLER)
