"""Sending the shop's e-mail: one way, so that every message names the controller (P03),
so that no request waits for a mail server, and so that a message waiting to go out is
personal data the data map knows of.

Templates come in threes under a prefix: ``<prefix>_subject.txt``, ``<prefix>.txt`` and
optionally ``<prefix>.html``; the bodies end with ``{% include "email/_footer.txt" %}`` (or
``.html``). :func:`send` refuses to send a body that lacks the controller's name and org.nr,
so a new e-mail cannot forget them.

:func:`send` renders the message in the request (templates, language and links are the
request's), stores it as an :class:`~tillit.core.models.OutgoingMail` row and enqueues
:func:`deliver`, a task of the Django tasks API, with that row's id as its only argument:
the task backend's own records (in production the database backend's table) then hold no
address, text or attachment, and the row follows the data map (core/privacy.py: deleted
once delivered, kept for a retry only as long as the map says, found by the person's
access export and erased with the rest of their data). With a background backend
(production) the request only enqueues, so a page that sends mail answers as fast as one
that does not, and a slow or absent mail server shows in no response time (no user
enumeration by timing). With the immediate backend (the demo and the tests) the task runs
at once: the demo mailbox and ``mail.outbox`` see the message when ``send`` returns, and a
delivery that failed raises :class:`MailNotSent` there, as sending in the request did.

Every task of the project takes row ids only (tests/core/test_mail_queue.py holds them to
it), so this holds for any task, not just this one.

Exactly once, even when a worker dies. Each row carries the Message-ID every attempt sends,
and a worker claims a row (``sending_since``) before it talks to the mail server. A worker
killed mid-send leaves its task RUNNING and its row unsent: :func:`recover` (run by
``tillit mail retry``, every few minutes from cron) marks tasks running longer than the
lease (``TILLIT_MAIL_LEASE_SECONDS``, 10 minutes) as failed, and queues again every row
neither delivered nor failed by then. A message whose hand-over was cut off may so reach
the server twice, with one Message-ID, which mail software shows once.
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import secrets
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from email.utils import make_msgid, parseaddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models import Q
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.html import escape
from django_tasks import task
from django_tasks.base import TaskResult, TaskResultStatus

from .models import OutgoingMail

# When a backend can run a task later (the database backend), a failed delivery is tried
# again after each of these delays; after the last one the message waits for
# `tillit mail retry` until the data map's retention removes it.
RETRY_AFTER = (dt.timedelta(minutes=5), dt.timedelta(minutes=30), dt.timedelta(hours=2))


class MissingControllerIdentity(RuntimeError):
    """An e-mail body was about to go out without the controller's identity."""


class MailNotSent(RuntimeError):
    """The task backend ran the delivery at once, and it failed."""


class DeliveryFailed(RuntimeError):
    """:func:`deliver` could not hand a message to the mail server. The text names the row
    and the error's class, never the address: the task backend keeps this text, while the
    full error (which a mail server's refusal fills with addresses) stays on the row."""


def send(prefix: str, context: dict, to: list[str], *, language: str | None = None,
         headers: dict | None = None,
         attachments: list[tuple[str, str | bytes, str]] | None = None) -> list[TaskResult]:
    """Render the e-mail ``prefix`` with ``context`` in ``language`` (default: the active
    one), store one :class:`OutgoingMail` per address in ``to`` (a recipient never sees
    another's address) and enqueue its delivery. Returns the delivery tasks' results.

    Raises :class:`MissingControllerIdentity` when a body lacks the controller's footer,
    and :class:`MailNotSent` when the backend delivered at once and the delivery failed.
    Inside a transaction the rows and (with the database backend) the tasks are written
    with it: a rolled-back change sends no mail about itself."""
    subject, text, html = _render(prefix, context, language)
    attached = [_attachment(*a) for a in attachments or ()]
    results = []
    for address in to:
        row = OutgoingMail.objects.create(
            template=prefix, recipient=address, subject=subject, text=text, html=html or "",
            headers=dict(headers or {}), attachments=attached, message_id=_message_id())
        result = deliver.enqueue(row.pk)
        if result.status == TaskResultStatus.FAILED:
            error = OutgoingMail.objects.filter(pk=row.pk).values_list("error", flat=True)
            # The error's class only: its text may name addresses, and this one may be logged.
            raise MailNotSent(f"{prefix}: {(error.first() or 'failed').partition(': ')[0]}")
        results.append(result)
    return results


