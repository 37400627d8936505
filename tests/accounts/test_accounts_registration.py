"""Registration (/konto/registrera/): exactly the P06 fields, every check, then an
activation link by e-mail; the account exists, and is logged in, once the link is used."""

import datetime as dt
import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from tillit.accounts.forms import USERNAME_TAKEN, RegistrationForm
from tillit.accounts.models import PendingRegistration
from tillit.privacy.datamap import registry

User = get_user_model()
pytestmark = pytest.mark.django_db
URL = reverse("accounts:register")
DONE = reverse("accounts:register_done")
ORG_NR = "556677-8899"  # fictitious, Luhn-valid


def _errors(response):
    return response.context["form"].errors


def _link(to="robin@example.com"):
    [message] = [m for m in mail.outbox if m.to == [to]]
    match = re.search(r"https?://[^/\s]+(/konto/aktivera/[^\s/]+/)", message.body)
    assert match, message.body
    return match.group(1)


def _register_and_activate(client, data, url=URL):
    """Register, then use the link from the e-mail; returns the activation's answer."""
    assert client.post(url, data).url == DONE
    [message] = mail.outbox
    return client.post(_link(message.to[0]))


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


def test_registering_sends_a_link_and_the_account_opens_when_it_is_used(client, registration,
                                                                         password):
    response = client.post(URL, registration(phone="070-174 06 50"))
    assert response.status_code == 302 and response.url == DONE
    assert client.get(DONE).context["hours"] == 48
    # Nothing to log in to yet.
    assert not User.objects.exists() and "_auth_user_id" not in client.session
    assert not client.login(username="robin", password=password)
    # How long the waiting registration is kept, in the data map's words.
    kept = registry.get(PendingRegistration).retention.describe()
    assert f"raderas {kept}." in mail.outbox[0].body
    link = _link()
    # Opening the link changes nothing (mail scanners open links); the button activates.
    page = client.get(link)
    assert page.status_code == 200 and "robin" in page.content.decode()
    assert not User.objects.exists()
    activated = client.post(link)
    assert activated.status_code == 302 and activated.url == reverse("accounts:profile")
    user = User.objects.get(username="robin")
    assert (user.name, user.email, user.phone) == (
        "Robin Registrerad", "robin@example.com", "070-174 06 50")
    assert user.check_password(password) and user.is_active
    assert int(client.session["_auth_user_id"]) == user.pk
    assert client.get(reverse("accounts:profile")).status_code == 200
    assert not PendingRegistration.objects.exists()


def test_the_activation_mail_names_the_user_id_and_how_long_the_link_works(client,
                                                                         registration):
    client.post(URL, registration())
    [message] = mail.outbox
    assert message.to == ["robin@example.com"]
    assert "robin" in message.body and "48" in message.body
    assert "JKSound HB" in message.body


def test_company_buyer_registers_with_normalised_org_nr(client, registration):
    response = _register_and_activate(
        client, registration(company="Ljudbolaget AB", org_nr="16 5566778899"))
    assert response.status_code == 302
    user = User.objects.get(username="robin")
    assert (user.company, user.org_nr) == ("Ljudbolaget AB", ORG_NR)
    assert user.is_company_buyer


def test_email_domain_is_lowercased_but_the_local_part_kept(client, registration):
    _register_and_activate(client, registration(email="Robin.R@Example.COM"))
    assert User.objects.get(username="robin").email == "Robin.R@example.com"


def test_activation_returns_to_a_safe_next_page(client, registration):
    response = _register_and_activate(client, registration(), url=f"{URL}?next=/kassa/")
    assert response.url == "/kassa/"


def test_registration_ignores_a_next_page_on_another_site(client, registration):
    response = _register_and_activate(client, registration(),
                                      url=f"{URL}?next=https://evil.example/")
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
    assert _register_and_activate(client, data).status_code == 302


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
def test_a_taken_email_gets_the_same_answer_and_its_owner_a_notice(client, registration,
                                                                   account, taken):
    response = client.post(URL, registration(email=taken))
    assert response.status_code == 302 and response.url == DONE
    assert User.objects.count() == 1 and not PendingRegistration.objects.exists()
    [notice] = mail.outbox
    assert notice.to == ["alva@example.com"]  # the owner's address, as the account has it
    assert "/konto/aktivera/" not in notice.body
    assert "alva" in notice.body and "/konto/losenord/aterstall/" in notice.body


def test_registration_mail_to_one_address_is_capped_per_day(client, registration, account):
    for n in range(5):
        client.post(URL, registration(username=f"robin{n}", email="robin@example.com"))
        client.post(URL, registration(username=f"robin{n}", email="alva@example.com"))
    assert [m.to[0] for m in mail.outbox].count("robin@example.com") == 3
    assert [m.to[0] for m in mail.outbox].count("alva@example.com") == 3
    assert PendingRegistration.objects.count() == 3


# The activation link ---------------------------------------------------------------


def test_a_used_link_is_gone(client, registration):
    client.post(URL, registration())
    link = _link()
    assert client.post(link).status_code == 302
    client.logout()
    for method in (client.get, client.post):
        replay = method(link)
        assert replay.status_code == 404
        assert "log in" in replay.content.decode().lower() or \
            "logga in" in replay.content.decode().lower()
    assert User.objects.count() == 1


def test_an_expired_link_is_refused_and_opens_nothing(client, registration):
    client.post(URL, registration())
    PendingRegistration.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert client.get(_link()).status_code == 410
    assert client.post(_link()).status_code == 410
    assert not User.objects.exists() and "_auth_user_id" not in client.session


@pytest.mark.parametrize("token", ["x", "A" * 43, "A" * 101, "%00", "..", "ä" * 20,
                                   "' OR 1=1 --"])
def test_a_forged_link_is_a_404(client, registration, token):
    client.post(URL, registration())
    for method in (client.get, client.post):
        assert method(reverse("accounts:activate", args=[token])).status_code == 404
    assert not User.objects.exists()


def test_the_link_is_stored_only_as_a_digest(client, registration):
    client.post(URL, registration())
    token = _link().rstrip("/").rpartition("/")[2]
    stored = PendingRegistration.objects.values_list("digest", flat=True).get()
    assert token not in stored and len(stored) == 64


def test_a_user_id_taken_while_the_link_was_on_its_way_is_a_clear_refusal(
    client, registration, make_user
):
    client.post(URL, registration())
    make_user(username="ROBIN")
    response = client.post(_link())
    assert response.status_code == 409
    assert "user ID" in response.content.decode() or "användar" in response.content.decode()
    assert User.objects.count() == 1 and not PendingRegistration.objects.exists()


def test_two_registrations_of_one_address_make_one_account(client, registration):
    client.post(URL, registration(username="robin"))
    client.post(URL, registration(username="robin2"))
    first, second = [re.search(r"(/konto/aktivera/[^\s/]+/)", m.body).group(1)
                     for m in mail.outbox]
    assert client.post(second).status_code == 302
    client.logout()
    assert client.post(first).status_code == 409
    assert list(User.objects.values_list("username", flat=True)) == ["robin2"]


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
    response = _register_and_activate(
        client, registration(is_staff="on", is_superuser="1", notes="hej"))
    assert response.status_code == 302
    user = User.objects.get(username="robin")
    assert not user.is_staff and not user.is_superuser
