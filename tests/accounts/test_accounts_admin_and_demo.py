"""Staff admin for accounts and addresses; the idempotent demo accounts."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from tillit.accounts import demo
from tillit.accounts.models import Address

User = get_user_model()
pytestmark = pytest.mark.django_db


def test_admin_lists_and_searches_accounts(staff_client, account):
    response = staff_client.get(reverse("admin:accounts_user_changelist"), {"q": "Andersson"})
    assert response.status_code == 200
    assert "alva@example.com" in response.content.decode()


def test_admin_account_page_shows_policy_fields_and_hash_summary(argon2, staff_client, account):
    response = staff_client.get(reverse("admin:accounts_user_change", args=[account.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    for field in ("name", "email", "phone", "company", "org_nr"):
        assert f'name="{field}"' in html
    assert "first_name" not in html
    assert "argon2" in html.lower()


def test_admin_adds_an_account_with_argon2id_password(argon2, staff_client):
    password = "Personalens-Eget-Lösen-1"
    response = staff_client.post(reverse("admin:accounts_user_add"), {
        "username": "ny", "name": "Nils Ny", "email": "ny@example.com",
        "usable_password": "true", "password1": password, "password2": password,
    })
    assert response.status_code == 302, response.context["adminform"].form.errors
    user = User.objects.get(username="ny")
    assert user.password.startswith("argon2$argon2id$")


def test_admin_refuses_a_bad_org_nr(staff_client, account):
    url = reverse("admin:accounts_user_change", args=[account.pk])
    data = {"username": "alva", "name": "Alva Andersson", "email": "alva@example.com",
            "phone": "", "company": "Ljud AB", "org_nr": "556677-8898", "is_active": "on",
            "date_joined_0": "2026-01-01", "date_joined_1": "12:00:00",
            "addresses-TOTAL_FORMS": "0", "addresses-INITIAL_FORMS": "0"}
    response = staff_client.post(url, data)
    assert response.status_code == 200
    account.refresh_from_db()
    assert account.org_nr == ""


def test_admin_address_pages_render(staff_client, account):
    address = Address.objects.create(user=account, name="Alva", street="Storgatan 1",
                                     postal_code="565 31", city="Mullsjö")
    assert staff_client.get(reverse("admin:accounts_address_changelist")).status_code == 200
    assert staff_client.get(
        reverse("admin:accounts_address_change", args=[address.pk])).status_code == 200


def test_customers_cannot_reach_the_admin(account_client):
    response = account_client.get(reverse("admin:accounts_user_changelist"))
    assert response.status_code == 302


def test_demo_load_creates_the_documented_logins(client):
    demo.load()
    for _role, username, password in demo.DEMO_LOGINS:
        assert client.login(username=username, password=password)
        client.logout()
    staff = User.objects.get(username="personal")
    assert staff.is_staff and staff.is_superuser
    customer = User.objects.get(username="kund")
    assert not customer.is_staff
    assert customer.email == "kund@example.com"
    assert customer.addresses.filter(is_default=True).count() == 1


def test_demo_load_is_idempotent_and_keeps_changes(client):
    demo.load()
    User.objects.filter(username="kund").update(name="Ändrad")
    demo.load()
    assert User.objects.filter(username__in=["kund", "personal"]).count() == 2
    assert User.objects.get(username="kund").name == "Ändrad"
    assert Address.objects.filter(user__username="kund").count() == 1
    assert {role for role, _u, _p in demo.DEMO_LOGINS} == {"customer", "staff"}
