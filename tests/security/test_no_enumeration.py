"""Login, registration and password reset answer the same way, in about the same time, for
known and unknown accounts. Timings use Argon2 (the real hasher), a few runs each, and
compare medians loosely (within 3x, or 5 ms): enough to catch a path that skips the hash."""

import re
import statistics
import time

import pytest
from django.core import mail
from django.urls import reverse

from tests.conftest import PASSWORD

# Timing needs the real hasher: a skipped Argon2id hash shows, an MD5 one would not.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("argon2")]
RUNS = 5


def _median_seconds(send):
    times = []
    for i in range(RUNS):
        start = time.perf_counter()
        send(i)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _within_3x(a, b):
    # Millisecond-scale paths (no hashing on either side) are at the mercy of scheduling
    # noise, so 5 ms apart also counts as alike; a skipped Argon2 hash is ~100 ms.
    assert max(a, b) / min(a, b) < 3 or abs(a - b) < 0.005, (a, b)


def test_login_known_and_unknown_accounts_answer_alike(client, customer):
    from django.contrib.auth.hashers import get_hasher

    assert get_hasher().algorithm == "argon2"
    url = reverse("accounts:login")

    def post(username, i):
        # A fresh address per try, so the throttle stays out of the measurement.
        return client.post(url, {"username": username, "password": f"wrong-{i}"},
                           REMOTE_ADDR=f"198.51.100.{10 + i}")

    known, unknown = post("anna", 0), post("nobody", 0)
    assert known.status_code == unknown.status_code == 200
    assert known.context["form"].errors == unknown.context["form"].errors
    _within_3x(_median_seconds(lambda i: post("anna", i + 1)),
               _median_seconds(lambda i: post("nobody", i + 1)))


def test_password_reset_known_and_unknown_addresses_answer_alike(client, customer):
    url = reverse("accounts:password_reset")

    def post(email, i):
        return client.post(url, {"email": email}, REMOTE_ADDR=f"198.51.100.{40 + i}")

    known, unknown = post("anna@example.com", 0), post("nobody@example.com", 0)
    assert (known.status_code, known.url) == (unknown.status_code, unknown.url)
    assert len(mail.outbox) == 1
    _within_3x(_median_seconds(lambda i: post("anna@example.com", i + 1)),
               _median_seconds(lambda i: post("nobody@example.com", i + 1)))


def test_password_reset_does_the_same_work_in_the_request_for_any_address(
        transactional_db, client, customer, settings):
    """What a visitor could time: the request. With production's task backend (tasks wait
    in the database), it looks nothing up: for a known and an unknown address alike it
    runs the same statements, storing the address typed and enqueuing one task given only
    that row's id. The worker finds the account, if any. (Outside a test transaction, as
    the worker runs.)"""
    import signal

    from django.core.management import call_command
    from django.db import connection
    from django_tasks_db.models import DBTaskResult

    from tillit.accounts.models import PasswordResetRequest

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    url = reverse("accounts:password_reset")
    work = []

    def statement(execute, sql, params, many, context):
        work[-1].append((sql, len(params or ())))
        return execute(sql, params, many, context)

    for email, ip in (("anna@example.com", "198.51.100.60"), ("nobody@example.com",
                                                             "198.51.100.61")):
        work.append([])
        with connection.execute_wrapper(statement):
            response = client.post(url, {"email": email}, REMOTE_ADDR=ip)
        assert response.status_code == 302
    assert work[0] == work[1]
    assert not any("accounts_user" in sql for sql, _ in work[0])
    writes = [sql.split()[0:3] for sql, _ in work[0] if sql.startswith(("INSERT", "UPDATE",
                                                                        "DELETE"))]
    assert writes == [["INSERT", "INTO", '"accounts_passwordresetrequest"'],
                      ["INSERT", "INTO", '"django_tasks_database_dbtaskresult"']]
    requests = list(PasswordResetRequest.objects.order_by("pk"))
    queued = list(DBTaskResult.objects.order_by("enqueued_at"))
    assert [(t.task_path, t.args_kwargs) for t in queued] == [
        ("tillit.accounts.tasks.send_password_reset", {"args": [r.pk], "kwargs": {}})
        for r in requests]
    assert mail.outbox == []
    # The worker's side: the known address gets its link, the unknown one nothing; the
    # requests are gone once handled.
    handlers = {n: signal.getsignal(n) for n in (signal.SIGINT, signal.SIGTERM)}
    try:
        call_command("db_worker", batch=True, startup_delay=False, verbosity=0)
    finally:
        for n, handler in handlers.items():
            signal.signal(n, handler)
    lookups = DBTaskResult.objects.filter(task_path__endswith="send_password_reset")
    assert sorted(lookups.values_list("return_value", flat=True)) == [0, 1]
    assert [m.to for m in mail.outbox] == [["anna@example.com"]]
    assert not PasswordResetRequest.objects.exists()
    assert "@" not in "".join(str(t.args_kwargs) for t in DBTaskResult.objects.all())


def _without_csrf(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def test_registration_answers_a_taken_address_exactly_as_a_new_one(client, customer):
    from django.contrib.auth.hashers import get_hasher

    assert get_hasher().algorithm == "argon2"
    url = reverse("accounts:register")

    def post(email, i):
        return client.post(url, {
            "name": "Nils Ny", "email": email, "phone": "", "username": f"nils{i}",
            "password1": PASSWORD, "password2": PASSWORD, "company": "", "org_nr": "",
        }, REMOTE_ADDR=f"198.51.100.{70 + i}")

    taken, new = post("anna@example.com", 0), post("new@example.com", 1)
    # The same answer: status, where it leads, the headers and cookies it sets...
    assert (taken.status_code, taken.url) == (new.status_code, new.url) == (
        302, reverse("accounts:register_done"))
    assert taken.content == new.content
    assert sorted(taken.headers) == sorted(new.headers)
    assert sorted(taken.cookies) == sorted(new.cookies)
    # ... and the same page after it, but for the CSRF token.
    pages = [client.get(r.url).content.decode() for r in (taken, new)]
    assert _without_csrf(pages[0]) == _without_csrf(pages[1])
    # Both sent one e-mail: the owner of the taken address a notice, the new one a link.
    assert [m.to for m in mail.outbox] == [["anna@example.com"], ["new@example.com"]]
    # Both hashed the password (Argon2): neither answer is quicker.
    _within_3x(_median_seconds(lambda i: post("anna@example.com", i + 2)),
               _median_seconds(lambda i: post(f"new{i}@example.com", i + 2)))
