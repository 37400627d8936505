"""Registration (/konto/registrera/): exactly the P06 fields, every check, logged in after."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from tillit.accounts.forms import EMAIL_TAKEN, USERNAME_TAKEN, RegistrationForm

User = get_user_model()
pytestmark = pytest.mark.django_db
URL = reverse("accounts:register")
ORG_NR = "556677-8899"  # fictitious, Luhn-valid


def _errors(response):
    return response.context["form"].errors


def test_registration_form_asks_exactly_for_the_policy_fields():
    assert list(RegistrationForm().fields) == [
        "name", "email", "phone", "username", "password1", "password2", "company", "org_nr",
    ]


def test_registration_page_renders_the_form(client):
    response = client.get(URL)
    assert response.status_code == 200
    for name in ("name", "email", "phone", "username", "password1", "password2",
                 "company", "org_nr"):
        assert f'name="{name}"' in response.content.decode()


def test_registering_creates_the_account_and_logs_in(client, registration, password):
    response = client.post(URL, registration(phone="070-174 06 50"))
    assert response.status_code == 302
    assert response.url == reverse("accounts:profile")
    user = User.objects.get(username="robin")
    assert (user.name, user.email, user.phone) == (
        "Robin Registrerad", "robin@example.com", "070-174 06 50")
    assert user.check_password(password)
    assert int(client.session["_auth_user_id"]) == user.pk
    assert client.get(reverse("accounts:profile")).status_code == 200


def test_company_buyer_registers_with_normalised_org_nr(client, registration):
    response = client.post(URL, registration(company="Ljudbolaget AB", org_nr="16 5566778899"))
    assert response.status_code == 302
    user = User.objects.get(username="robin")
    assert (user.company, user.org_nr) == ("Ljudbolaget AB", ORG_NR)
    assert user.is_company_buyer


def test_email_domain_is_lowercased_but_the_local_part_kept(client, registration):
    client.post(URL, registration(email="Robin.R@Example.COM"))
    assert User.objects.get(username="robin").email == "Robin.R@example.com"


def test_registration_returns_to_a_safe_next_page(client, registration):
    response = client.post(f"{URL}?next=/kassa/", registration())
    assert response.url == "/kassa/"


def test_registration_ignores_a_next_page_on_another_site(client, registration):
    response = client.post(f"{URL}?next=https://evil.example/", registration())
    assert response.url == reverse("accounts:profile")


def test_logged_in_visitor_is_sent_to_the_profile(client, account):
    client.force_login(account)
    assert client.get(URL).url == reverse("accounts:profile")


@pytest.mark.parametrize("field", ["name", "email", "username", "password1", "password2"])
def test_required_fields_must_be_given(client, registration, field):
    response = client.post(URL, registration(**{field: ""}))
    assert response.status_code == 200
    assert field in _errors(response)
    assert not User.objects.exists()


@pytest.mark.parametrize("field", ["phone", "company", "org_nr"])
def test_optional_fields_may_be_left_out(client, registration, field):
    data = registration()
    del data[field]
    assert client.post(URL, data).status_code == 302


@pytest.mark.parametrize("taken", ["alva", "ALVA", "Alva"])
def test_taken_user_id_in_any_case_is_refused_clearly(client, registration, account, taken):
    response = client.post(URL, registration(username=taken))
    assert _errors(response)["username"] == [str(USERNAME_TAKEN)]
    assert User.objects.count() == 1


def test_user_id_is_unicode_normalised_before_the_check(client, registration, make_user):
    make_user(username="ﬁlip")  # the "ﬁ" ligature is NFKC "fi"
    response = client.post(URL, registration(username="filip"))
    assert "username" in _errors(response)


@pytest.mark.parametrize("taken", ["alva@example.com", "ALVA@EXAMPLE.COM", "Alva@Example.com"])
def test_taken_email_gets_a_neutral_message(client, registration, account, taken):
    response = client.post(URL, registration(email=taken))
    message = _errors(response)["email"]
    assert message == [str(EMAIL_TAKEN)]
    # Neutral: it does not say that an account with that address exists.
    assert "exist" not in message[0].lower() and "registered" not in message[0].lower()
    assert User.objects.count() == 1


@pytest.mark.parametrize("username", ["robin hood", "robin/hood", "robin#", "x" * 61])
def test_user_id_must_be_short_and_without_odd_characters(client, registration, username):
    response = client.post(URL, registration(username=username))
    assert "username" in _errors(response)


@pytest.mark.parametrize("email", ["robin", "robin@", "@example.com", "robin@exa mple.com",
                                   "r" * 250 + "@example.com"])
def test_email_must_be_an_address(client, registration, email):
    assert "email" in _errors(client.post(URL, registration(email=email)))


def test_company_without_org_nr_is_refused(client, registration):
    response = client.post(URL, registration(company="Ljudbolaget AB"))
    assert "org_nr" in _errors(response)
    assert not User.objects.exists()


def test_org_nr_without_company_is_refused(client, registration):
    response = client.post(URL, registration(org_nr=ORG_NR))
    assert "company" in _errors(response)


@pytest.mark.parametrize("org_nr", ["556677-8898", "5566778", "AB1234-5678"])
def test_org_nr_with_bad_format_or_check_digit_is_refused(client, registration, org_nr):
    response = client.post(URL, registration(company="Ljudbolaget AB", org_nr=org_nr))
    assert "org_nr" in _errors(response)


def test_bad_phone_is_refused(client, registration):
    assert "phone" in _errors(client.post(URL, registration(phone="ring på kvällen")))


def test_passwords_must_match(client, registration, password):
    response = client.post(URL, registration(password2=password + "x"))
    assert "password2" in _errors(response)


@pytest.mark.parametrize("weak", [
    "kort-9",            # shorter than the minimum from settings
    "1234567890123",     # only digits
    "password1234",      # common
    "robinregistrerad",  # like the person's own name
])
def test_password_validators_from_settings_apply(client, registration, weak):
    response = client.post(URL, registration(password1=weak, password2=weak))
    assert "password2" in _errors(response)
    assert not User.objects.exists()


def test_overlong_password_is_refused_before_hashing(client, registration):
    long = "Lång-Lösenfras-" * 100
    response = client.post(URL, registration(password1=long, password2=long))
    assert "password1" in _errors(response)


@pytest.mark.parametrize("field", ["name", "email", "phone", "username", "password1",
                                   "company", "org_nr"])
def test_nul_character_in_any_field_is_refused(client, registration, field):
    data = registration(company="Ljudbolaget AB", org_nr=ORG_NR)
    data[field] = data[field] + "\x00" if data[field] else "a\x00b"
    response = client.post(URL, data)
    assert response.status_code == 200
    assert _errors(response)
    assert not User.objects.exists()


def test_name_with_control_characters_is_refused(client, registration):
    assert "name" in _errors(client.post(URL, registration(name="Robin\r\nBcc: x@example.com")))


def test_extra_posted_fields_are_not_stored(client, registration):
    response = client.post(URL, registration(is_staff="on", is_superuser="1", notes="hej"))
    assert response.status_code == 302
    user = User.objects.get(username="robin")
    assert not user.is_staff and not user.is_superuser
