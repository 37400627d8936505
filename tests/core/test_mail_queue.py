"""Mail in the background, as production sends it (the database task backend and
`tillit db_worker`): a message waiting to go out is personal data in the data map, never
in the task backend's table; it is delivered and deleted by the worker, kept for a short
declared while when delivery fails, exported with the person's data and erased with it."""

import datetime as dt
import importlib
import inspect
import json
import pkgutil

import pytest
from django.core import mail
from django.core.management import call_command
from django.forms.models import model_to_dict
from django.utils import timezone
from django_tasks.base import Task
from django_tasks_db.models import DBTaskResult

import tillit
from tillit.core import mail as core_mail
from tillit.core.models import OutgoingMail
from tillit.privacy import erasure, export, retention
from tillit.privacy.datamap import Person, registry

pytestmark = pytest.mark.django_db

ADDRESS = "kim.kvist@example.com"
BODY = "Hej Kim Kvist!"  # what tests/core/templates/mailtest/hello.txt writes for "Kim Kvist"


class BrokenBackend:
    """A mail server that refuses the recipient, naming the address as real ones do."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        import smtplib

        raise smtplib.SMTPRecipientsRefused(
            {messages[0].to[0]: (550, b"5.1.1 mailbox unavailable")})


def _send(**kwargs):
    return core_mail.send("mailtest/hello", {"name": "Kim Kvist"}, [ADDRESS], language="sv",
                          **kwargs)


def _task_rows_as_text() -> str:
    """Everything the task backend's table holds, as text."""
    return json.dumps([model_to_dict(r) for r in DBTaskResult.objects.all()], default=str)


def test_send_stores_the_message_and_enqueues_only_its_id(test_templates, database_backend):
    receipt = b"%PDF kvitto for Kim Kvist"
    _send(attachments=[("kvitto.pdf", receipt, "application/pdf")],
          headers={"List-Unsubscribe": "<https://shop.example/avregistrera/abc123/>"})
    [waiting] = OutgoingMail.objects.all()
    assert (waiting.recipient, waiting.subject) == (ADDRESS, "Hej Kim Kvist")
    assert BODY in waiting.text
    [task_row] = DBTaskResult.objects.all()
    assert task_row.task_path == "tillit.core.mail.deliver"
    assert task_row.status == "READY"
    assert task_row.args_kwargs == {"args": [waiting.pk], "kwargs": {}}
    stored = _task_rows_as_text()
    for secret in (ADDRESS, "Kim Kvist", "kvitto", "abc123"):
        assert secret not in stored, secret
    assert mail.outbox == []  # the request only enqueued


def test_the_worker_delivers_the_message_and_deletes_it(test_templates, run_worker):
    _send()
    run_worker()
    [message] = mail.outbox
    assert message.to == [ADDRESS] and BODY in message.body
    assert not OutgoingMail.objects.exists()
    [task_row] = DBTaskResult.objects.all()
    assert (task_row.status, task_row.return_value) == ("SUCCESSFUL", 1)


def test_attachments_arrive_unchanged_through_the_worker(test_templates, run_worker):
    pdf = bytes(range(256))
    _send(attachments=[("kvitto.html", "<p>Kvitto</p>", "text/html"),
                       ("kvitto.pdf", pdf, "application/pdf")])
    run_worker()
    assert mail.outbox[0].attachments == [("kvitto.html", "<p>Kvitto</p>", "text/html"),
                                          ("kvitto.pdf", pdf, "application/pdf")]


def test_a_message_erased_before_its_turn_is_not_sent(test_templates, run_worker):
    _send()
    erasure.execute(ADDRESS)
    run_worker()
    assert mail.outbox == []
    assert DBTaskResult.objects.get().return_value == 0


@pytest.fixture
def failed(test_templates, run_worker, settings):
    """A message the mail server refused: one attempt made, a retry queued for later."""
    settings.EMAIL_BACKEND = "tests.core.test_mail_queue.BrokenBackend"
    _send()
    run_worker()
    return OutgoingMail.objects.get()


def test_a_failed_delivery_keeps_the_message_with_its_error_and_tries_again_later(failed):
    assert failed.attempts == 1 and failed.failed_at is not None
    assert "SMTPRecipientsRefused" in failed.error and ADDRESS in failed.error
    first, retry = DBTaskResult.objects.order_by("enqueued_at")
    assert first.status == "FAILED"
    assert first.exception_class_path == "tillit.core.mail.DeliveryFailed"
    assert "SMTPRecipientsRefused" in first.traceback
    assert (retry.status, retry.args_kwargs["args"]) == ("READY", [failed.pk])
    assert retry.run_after > timezone.now() + core_mail.RETRY_AFTER[0] - dt.timedelta(
        minutes=1)
    # The task backend's records name the row and the error's class, not the address.
    assert ADDRESS not in _task_rows_as_text()


