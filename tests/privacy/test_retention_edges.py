"""The sweep at its edges (issue 16 §7, mutants that survived in retention.py): work done
in batches smaller than the table, a hold ending on the sweep's own day, a lifted hold,
and a dry run that counts a row once when it is both expired and due for hashing."""

import datetime as dt

import pytest
from django.utils import timezone

from tillit.privacy import retention
from tillit.privacy.hashing import PREFIX
from tillit.privacy.models import LegalHold
from tillit.security.models import LoginRecord

pytestmark = pytest.mark.django_db


def _logins(user, n, *, days_ago):
    LoginRecord.objects.bulk_create(
        LoginRecord(user=user, ip=f"198.51.100.{i + 1}", user_agent="x",
                    created_at=timezone.now() - dt.timedelta(days=days_ago))
        for i in range(n))


def _line(report, label="security.LoginRecord"):
    return {x.model: x for x in report.lines}[label]


@pytest.mark.promise("P10.b", "P23.a")
def test_rows_and_addresses_are_swept_in_batches_to_the_last_one(customer, monkeypatch):
    monkeypatch.setattr(retention, "BATCH", 2)
    _logins(customer, 5, days_ago=40)  # raw IP past its 30 days, the row kept a year
    _logins(customer, 3, days_ago=400)  # past the year: deleted
    line = _line(retention.run())
    assert (line.found, line.acted, line.held) == (3, 3, 0)
    assert (line.hash_found, line.hashed, line.hash_held) == (5, 5, 0)
    assert LoginRecord.objects.count() == 5
    assert all(ip.startswith(PREFIX) for ip in LoginRecord.objects.values_list("ip",
                                                                             flat=True))
    again = _line(retention.run())  # nothing left to do, nothing counted twice
    assert (again.found, again.hash_found) == (0, 0)


@pytest.mark.promise("P18.c")
def test_a_hold_ending_on_the_sweeps_day_still_keeps_the_rows(customer, make_user):
    other = make_user(username="olle", email="olle@example.com", name="Olle")
    _logins(customer, 2, days_ago=400)
    _logins(other, 1, days_ago=400)
    now = timezone.now()
    LegalHold.objects.create(user=customer, reason="Tvist", until=timezone.localdate(now))
    line = _line(retention.run(now=now))
    assert (line.found, line.acted, line.held) == (3, 1, 2)
    assert LoginRecord.objects.filter(user=customer).count() == 2
    assert not LoginRecord.objects.filter(user=other).exists()
    # The next day the hold has ended: the sweep takes the rows.
    line = _line(retention.run(now=now + dt.timedelta(days=1)))
    assert (line.found, line.acted, line.held) == (2, 2, 0)


def test_a_lifted_hold_keeps_nothing_and_keeps_no_address_raw(customer):
    _logins(customer, 2, days_ago=40)
    LegalHold.objects.create(user=customer, reason="Tvist", lifted_at=timezone.now())
    line = _line(retention.run())
    assert (line.hash_found, line.hashed, line.hash_held) == (2, 2, 0)


def test_a_held_persons_addresses_stay_raw_one_count_each(customer):
    _logins(customer, 3, days_ago=40)
    LegalHold.objects.create(user=customer, reason="Tvist")
    line = _line(retention.run())
    assert (line.hash_found, line.hashed, line.hash_held) == (3, 0, 3)
    assert not LoginRecord.objects.filter(ip__startswith=PREFIX).exists()


def test_a_dry_run_counts_a_row_both_expired_and_due_once(customer):
    _logins(customer, 2, days_ago=400)  # expired, and its raw IP due as well
    dry = _line(retention.run(dry_run=True))
    assert (dry.found, dry.acted) == (2, 2)
    assert (dry.hash_found, dry.hashed) == (0, 0)  # going anyway: not counted as hashed
    assert LoginRecord.objects.count() == 2
    real = _line(retention.run())
    assert (real.found, real.acted, real.hash_found) == (2, 2, 0)
