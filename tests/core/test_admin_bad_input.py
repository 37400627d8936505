"""Hostile input on the staff admin's pages is a 400 page, never a 500 (found by crawling
the running demo with hostile values): Django's admin lets these reach the database or a
widget before anything validates them."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db
HUGE = "99999999999999999999"


@pytest.fixture
def staff(make_user, settings):
    settings.DEBUG = False
    client = Client(raise_request_exception=False)
    client.force_login(make_user(username="chef", is_staff=True, is_superuser=True))
    return client


def _refused(response):
    assert response.status_code == 400, response.status_code
    assert "<h1>Vi kunde inte tolka begäran</h1>" in response.content.decode()


@pytest.mark.parametrize("url", [
    f"/admin/catalog/product/?created_at__year={HUGE}",
    f"/admin/orders/order/?placed_at__year=2026&placed_at__month={HUGE}",
    f"/admin/security/loginrecord/?created_at__year={HUGE}",
])
def test_a_date_drill_down_beyond_any_year_is_a_400(staff, url):
    _refused(staff.get(url))


def test_a_sane_bad_drill_down_keeps_djangos_own_answer(staff):
    response = staff.get("/admin/catalog/product/?created_at__year=abc")
    assert response.status_code == 302 and "e=1" in response.url


@pytest.mark.parametrize("value", ["abc", "", "\x00", HUGE])
def test_a_word_in_an_autocomplete_field_is_a_400(staff, value):
    response = staff.post("/admin/catalog/product/add/", {
        "name": "Mixer", "slug": "mixer", "sku": "MX-1", "category": value,
        "price_ore": "100", "vat_rate": "25", "stock": "1", "kind": "physical"})
    assert response.status_code in (200, 400)
    # An empty field, and on PostgreSQL an id beyond its integers (it matches no row), get
    # the admin's own form error; SQLite refuses the huge id, and a word is refused anywhere.
    if response.status_code == 200:
        assert value in ("", HUGE)
        assert "category" in response.context["adminform"].form.errors
    else:
        _refused(response)


@pytest.mark.parametrize("selected", ["abc", HUGE, "\x00"])
@pytest.mark.parametrize("action", ["pack", "cancel", "export_for_carriers"])
def test_bad_selected_rows_for_an_action_are_a_400(staff, action, selected):
    response = staff.post("/admin/orders/order/", {
        "action": action, "index": "0", "_selected_action": selected})
    # PostgreSQL's backend answers an id beyond its integers with no rows (the action then
    # says none of them exist); SQLite's raises, which is the 400.
    assert response.status_code in (302, 400), response.status_code
    if response.status_code == 400:
        _refused(response)


def test_the_refusal_is_logged_with_its_traceback(staff, caplog):
    staff.get(f"/admin/catalog/product/?created_at__year={HUGE}")
    (record,) = [r for r in caplog.records if r.name == "tillit.core.middleware"]
    assert record.levelname == "WARNING" and record.exc_info


def test_outside_the_admin_nothing_is_swallowed(settings, client, db):
    """A fault in the shop itself is still a 500 (the middleware is for the admin only)."""
    from django.test import RequestFactory

    from tillit.core.middleware import AdminBadInputMiddleware

    middleware = AdminBadInputMiddleware(lambda request: None)
    request = RequestFactory().get("/produkt/x/")
    assert middleware.process_exception(request, ValueError("x")) is None
