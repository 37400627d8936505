"""P06: an account stores exactly what the policy lists. P35: passwords only as Argon2id."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core import mail
from django.urls import reverse

from tillit.accounts.models import PendingRegistration
from tillit.privacy.datamap import registry

User = get_user_model()

# What the policy lists (name, e-mail, phone, user ID, password, company) and the
# company's org.nr, which company buyers give with the company name.
P06_FIELDS = {"name", "email", "phone", "username", "password", "company", "org_nr"}
# Bookkeeping the account system itself needs; none of it is typed in by the customer.
SYSTEM_FIELDS = {"id", "last_login", "is_superuser", "is_staff", "is_active", "date_joined"}
SYSTEM_RELATIONS = {"groups", "user_permissions"}


def _activation_path(message) -> str:
    return re.search(r"(/konto/aktivera/[^\s/]+/)", message.body).group(1)


def test_account_stores_exactly_the_policy_fields():
    concrete = {f.name for f in User._meta.concrete_fields}
    assert concrete == P06_FIELDS | SYSTEM_FIELDS
    assert {f.name for f in User._meta.many_to_many} == SYSTEM_RELATIONS


def test_every_policy_field_of_the_account_is_in_the_data_map():
    declared = set(registry.get(User).fields)
    assert declared >= P06_FIELDS
    # Nothing else personal is declared that the policy does not list, except the
    # generated login dates.
    assert declared - P06_FIELDS <= {"date_joined", "last_login"}


@pytest.mark.promise("P06.a")
@pytest.mark.django_db
def test_registration_stores_what_was_given_and_nothing_else(client, registration):
    client.post(reverse("accounts:register"),
                registration(phone="070-174 06 50", company="Ljudbolaget AB",
                             org_nr="556677-8899", address="Storgatan 1",
                             birthday="född-1990-05-01"))
    waiting = PendingRegistration.objects.values().get()
    assert not [k for k, v in waiting.items() if "Storgatan" in str(v) or "född" in str(v)]
    client.post(_activation_path(mail.outbox[0]))
    row = User.objects.values().get(username="robin")
    given = {k: v for k, v in row.items() if k in P06_FIELDS - {"password"}}
    assert given == {"name": "Robin Registrerad", "email": "robin@example.com",
                     "phone": "070-174 06 50", "username": "robin",
                     "company": "Ljudbolaget AB", "org_nr": "556677-8899"}
    # The extra posted fields were stored nowhere in the account.
    assert not [k for k, v in row.items() if "Storgatan" in str(v) or "född" in str(v)]


@pytest.mark.promise("P06.b", "P35.a")
@pytest.mark.django_db
def test_registered_password_is_stored_only_as_an_argon2id_hash(argon2, client, registration,
                                                                 password):
    client.post(reverse("accounts:register"), registration())
    waiting = PendingRegistration.objects.values_list("password", flat=True).get()
    client.post(_activation_path(mail.outbox[0]))
    stored = User.objects.values_list("password", flat=True).get(username="robin")
    for hashed in (waiting, stored):
        assert hashed.startswith("argon2$argon2id$")
        assert password not in hashed
        assert password.encode().hex() not in hashed


@pytest.mark.django_db
def test_changed_and_reset_passwords_are_argon2id_too(argon2, account, password):
    new = "Ny-Basförstärkare-2026"
    account.set_password(new)
    account.save()
    account.refresh_from_db()
    assert account.password.startswith("argon2$argon2id$")
    assert new not in account.password and password not in account.password


@pytest.mark.promise("P06.b", "P35.a")
@pytest.mark.django_db
def test_older_hash_is_upgraded_to_argon2id_at_login(argon2, client, make_user, password):
    user = make_user(username="gammal")
    User.objects.filter(pk=user.pk).update(
        password=make_password(password, hasher="pbkdf2_sha256"))
    assert client.login(username="gammal", password=password)
    user.refresh_from_db()
    assert user.password.startswith("argon2$argon2id$")
