"""A real attack pattern, end to end (P10, P13, P18): 2,000 login attempts over 100
accounts from 50 addresses. Each address first guesses the passwords of two accounts (brute
force), then tries one leaked password on account after account (credential stuffing).

The password hasher is switched to a fast one for this test only (MD5, through pytest's
``settings`` fixture): with Argon2 the attempts that do reach a password check would take
minutes. Nothing under test depends on the hasher; throttled and blocked attempts never
reach it at all, which the test counts (how fast it runs is a benchmark's business, not a
test's).

The owner of the first account logged in from home six weeks before the attack, so the
login log keeps that address only as its keyed hash. The attack puts the account into a
cooldown for new addresses; from home the owner gets in at once, from a new address after
the cooldown.
"""

import collections
import datetime as dt
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import MD5PasswordHasher, make_password
from django.core import mail
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from tillit.privacy import retention
from tillit.privacy.hashing import is_hashed
from tillit.security.models import FailedLogin, IPBlock, LoginRecord

pytestmark = pytest.mark.django_db
ACCOUNTS, ADDRESSES, PER_ADDRESS = 100, 50, 40
LOGIN = reverse("accounts:login")
HOME, NEW = "198.51.100.200", "198.51.100.201"


def _password(n):
    return f"Riktigt-Lösen-{n:03d}-Kassett"


def _plan(k):
    """Address k's 40 attempts, in order: (account number, password)."""
    mine = [(2 * k, f"guess-{i}") for i in range(6)] + [(2 * k + 1, f"guess-{i}")
                                                         for i in range(5)]
    stuffing = [((2 * k + 2 + j) % ACCOUNTS, "Sommar2024!") for j in range(PER_ADDRESS - 11)]
    if k == 0:  # one leaked, valid credential, tried after the address is blocked
        stuffing[-1] = (stuffing[-1][0], _password(stuffing[-1][0]))
    return mine + stuffing


def _owner_logs_in(client, ip):
    response = client.post(LOGIN, {"username": "offer000", "password": _password(0)},
                           REMOTE_ADDR=ip)
    client.logout()
    return response


@pytest.mark.promise("P10.a", "P10.b", "P13.a", "P13.b", "P18.b", "P35.b")
def test_credential_stuffing_and_brute_force_are_stopped_and_the_owner_still_gets_in(
    client, settings
):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    User = get_user_model()
    User.objects.bulk_create([
        User(username=f"offer{n:03d}", email=f"offer{n:03d}@example.com", name=f"Offer {n}",
             password=make_password(_password(n)))
        for n in range(ACCOUNTS)
    ])
    assert _owner_logs_in(client, HOME).status_code == 302
    LoginRecord.objects.update(created_at=timezone.now() - dt.timedelta(days=42))
    retention.run()  # the nightly sweep hashes the address past its raw period
    home_login = LoginRecord.objects.get()
    assert is_hashed(home_login.ip)

    plans = [_plan(k) for k in range(ADDRESSES)]
    statuses = collections.Counter()
    leaked = None
    real_verify = MD5PasswordHasher.verify
    with mock.patch.object(MD5PasswordHasher, "verify", autospec=True,
                           side_effect=real_verify) as hasher:
        for round_ in range(PER_ADDRESS):  # the addresses take turns, as a botnet does
            for k in range(ADDRESSES):
                account, password = plans[k][round_]
                response = client.post(LOGIN, {"username": f"offer{account:03d}",
                                               "password": password},
                                       REMOTE_ADDR=f"203.0.113.{k + 1}",
                                       HTTP_USER_AGENT="python-requests/2.32")
                statuses[response.status_code] += 1
                if password == _password(account):
                    leaked = response.status_code

    # No request failed, and none got in (not even with the leaked password).
    assert set(statuses) <= {200, 403}, statuses
    assert leaked == 403
    assert "_auth_user_id" not in client.session
    assert not LoginRecord.objects.exclude(pk=home_login.pk).exists()
    # Every stuffing address ended up blocked, automatically.
    blocked = set(IPBlock.objects.filter(automatic=True).values_list("network", flat=True))
    assert blocked == {f"203.0.113.{k + 1}" for k in range(ADDRESSES)}
    # Every attempt is in the log, with its reason.
    assert FailedLogin.objects.count() == ADDRESSES * PER_ADDRESS
    reasons = collections.Counter(FailedLogin.objects.values_list("reason", flat=True))
    assert reasons["throttled"] >= ADDRESSES and reasons["blocked"] >= ADDRESSES
    assert statuses[403] == reasons["blocked"]
    # Refused attempts (cooldown, blocked) never ran the password hasher: it checked
    # exactly the attempts logged as wrong credentials.
    assert hasher.call_count == reasons["credentials"]
    assert reasons["credentials"] < ADDRESSES * PER_ADDRESS / 2
    # Each brute-forced account holder was told, once.
    told = collections.Counter(to for m in mail.outbox for to in m.to)
    assert set(told) == {f"offer{n:03d}@example.com" for n in range(ACCOUNTS)}
    assert max(told.values()) == 1
    # The real owner logs in from home (known to the log only by its keyed hash) at once.
    assert _owner_logs_in(client, HOME).status_code == 302
    # From a new address it waits: the account took ten wrong passwords from six addresses
    # before they were blocked, and is cooling down; once the cooldown ends, it opens.
    refused = _owner_logs_in(client, NEW)
    assert refused.status_code == 200
    assert refused.context["form"].errors.as_data()["__all__"][0].code == "throttled"
    FailedLogin.objects.update(created_at=F("created_at") - dt.timedelta(minutes=16))
    assert _owner_logs_in(client, NEW).status_code == 302
    new_logins = LoginRecord.objects.exclude(pk=home_login.pk).order_by("created_at", "pk")
    assert [r.ip for r in new_logins] == [HOME, NEW]