def _render(prefix: str, context: dict, language: str | None) -> tuple[str, str, str]:
    """(subject, text, HTML or "") of the e-mail ``prefix``, with the controller's footer
    checked."""
    controller = settings.TILLIT_CONTROLLER
    context = {**context, "controller": controller}
    with translation.override(language or translation.get_language() or settings.LANGUAGE_CODE):
        subject = " ".join(render_to_string(f"{prefix}_subject.txt", context).split())
        text = render_to_string(f"{prefix}.txt", context)
        try:
            html = render_to_string(f"{prefix}.html", context)
        except TemplateDoesNotExist:
            html = ""
    for body in filter(None, (text, html)):
        if controller["name"] not in body or controller["org_nr"] not in body:
            raise MissingControllerIdentity(f"{prefix}: the body lacks the controller footer.")
    return subject, text, html


@dataclass(frozen=True)
class Recipient:
    """One addressee of :func:`compose_many`: the address, the values only their message
    holds (an unsubscribe link), their own headers, and the Message-ID that every attempt
    to send them this message carries."""

    address: str
    values: dict[str, str] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    message_id: str = ""
    # The HTML part's own value of a name in ``values``, already safe HTML (built with
    # ``format_html``); without one, the value is escaped.
    html_values: dict[str, str] = field(default_factory=dict)


def compose_many(prefix: str, context: dict, recipients: Iterable[Recipient], *,
                 personal: tuple[str, ...], language: str | None = None,
                 ) -> Iterator[EmailMultiAlternatives]:
    """The same e-mail to many people, one message each with their own ``personal``
    values (a mail merge), for a caller that keeps its own durable record of whom it
    writes to (a campaign's send rows) and hands the messages to one connection
    (:func:`get_connection`) itself. The templates are rendered once, with a marker in
    place of each personal value; each message is that text with the recipient's values
    put in, escaped for the HTML part as the template would have escaped them. The footer
    check of :func:`send` holds here too."""
    nonce = secrets.token_hex(8)
    markers = {name: f"mm{nonce}{n}mm" for n, name in enumerate(personal)}
    subject, text, html = _render(prefix, {**context, **markers}, language)
    for person in recipients:
        own_text, own_html, own_subject = text, html, subject
        for name, marker in markers.items():
            value = person.values[name]
            own_text = own_text.replace(marker, value)
            own_html = own_html.replace(marker, person.html_values[name]
                                        if name in person.html_values else escape(value))
            own_subject = own_subject.replace(marker, value)
        headers = {**person.headers, "Message-ID": f"<{person.message_id or _message_id()}>"}
        message = EmailMultiAlternatives(own_subject, own_text, settings.DEFAULT_FROM_EMAIL,
                                         [person.address], headers=headers)
        if own_html:
            message.attach_alternative(own_html, "text/html")
        yield message


def message_id(local: str) -> str:
    """A Message-ID made of ``local`` and the sender's domain: the same for every attempt
    to send one message that its caller can name (a campaign's send row)."""
    return f"{local}@{_domain(settings.DEFAULT_FROM_EMAIL)}"


def _message_id() -> str:
    """A new Message-ID, without its angle brackets (``<…>`` is added when sending)."""
    return make_msgid(domain=_domain(settings.DEFAULT_FROM_EMAIL)).strip("<>")


@functools.lru_cache(maxsize=4)
def _domain(sender: str) -> str:
    return parseaddr(sender)[1].rpartition("@")[2] or "localhost"


def lease() -> dt.timedelta:
    """How long a worker may take over one message before it is taken to have died."""
    return dt.timedelta(seconds=int(getattr(settings, "TILLIT_MAIL_LEASE_SECONDS", 600)))


def _attachment(filename: str, content: str | bytes, mimetype: str) -> dict:
    if isinstance(content, bytes):
        return {"filename": filename, "base64": base64.b64encode(content).decode("ascii"),
                "mimetype": mimetype}
    return {"filename": filename, "content": content, "mimetype": mimetype}


def _message(row: OutgoingMail) -> EmailMultiAlternatives:
    headers = dict(row.headers or {})
    if row.message_id:
        headers["Message-ID"] = f"<{row.message_id}>"
    email = EmailMultiAlternatives(row.subject, row.text, settings.DEFAULT_FROM_EMAIL,
                                   [row.recipient], headers=headers)
    if row.html:
        email.attach_alternative(row.html, "text/html")
    for item in row.attachments or ():
        content = (base64.b64decode(item["base64"]) if "base64" in item else item["content"])
        email.attach(item["filename"], content, item["mimetype"])
    return email


