"""'My details' (/konto/): the account's data, the profile edit and the password change."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from tillit.accounts.forms import EMAIL_TAKEN

User = get_user_model()
pytestmark = pytest.mark.django_db
EDIT = reverse("accounts:profile_edit")


def _details(**overrides):
    data = {"name": "Alva Andersson", "email": "alva@example.com", "phone": "",
            "company": "", "org_nr": ""}
    data.update(overrides)
    return data


@pytest.mark.parametrize("name", ["profile", "profile_edit", "password_change",
                                  "address_list", "address_create"])
def test_account_pages_require_login(client, name):
    url = reverse(f"accounts:{name}")
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))
    assert f"next={url}" in response.url


def test_profile_shows_the_accounts_own_data(account_client, account):
    account.phone, account.company, account.org_nr = "070-174 06 50", "Ljud AB", "556677-8899"
    account.save()
    html = account_client.get(reverse("accounts:profile")).content.decode()
    for value in ("Alva Andersson", "alva@example.com", "070-174 06 50", "alva",
                  "Ljud AB", "556677-8899"):
        assert value in html
    assert account.password not in html


def test_profile_shows_no_other_customers_data(account_client, make_user):
    other = make_user(username="bertil", email="bertil@example.com", name="Bertil Bengtsson")
    html = account_client.get(reverse("accounts:profile")).content.decode()
    assert other.email not in html and other.name not in html


def test_profile_edit_form_is_filled_with_the_current_details(account_client):
    form = account_client.get(EDIT).context["form"]
    assert form.initial["name"] == "Alva Andersson"
    assert "username" not in form.fields


def test_profile_edit_saves_normalised_details(account_client, account):
    response = account_client.post(EDIT, _details(
        name="Alva Berg", email="Alva.Berg@EXAMPLE.com", phone="036 12 34 56",
        company="Ljudbolaget AB", org_nr="5566778899"))
    assert response.url == reverse("accounts:profile")
    account.refresh_from_db()
    assert (account.name, account.email, account.phone, account.company, account.org_nr) == (
        "Alva Berg", "Alva.Berg@example.com", "036 12 34 56", "Ljudbolaget AB", "556677-8899")


def test_profile_edit_cannot_change_the_user_id(account_client, account):
    account_client.post(EDIT, _details(username="ny-alva"))
    account.refresh_from_db()
    assert account.username == "alva"


def test_keeping_ones_own_email_in_another_case_is_allowed(account_client, account):
    response = account_client.post(EDIT, _details(email="ALVA@example.com"))
    assert response.status_code == 302


def test_profile_edit_refuses_another_accounts_email_neutrally(account_client, account,
                                                               make_user):
    make_user(username="bertil", email="bertil@example.com")
    response = account_client.post(EDIT, _details(email="Bertil@example.com"))
    assert response.context["form"].errors["email"] == [str(EMAIL_TAKEN)]
    account.refresh_from_db()
    assert account.email == "alva@example.com"


@pytest.mark.parametrize(("field", "value"), [
    ("name", ""), ("email", "inte-en-adress"), ("phone", "ring"), ("org_nr", "123"),
])
def test_profile_edit_refuses_bad_details_and_changes_nothing(account_client, account,
                                                              field, value):
    before = User.objects.values().get(pk=account.pk)
    response = account_client.post(EDIT, _details(**{field: value}))
    assert field in response.context["form"].errors
    assert User.objects.values().get(pk=account.pk) == before


def test_company_needs_its_org_nr_in_the_profile_too(account_client):
    response = account_client.post(EDIT, _details(company="Ljudbolaget AB"))
    assert "org_nr" in response.context["form"].errors


def test_password_change_keeps_the_session_and_stores_argon2id(account_client, account,
                                                               password):
    new = "Ny-Basförstärkare-2026"
    response = account_client.post(reverse("accounts:password_change"), {
        "old_password": password, "new_password1": new, "new_password2": new})
    assert response.url == reverse("accounts:profile")
    account.refresh_from_db()
    assert account.check_password(new)
    assert account.password.startswith("argon2$argon2id$")
    assert account_client.get(reverse("accounts:profile")).status_code == 200


def test_password_change_needs_the_old_password(account_client, account, password):
    new = "Ny-Basförstärkare-2026"
    response = account_client.post(reverse("accounts:password_change"), {
        "old_password": "fel-lösenord", "new_password1": new, "new_password2": new})
    assert "old_password" in response.context["form"].errors
    account.refresh_from_db()
    assert account.check_password(password)
