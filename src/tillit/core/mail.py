"""Sending the shop's e-mail: one way, so that every message names the controller (P03).

Templates come in threes under a prefix: ``<prefix>_subject.txt``, ``<prefix>.txt`` and
optionally ``<prefix>.html``; the bodies end with ``{% include "email/_footer.txt" %}`` (or
``.html``). :func:`send` refuses to send a body that lacks the controller's name and org.nr,
so a new e-mail cannot forget them.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import translation


class MissingControllerIdentity(RuntimeError):
    """An e-mail body was about to go out without the controller's identity."""


def send(prefix: str, context: dict, to: list[str], *, language: str | None = None,
         headers: dict | None = None,
         attachments: list[tuple[str, str, str]] | None = None) -> EmailMultiAlternatives:
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
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, to,
                                     headers=headers or {})
    if html:
        message.attach_alternative(html, "text/html")
    for filename, content, mimetype in attachments or ():
        message.attach(filename, content, mimetype)
    message.send()
    return message