def test_retries_stop_after_the_last_delay(failed, run_worker):
    for attempt in range(2, len(core_mail.RETRY_AFTER) + 2):
        DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now())
        run_worker()
        assert OutgoingMail.objects.get().attempts == attempt
    assert not DBTaskResult.objects.filter(status="READY").exists()


def test_mail_retry_delivers_what_failed_once_the_server_works(failed, run_worker, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call_command("mail", "retry", stdout=open("/dev/null", "w"))  # noqa: SIM115
    run_worker()
    assert [m.to for m in mail.outbox] == [[ADDRESS]]
    assert not OutgoingMail.objects.exists()


@pytest.mark.promise("P23.a")
def test_the_sweep_removes_a_failed_message_and_the_task_records_when_their_time_is_up(
        failed):
    decl = registry.get(OutgoingMail)
    tasks = registry.get(DBTaskResult)
    day_before = timezone.now() + dt.timedelta(days=decl.retention.days - 1)
    retention.run(now=day_before)
    assert OutgoingMail.objects.exists()  # still within its period, for a retry
    retention.run(now=timezone.now() + dt.timedelta(days=decl.retention.days, minutes=1))
    assert not OutgoingMail.objects.exists()
    # The finished (failed) task record goes after its own period; the retry not yet run
    # has not finished, and its row names no one.
    retention.run(now=timezone.now() + dt.timedelta(days=tasks.retention.days, minutes=1))
    assert list(DBTaskResult.objects.values_list("status", flat=True)) == ["READY"]


@pytest.mark.promise("P29.a")
def test_the_access_export_holds_mail_still_waiting_for_the_person(test_templates,
                                                                   database_backend):
    _send(attachments=[("kvitto.html", "<p>Kvitto</p>", "text/html")])
    _send()
    core_mail.send("mailtest/hello", {"name": "Lo"}, ["lo@example.com"])
    data = export.collect(Person(email=ADDRESS.upper()), language="sv")
    [record] = [r for r in data["records"] if r["model"] == "core.OutgoingMail"]
    assert len(record["rows"]) == 2
    values = record["rows"][0]["values"]
    assert values["recipient"] == ADDRESS and BODY in values["text"]
    assert values["attachments"][0]["filename"] == "kvitto.html"
    assert record["retention"] and record["uses"]
    assert "lo@example.com" not in json.dumps(data)


@pytest.mark.promise("P31.a")
def test_erasure_deletes_the_persons_waiting_mail_and_leaves_others(test_templates,
                                                                    database_backend):
    _send()
    core_mail.send("mailtest/hello", {"name": "Lo"}, ["lo@example.com"])
    plan = erasure.execute(Person(email=ADDRESS))
    assert plan.counts["core.OutgoingMail"] == 1
    assert list(OutgoingMail.objects.values_list("recipient", flat=True)) == ["lo@example.com"]


@pytest.mark.promise("P29.a", "P31.a")
def test_a_task_error_that_quotes_the_address_is_exported_and_erased(db):
    DBTaskResult.objects.create(
        args_kwargs={"args": [1], "kwargs": {}}, task_path="tillit.core.mail.deliver",
        backend_name="default", status="FAILED", finished_at=timezone.now(),
        exception_class_path="django.db.utils.IntegrityError",
        traceback=f"IntegrityError: Key (email)=({ADDRESS}) already exists.")
    other = DBTaskResult.objects.create(
        args_kwargs={"args": [2], "kwargs": {}}, task_path="tillit.core.mail.deliver",
        backend_name="default", status="FAILED", finished_at=timezone.now(),
        exception_class_path="builtins.TimeoutError", traceback="TimeoutError")
    data = export.collect(Person(email=ADDRESS), language="sv")
    [record] = [r for r in data["records"] if r["model"] == DBTaskResult._meta.label]
    assert [ADDRESS in row["values"]["traceback"] for row in record["rows"]] == [True]
    erasure.execute(Person(email=ADDRESS))
    assert list(DBTaskResult.objects.all()) == [other]


def _project_tasks():
    for info in pkgutil.walk_packages(tillit.__path__, "tillit."):
        # Entry points that run or configure something when imported hold no tasks.
        if (".migrations" in info.name or info.name.startswith("tillit.settings")
                or info.name in ("tillit.__main__", "tillit.wsgi")):
            continue
        module = importlib.import_module(info.name)
        for value in vars(module).values():
            if isinstance(value, Task) and value.func.__module__ == info.name:
                yield value


def test_every_task_of_the_project_takes_row_ids_only():
    """The task backend keeps a task's arguments in its own table, outside the data map:
    whatever personal data a task needs waits in a declared row, and the task is given
    that row's id."""
    tasks = {t.module_path: t for t in _project_tasks()}
    assert {"tillit.core.mail.deliver",
            "tillit.accounts.tasks.send_password_reset"} <= set(tasks)
    for path, task in tasks.items():
        parameters = inspect.signature(task.func).parameters.values()
        assert [p.annotation in (int, "int") for p in parameters] == [True], path
