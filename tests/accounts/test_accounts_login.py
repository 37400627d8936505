"""Logging in by user ID, logging out by POST."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db
LOGIN = reverse("accounts:login")


def test_login_page_renders(client):
    response = client.get(LOGIN)
    assert response.status_code == 200
    assert 'name="username"' in response.content.decode()


@pytest.mark.parametrize("typed", ["alva", "ALVA", "Alva"])
def test_login_with_user_id_in_any_case(client, account, password, typed):
    response = client.post(LOGIN, {"username": typed, "password": password})
    assert response.status_code == 302
    assert response.url == reverse("accounts:profile")
    assert int(client.session["_auth_user_id"]) == account.pk


def test_login_returns_to_the_next_page(client, account, password):
    response = client.post(f"{LOGIN}?next=/kassa/",
                           {"username": "alva", "password": password, "next": "/kassa/"})
    assert response.url == "/kassa/"


def test_login_refuses_a_next_page_on_another_site(client, account, password):
    response = client.post(LOGIN, {"username": "alva", "password": password,
                                   "next": "https://evil.example/"})
    assert response.url == reverse("accounts:profile")


def test_wrong_password_gives_the_same_error_as_unknown_user(client, account, password):
    wrong = client.post(LOGIN, {"username": "alva", "password": password + "x"})
    unknown = client.post(LOGIN, {"username": "ingen", "password": password})
    assert wrong.status_code == unknown.status_code == 200
    assert wrong.context["form"].non_field_errors() == unknown.context["form"].non_field_errors()
    assert "_auth_user_id" not in client.session


def test_login_by_email_address_is_not_a_way_in(client, account, password):
    client.post(LOGIN, {"username": account.email, "password": password})
    assert "_auth_user_id" not in client.session


def test_inactive_account_cannot_log_in(client, account, password):
    account.is_active = False
    account.save()
    client.post(LOGIN, {"username": "alva", "password": password})
    assert "_auth_user_id" not in client.session


def test_logout_by_post_ends_the_session(account_client):
    response = account_client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert response.url == reverse("catalog:home")
    assert "_auth_user_id" not in account_client.session


def test_logout_by_get_is_refused_and_keeps_the_session(account_client):
    assert account_client.get(reverse("accounts:logout")).status_code == 405
    assert "_auth_user_id" in account_client.session


def test_header_offers_logout_as_a_form_to_logged_in_visitors(account_client):
    html = account_client.get(reverse("accounts:profile")).content.decode()
    assert f'action="{reverse("accounts:logout")}" method="post"' in html
