"""Failed logins are throttled per (user name, IP address) pair (P13)."""

import datetime as dt
from unittest import mock

import pytest
from django.contrib.auth.backends import ModelBackend
from django.core import mail
from django.utils import timezone

from tests.conftest import PASSWORD
from tillit.security.models import FailedLogin

pytestmark = pytest.mark.django_db
ATTACKER = "203.0.113.50"


def _fail(login, n, username="anna", ip=ATTACKER):
    return [login(username, f"wrong-{i}", ip=ip) for i in range(n)]


def _age_failures(minutes):
    FailedLogin.objects.update(created_at=timezone.now() - dt.timedelta(minutes=minutes))


@pytest.mark.promise("P13")
def test_after_five_failures_the_pair_cools_down_with_a_clear_message(login, customer):
    responses = _fail(login, 5)
    assert all(r.status_code == 200 for r in responses)
    with mock.patch.object(ModelBackend, "authenticate") as check:
        refused = login("anna", PASSWORD, ip=ATTACKER)
    check.assert_not_called()  # refused before any password is hashed
    assert refused.status_code == 200
    assert "_auth_user_id" not in refused.client.session
    assert refused.context["form"].errors.as_data()["__all__"][0].code == "throttled"
    assert "15 minutes" in refused.content.decode() or "15 minuter" in refused.content.decode()
    assert FailedLogin.objects.filter(reason=FailedLogin.Reason.THROTTLED).count() == 1


@pytest.mark.promise("P13")
def test_the_account_holder_gets_one_email_when_the_cooldown_starts(login, customer):
    _fail(login, 7)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["anna@example.com"]
    assert "5" in message.body and "JKSound HB" in message.body


def test_the_cooldown_is_per_pair_other_addresses_and_accounts_go_on(login, customer,
                                                                    make_user):
    make_user(username="bertil")
    _fail(login, 5)
    assert login("anna", PASSWORD, ip="198.51.100.1").status_code == 302
    assert login("bertil", PASSWORD, ip=ATTACKER).status_code == 302


def test_the_cooldown_ends(login, customer):
    _fail(login, 5)
    _age_failures(16)
    assert login("anna", PASSWORD, ip=ATTACKER).status_code == 302


def test_failures_outside_the_window_do_not_count(login, customer):
    _fail(login, 4)
    _age_failures(20)
    _fail(login, 1)
    assert login("anna", PASSWORD, ip=ATTACKER).status_code == 302


@pytest.mark.promise("P13")
def test_unknown_names_are_throttled_the_same_way_and_mail_nobody(login, customer):
    known = _fail(login, 6, username="anna")[-1]
    unknown = _fail(login, 6, username="nobody", ip="203.0.113.51")[-1]
    assert known.status_code == unknown.status_code == 200
    assert (known.context["form"].errors.as_data()["__all__"][0].code
            == unknown.context["form"].errors.as_data()["__all__"][0].code == "throttled")
    assert [m.to for m in mail.outbox] == [["anna@example.com"]]


def test_thresholds_come_from_the_settings(login, customer, settings):
    settings.TILLIT_LOGIN_THROTTLE = {"failures": 2, "window_minutes": 5,
                                      "cooldown_minutes": 60}
    _fail(login, 2)
    refused = login("anna", PASSWORD, ip=ATTACKER)
    assert refused.status_code == 200
    assert "60" in refused.content.decode()


def test_the_admin_login_is_throttled_too(client, staff):
    from django.urls import reverse

    url = reverse("admin:login")
    for i in range(5):
        client.post(url, {"username": "personal", "password": f"x{i}"}, REMOTE_ADDR=ATTACKER)
    client.post(url, {"username": "personal", "password": PASSWORD}, REMOTE_ADDR=ATTACKER)
    assert "_auth_user_id" not in client.session
    assert FailedLogin.objects.filter(reason=FailedLogin.Reason.THROTTLED).count() == 1