@task()
def deliver(mail_id: int) -> int:
    """Send the :class:`OutgoingMail` ``mail_id`` through ``EMAIL_BACKEND`` and delete it;
    returns how many messages went: 1, or 0 when the row is gone (erased, or past its
    retention, before its turn came).

    The row is claimed first (``sending_since``): a second task for the same row, queued
    again by :func:`recover`, finds it claimed and leaves it to the first, unless the claim
    is older than the lease (the first worker died). When sending fails the row stays,
    with the attempt counted and the error kept; a backend that can run a task later is
    asked to try again after the next of :data:`RETRY_AFTER`, and the task fails with
    :class:`DeliveryFailed`."""
    now = timezone.now()
    claimed = OutgoingMail.objects.filter(pk=mail_id).filter(
        Q(sending_since__isnull=True) | Q(sending_since__lt=now - lease()),
    ).update(sending_since=now)
    row = OutgoingMail.objects.filter(pk=mail_id).first() if claimed else None
    if row is None:
        return 0
    try:
        sent = _message(row).send()
    except Exception as exc:
        kind = f"{type(exc).__module__}.{type(exc).__qualname__}"
        attempts = row.attempts + 1
        OutgoingMail.objects.filter(pk=row.pk).update(
            attempts=attempts, failed_at=timezone.now(), error=f"{kind}: {exc}"[:2000],
            sending_since=None)
        _retry_later(row.pk, attempts)
        # "from None": the task backend stores the traceback, and the original exception
        # (an SMTP refusal lists the refused addresses) must not be chained into it.
        raise DeliveryFailed(f"{row}: {kind}") from None
    row.delete()
    return sent


def _retry_later(mail_id: int, attempts: int) -> None:
    if attempts > len(RETRY_AFTER) or not deliver.get_backend().supports_defer:
        return
    deliver.using(run_after=timezone.now() + RETRY_AFTER[attempts - 1]).enqueue(mail_id)


def retry_failed() -> int:
    """Enqueue the delivery of every kept message whose last attempt failed (after the mail
    server is fixed: ``tillit mail retry``); returns how many."""
    ids = list(OutgoingMail.objects.filter(failed_at__isnull=False).order_by("pk")
               .values_list("pk", flat=True))
    OutgoingMail.objects.filter(pk__in=ids).update(sending_since=None)
    for mail_id in ids:
        deliver.enqueue(mail_id)
    return len(ids)


class WorkerLost(RuntimeError):
    """The worker running a delivery stopped before it finished (killed, or its machine
    went down); :func:`recover` records this on the task it took back."""


_DELIVER = f"{__name__}.deliver"


def take_back(task_path: str, now: dt.datetime) -> tuple[int, set]:
    """Tasks of ``task_path`` running longer than the lease had their worker die under
    them (the database backend never takes such a task back itself): they are marked
    failed (:class:`WorkerLost`). Returns how many, and the first argument (a row id) of
    every task of that path still waiting or running."""
    from django_tasks.base import TaskResultStatus as Status
    from django_tasks_db.models import DBTaskResult

    taken = DBTaskResult.objects.filter(task_path=task_path, status=Status.RUNNING,
                                        started_at__lt=now - lease()).update(
        status=Status.FAILED, finished_at=now,
        exception_class_path=f"{__name__}.WorkerLost",
        traceback="WorkerLost: the worker stopped before the task finished; "
                  "tillit mail retry took it back.")
    waiting = {args["args"][0] for args in DBTaskResult.objects.filter(
        task_path=task_path, status__in=(Status.READY, Status.RUNNING),
    ).values_list("args_kwargs", flat=True) if args.get("args")}
    return taken, waiting


_RESUMERS: dict[str, Callable[[], int]] = {}


def resumes(name: str, resume: Callable[[], int]) -> None:
    """Register work of a domain app that sends mail on its own (a campaign's batches)
    and that ``tillit mail retry`` sets going again when a worker left it: ``resume``
    returns how many it took back."""
    _RESUMERS[name] = resume


def resume_others() -> dict[str, int]:
    """Run every registered resumer: {name: how many it took back}."""
    return {name: resume() for name, resume in sorted(_RESUMERS.items())}


def recover(now: dt.datetime | None = None) -> tuple[int, int]:
    """Take back what a dead worker left: delivery tasks running longer than the lease
    are marked failed, and every message neither delivered nor failed by then, and not
    waiting in the queue, is queued again. Returns (tasks taken back, messages queued)."""
    now = now or timezone.now()
    stale = now - lease()
    tasks, waiting = take_back(_DELIVER, now)
    ids = [pk for pk in OutgoingMail.objects.filter(failed_at__isnull=True).filter(
        Q(sending_since__lt=stale) | Q(sending_since__isnull=True, created_at__lt=stale),
    ).order_by("pk").values_list("pk", flat=True) if pk not in waiting]
    for mail_id in ids:
        deliver.enqueue(mail_id)
    return tasks, len(ids)
