"""The demo mailbox on disk: one ``.eml`` file per sent message.

Mail is personal data; in the demo it lives only here, in ``settings.TILLIT_MAILBOX_DIR``
on the demo machine's filesystem, never in the database. A message's id is its file
stem: a UTC timestamp (so names sort oldest to newest) and a random suffix. Ids from a
URL are checked against that exact shape before any path is built from them, so no id
can reach a file outside the mailbox.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import secrets
import tempfile
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import parsedate_to_datetime
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

_ID = re.compile(r"[0-9]{8}T[0-9]{12}-[0-9a-f]{8}")
SUFFIX = ".eml"


def mailbox_dir() -> Path:
    directory = getattr(settings, "TILLIT_MAILBOX_DIR", None)
    if not directory:
        raise ImproperlyConfigured("TILLIT_MAILBOX_DIR is not set.")
    return Path(directory)


def new_id(now: dt.datetime | None = None) -> str:
    now = now or dt.datetime.now(dt.UTC)
    return f"{now:%Y%m%dT%H%M%S%f}-{secrets.token_hex(4)}"


def is_valid_id(message_id: str) -> bool:
    return bool(_ID.fullmatch(message_id))


def save(raw: bytes) -> str:
    """Store one message atomically and return its id.

    The bytes go to a hidden temporary file in the same directory, are flushed to disk,
    and are then renamed into place, so a reader never sees half a message.
    """
    directory = mailbox_dir()
    directory.mkdir(parents=True, exist_ok=True)
    message_id = new_id()
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(raw)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, directory / f"{message_id}{SUFFIX}")
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return message_id


@dataclass
class Message:
    """A stored message, parsed for display."""

    id: str
    subject: str = ""
    sender: str = ""
    to: str = ""
    cc: str = ""
    date: dt.datetime | None = None
    text: str | None = None
    html: str | None = None
    attachments: list[str] = field(default_factory=list)


def _header(msg: EmailMessage, name: str) -> str:
    try:
        return str(msg.get(name, "") or "")
    except (ValueError, TypeError, IndexError):  # a malformed header; show it as absent
        return ""


def _date(msg: EmailMessage) -> dt.datetime | None:
    try:
        date = parsedate_to_datetime(_header(msg, "Date"))
    except (ValueError, TypeError, IndexError):
        return None
    # Django writes "-0000" (UTC, zone not stated), which parses as a naive datetime.
    return date.replace(tzinfo=dt.UTC) if date.tzinfo is None else date


def _content(part) -> str | None:
    if part is None:
        return None
    try:
        return part.get_content()
    except (LookupError, ValueError, TypeError):  # unknown charset or broken encoding
        payload = part.get_payload(decode=True) or b""
        return payload.decode("utf-8", errors="replace")


def _parse(message_id: str, raw: bytes, *, with_body: bool) -> Message:
    msg = BytesParser(policy=policy.default).parsebytes(raw, headersonly=not with_body)
    message = Message(
        id=message_id, subject=_header(msg, "Subject"), sender=_header(msg, "From"),
        to=_header(msg, "To"), cc=_header(msg, "Cc"), date=_date(msg),
    )
    if with_body:
        message.text = _content(msg.get_body(preferencelist=("plain",)))
        message.html = _content(msg.get_body(preferencelist=("html",)))
        message.attachments = [
            part.get_filename() or part.get_content_type() for part in msg.iter_attachments()
        ]
    return message


def list_messages() -> list[Message]:
    """Every stored message's headers, newest first."""
    try:
        paths = [p for p in mailbox_dir().glob(f"*{SUFFIX}") if is_valid_id(p.stem)]
    except OSError:
        return []
    messages = []
    for path in sorted(paths, key=lambda p: p.stem, reverse=True):
        try:
            messages.append(_parse(path.stem, path.read_bytes(), with_body=False))
        except OSError:  # removed while we listed it
            continue
    return messages


def get_message(message_id: str) -> Message | None:
    """The message with this id, or ``None`` when the id is malformed or unknown."""
    if not is_valid_id(message_id):
        return None
    try:
        raw = (mailbox_dir() / f"{message_id}{SUFFIX}").read_bytes()
    except OSError:
        return None
    return _parse(message_id, raw, with_body=True)
