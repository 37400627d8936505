"""Sending the shop's e-mail: one way, so that every message names the controller (P03),
and so that no request waits for a mail server.

Templates come in threes under a prefix: ``<prefix>_subject.txt``, ``<prefix>.txt`` and
optionally ``<prefix>.html``; the bodies end with ``{% include "email/_footer.txt" %}`` (or
``.html``). :func:`send` refuses to send a body that lacks the controller's name and org.nr,
so a new e-mail cannot forget them.

:func:`send` renders the message in the request (templates, language and links are the
request's) and hands it to :func:`deliver`, a task of the Django tasks API. With a
background backend (production) the request only enqueues it, so a page that sends mail
answers as fast as one that does not, and a slow or absent mail server shows in no
response time (no user enumeration by timing). With the immediate backend (the demo and the
tests) the task runs at once: the demo mailbox and ``mail.outbox`` see the message when
``send`` returns, and a delivery that failed raises :class:`MailNotSent` there, as sending
in the request did.
"""

from __future__ import annotations

import base64

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import translation
from django_tasks import task
from django_tasks.base import TaskResult, TaskResultStatus


class MissingControllerIdentity(RuntimeError):
    """An e-mail body was about to go out without the controller's identity."""


class MailNotSent(RuntimeError):
    """The task backend ran the delivery at once, and it failed."""


def send(prefix: str, context: dict, to: list[str], *, language: str | None = None,
         headers: dict | None = None,
         attachments: list[tuple[str, str | bytes, str]] | None = None) -> TaskResult:
    """Render the e-mail ``prefix`` with ``context`` in ``language`` (default: the active
    one) and enqueue its delivery to ``to``. Returns the delivery task's result."""
    controller = settings.TILLIT_CONTROLLER
    context = {**context, "controller": controller}
    with translation.override(language or translation.get_language() or settings.LANGUAGE_CODE):
        subject = " ".join(render_to_string(f"{prefix}_subject.txt", context).split())
        text = render_to_string(f"{prefix}.txt", context)
        try:
            html = render_to_string(f"{prefix}.html", context)
        except TemplateDoesNotExist:
            html = None
    for body in filter(None, (text, html)):
        if controller["name"] not in body or controller["org_nr"] not in body:
            raise MissingControllerIdentity(f"{prefix}: the body lacks the controller footer.")
    message = {
        "subject": subject, "text": text, "html": html, "from": settings.DEFAULT_FROM_EMAIL,
        "to": list(to), "headers": dict(headers or {}),
        # Task arguments travel as JSON: binary attachments as base64.
        "attachments": [_attachment(*a) for a in attachments or ()],
    }
    result = deliver.enqueue(message)
    if result.status == TaskResultStatus.FAILED:
        error = result.errors[-1] if result.errors else None
        raise MailNotSent(f"{prefix}: {error.exception_class_path if error else 'failed'}")
    return result


def _attachment(filename: str, content: str | bytes, mimetype: str) -> dict:
    if isinstance(content, bytes):
        return {"filename": filename, "base64": base64.b64encode(content).decode("ascii"),
                "mimetype": mimetype}
    return {"filename": filename, "content": content, "mimetype": mimetype}


@task()
def deliver(message: dict) -> int:
    """Send one message :func:`send` rendered, through ``EMAIL_BACKEND``; returns how many
    were sent (1). Raises when the backend does, so the task is marked failed."""
    email = EmailMultiAlternatives(message["subject"], message["text"], message["from"],
                                   message["to"], headers=message.get("headers") or {})
    if message.get("html"):
        email.attach_alternative(message["html"], "text/html")
    for item in message.get("attachments") or ():
        content = (base64.b64decode(item["base64"]) if "base64" in item else item["content"])
        email.attach(item["filename"], content, item["mimetype"])
    return email.send()
