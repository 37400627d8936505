"""Raw IP addresses are kept for their declared period, then replaced by a keyed one-way
hash by the retention sweep (P10, P35, P23)."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.db import models
from django.test.utils import isolate_apps
from django.urls import reverse
from django.utils import timezone, translation

from tillit.accounts.models import Address
from tillit.privacy import datamap as dm
from tillit.privacy import retention
from tillit.privacy.checks import check_models
from tillit.privacy.hashing import is_hashed, keyed_hash
from tillit.privacy.models import AuditEvent, LegalHold
from tillit.security.models import FailedLogin, LoginRecord

pytestmark = pytest.mark.django_db
RECORDED = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)


def raw_days(model) -> int:
    """How long the data map keeps the model's IP address raw."""
    return dm.registry.get(model).fields["ip"].hash_after.days


@pytest.fixture
def attempts(customer):
    """A login and two failed logins, all at ``RECORDED``, one of them without an address."""
    return {
        "login": LoginRecord.objects.create(user=customer, ip="198.51.100.1",
                                            created_at=RECORDED),
        "failure": FailedLogin.objects.create(username="anna", user=customer,
                                              ip="198.51.100.1", created_at=RECORDED),
        "no_ip": FailedLogin.objects.create(username="anna", ip="", created_at=RECORDED),
    }


def ips(attempts) -> dict:
    for row in attempts.values():
        row.refresh_from_db()
    return {name: row.ip for name, row in attempts.items()}


@pytest.mark.promise("P10.b", "P35.b")
def test_login_addresses_become_keyed_hashes_after_their_declared_period_not_a_day_before(
        attempts):
    days = raw_days(LoginRecord)
    assert days == raw_days(FailedLogin)

    retention.run(now=RECORDED + dt.timedelta(days=days - 1))
    assert ips(attempts) == {"login": "198.51.100.1", "failure": "198.51.100.1", "no_ip": ""}

    report = retention.run(now=RECORDED + dt.timedelta(days=days, minutes=1))
    hashed = keyed_hash("198.51.100.1", "ip")
    # The same address gives the same hash in both logs, so misuse stays traceable.
    assert ips(attempts) == {"login": hashed, "failure": hashed, "no_ip": ""}
    assert is_hashed(hashed)
    lines = {x.model: x for x in report.lines}
    assert (lines["security.LoginRecord"].hash_found, lines["security.LoginRecord"].hashed) \
        == (1, 1)
    assert lines["security.FailedLogin"].hashed == 1
    # The rows themselves stay: they are kept longer than the raw address.
    assert LoginRecord.objects.count() == 1 and FailedLogin.objects.count() == 2
    logged = AuditEvent.objects.filter(action="retention").latest("pk").detail["models"]
    assert logged["security.LoginRecord"]["hashed"] == 1

    again = retention.run(now=RECORDED + dt.timedelta(days=days + 2))
    assert {x.model: x.hashed for x in again.lines}["security.LoginRecord"] == 0


def test_a_dry_run_counts_the_addresses_it_would_hash_and_changes_nothing(attempts, capsys):
    later = RECORDED + dt.timedelta(days=raw_days(LoginRecord) + 1)
    report = retention.run(dry_run=True, now=later)
    line = {x.model: x for x in report.lines}["security.LoginRecord"]
    assert (line.hash_found, line.hashed, line.hash_held) == (1, 1, 0)
    assert ips(attempts)["login"] == "198.51.100.1"
    assert not AuditEvent.objects.filter(action="retention").exists()

    with translation.override("en"):
        call_command("retention", "run", "--dry-run")
    out = capsys.readouterr().out
    assert "would hash" in out and "ip: replaced by a keyed one-way hash" in out


@pytest.mark.promise("P10.b")
def test_a_legal_hold_keeps_the_persons_addresses_raw_until_it_ends(attempts, customer):
    """A hold keeps evidence as it is; a hash cannot be turned back into the address."""
    ends = timezone.localdate(RECORDED) + dt.timedelta(days=raw_days(LoginRecord) + 10)
    LegalHold.objects.create(user=customer, reason="Bedrägeriutredning", until=ends)
    during = RECORDED + dt.timedelta(days=raw_days(LoginRecord) + 1)
    report = retention.run(now=during)
    line = {x.model: x for x in report.lines}["security.LoginRecord"]
    assert (line.hash_found, line.hashed, line.hash_held) == (1, 0, 1)
    assert ips(attempts)["login"] == "198.51.100.1"

    after = timezone.make_aware(dt.datetime.combine(ends + dt.timedelta(days=1), dt.time(3)))
    retention.run(now=after)
    assert ips(attempts)["login"] == keyed_hash("198.51.100.1", "ip")


def test_the_policy_says_in_words_when_the_address_is_hashed(client):
    with translation.override("en"):
        html = client.get(reverse("privacy:policy")).content.decode()
    assert "Public IP address: replaced by a keyed one-way hash 30 days after the attempt" in html


def test_the_account_page_hides_hashed_addresses(client, customer):
    LoginRecord.objects.create(user=customer, ip=keyed_hash("198.51.100.1", "ip"),
                               created_at=timezone.now() - dt.timedelta(days=2))
    client.force_login(customer)
    assert "hmac-sha256" not in client.get(reverse("accounts:profile")).content.decode()


@isolate_apps("tillit.core")
def test_the_data_map_check_refuses_a_hash_rule_on_a_field_too_short_for_a_hash():
    class Visit(models.Model):
        ip = models.CharField(max_length=39)
        seen_at = models.DateTimeField()

        class Meta:
            app_label = "core"

    reg = dm.Registry()
    reg.declare(Visit, title="Visits", subject=dm.Subject(kinds=("visitor",)),
                fields={"ip": dm.Field("user.device.ip_address", dm.GENERATED,
                                       hash_after=dm.HashAfter("seen_at", days=30))},
                uses=[dm.Use("essential.service.security", dm.LEGITIMATE_INTEREST)],
                retention=dm.After("seen_at", days=365), on_erasure=dm.DELETE,
                not_personal=("seen_at",))
    assert [e.id for e in check_models([Visit], reg)] == ["tillit.privacy.E008"]
    assert Address  # the real models pass: see test_the_project_passes_its_own_check
