"""Hostile input on every account form: never a server error, never a half-made change.

Each field gets either a good value or something nasty (arbitrary Unicode, control
characters, NUL, overlong text). Hashing is deliberately slow (Argon2id), so the example
counts stay modest.
"""

import datetime as dt
from urllib.parse import quote

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from tillit.accounts.models import Address, PendingEmailChange, PendingRegistration
from tillit.accounts.validators import luhn_valid

User = get_user_model()
pytestmark = pytest.mark.django_db

HYPOTHESIS = settings(max_examples=40, deadline=None,
                      suppress_health_check=[HealthCheck.function_scoped_fixture])

nasty = st.one_of(
    st.text(max_size=80),
    st.text(min_size=300, max_size=3000),
    st.sampled_from(["\x00", "a\x00b", " ", "\u202e", "<script>alert(1)</script>",
                     "'; DROP TABLE accounts_user; --", "%00", "\r\nBcc: x@example.com"]),
)


@st.composite
def spoiled(draw, good_forms):
    """One of ``good_forms`` with none, one or a few fields swapped for nasty values."""
    data = dict(draw(st.sampled_from(good_forms)))
    for field in draw(st.sets(st.sampled_from(sorted(data)), max_size=3)):
        data[field] = draw(nasty)
    return data


PASSWORD = "Ljus-Gitarr-Förstärkare-7"
registrations = spoiled([
    {"name": "Robin Registrerad", "email": "robin@example.com", "phone": "",
     "username": "robin", "password1": PASSWORD, "password2": PASSWORD,
     "company": "", "org_nr": ""},
    {"name": "Åsa Öberg", "email": "Asa@Example.com", "phone": "070-174 06 50",
     "username": "åsa.ö", "password1": PASSWORD, "password2": PASSWORD,
     "company": "Ljudbolaget AB", "org_nr": "5566778899"},
])


@HYPOTHESIS
@given(data=registrations)
def test_hostile_registration_never_errors_and_keeps_only_valid_registrations(data):
    from django.contrib.auth.hashers import check_password
    from django.core.cache import cache

    cache.clear()  # the per-address mail cap is not under test here
    before = PendingRegistration.objects.count()
    response = Client().post(reverse("accounts:register"), data)
    assert response.status_code in (200, 302)
    event(f"status {response.status_code}")
    assert not User.objects.exists()  # no account before the link is used
    if response.status_code == 200:
        assert response.context["form"].errors
        assert PendingRegistration.objects.count() == before
        return
    assert PendingRegistration.objects.count() == before + 1
    waiting = PendingRegistration.objects.latest("id")
    assert "\x00" not in waiting.name + waiting.email + waiting.username + waiting.company
    assert check_password(data["password1"], waiting.password)
    assert data["password1"] == data["password2"]
    assert bool(waiting.company) == bool(waiting.org_nr)
    if waiting.org_nr:
        assert waiting.org_nr[6] == "-" and luhn_valid(waiting.org_nr.replace("-", ""))
    waiting.delete()


@HYPOTHESIS
@given(token=st.one_of(st.text(max_size=200), st.sampled_from(["\x00", "a" * 43, "%2F.."])))
def test_hostile_activation_links_are_a_4xx_and_open_nothing(token):
    client = Client()
    for method in (client.get, client.post):
        try:
            response = method(f"/konto/aktivera/{quote(token, safe='')}/")
        except ValueError:  # the test client refuses some paths before any view runs
            continue
        assert 400 <= response.status_code < 500
    assert not User.objects.exists()


@HYPOTHESIS
@given(token=st.one_of(st.text(max_size=200), st.sampled_from(["\x00", "a" * 43, "%2F.."])))
def test_hostile_email_change_links_are_a_4xx_and_change_nothing(account, token):
    PendingEmailChange.objects.get_or_create(
        user=account, defaults={"email": "ny@example.com", "digest": "0" * 64,
                                "expires_at": timezone.now() + dt.timedelta(days=1)})
    client = Client()
    client.force_login(account)
    for method in (client.get, client.post):
        try:
            response = method(f"/konto/e-post/bekrafta/{quote(token, safe='')}/")
        except ValueError:  # the test client refuses some paths before any view runs
            continue
        assert 400 <= response.status_code < 500
    assert User.objects.get(pk=account.pk).email == "alva@example.com"
    assert PendingEmailChange.objects.filter(user=account).exists()


@HYPOTHESIS
@given(data=spoiled([
    {"name": "Alva Andersson", "email": "alva@example.com", "phone": "",
     "company": "", "org_nr": ""},
    {"name": "Alva Berg", "email": "alva.berg@example.com", "phone": "036-12 34 56",
     "company": "Ljudbolaget AB", "org_nr": "556677-8899"},
]))
def test_hostile_profile_edit_never_errors_and_changes_nothing_when_refused(account, data):
    client = Client()
    client.force_login(account)
    before = User.objects.values().get(pk=account.pk)
    response = client.post(reverse("accounts:profile_edit"), data)
    assert response.status_code in (200, 302)
    event(f"status {response.status_code}")
    after = User.objects.values().get(pk=account.pk)
    if response.status_code == 200:
        assert response.context["form"].errors
        assert after == before
    else:
        assert after["username"] == before["username"]
        assert after["password"] == before["password"]
        assert bool(after["company"]) == bool(after["org_nr"])


@HYPOTHESIS
@given(data=spoiled([
    {"name": "Alva Andersson", "company": "", "street": "Storgatan 1",
     "postal_code": "565 31", "city": "Mullsjö", "country": "SE", "phone": "",
     "make_default": "on"},
    {"name": "Alva Andersson", "company": "Ljudbolaget AB", "street": "Box 12",
     "postal_code": "56531", "city": "Mullsjö", "country": "SE", "phone": "036-12 34 56",
     "make_default": ""},
]))
def test_hostile_address_never_errors_and_is_saved_only_when_valid(account, data):
    client = Client()
    client.force_login(account)
    before = Address.objects.count()
    response = client.post(reverse("accounts:address_create"), data)
    assert response.status_code in (200, 302)
    event(f"status {response.status_code}")
    if response.status_code == 200:
        assert Address.objects.count() == before
    else:
        assert Address.objects.count() == before + 1
        assert Address.objects.filter(user=account, is_default=True).count() == 1


# Each refused login still hashes once (Django evens out the timing), so fewer examples.
@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(username=nasty, password=nasty)
def test_hostile_login_never_errors_and_never_logs_in(account, username, password):
    client = Client()
    response = client.post(reverse("accounts:login"), {"username": username,
                                                       "password": password})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
