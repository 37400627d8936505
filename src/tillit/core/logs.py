"""Logs a shop owner can grep, without the personal data the data map does not declare.

Every environment logs to stderr, one line per record (a traceback follows on the next
lines), in the form::

    2026-12-04 17:30:55,012 ERROR django.request [a1b2c3d4e5f6 GET /kassan/ 500] Internal ...

that is: time, level, logger, then the request's id, method, path and status (``-`` where
there is none), then the message. Logs are not in the data map, so personal data stays out
of them: :class:`RedactingFormatter` replaces e-mail addresses and IP addresses anywhere in
a record (message, arguments, traceback) by ``[e-mail]`` and ``[ip]``, and the part of a
path that is a one-time link's secret by ``[token]``. The request id is also sent back in
the ``X-Request-ID`` header, so an error a customer reports can be found in the log.

``LOGGING`` below is what the settings use; ``AccessLogger`` applies the same rules to
gunicorn's access log.
"""

from __future__ import annotations

import contextvars
import ipaddress
import logging
import re
import uuid

_request: contextvars.ContextVar[tuple[str, str, str] | None] = contextvars.ContextVar(
    "tillit_request", default=None)

_EMAIL = re.compile(r"[\w.+%-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}")
_IPV4 = re.compile(r"(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?![\w.])")
# Candidates only: a run of hex digits with two colons or more; it is masked when it parses
# as an address (a time such as 17:30:55 does not).
_IPV6 = re.compile(r"(?<![\w:])[0-9A-Fa-f:]*:[0-9A-Fa-f:]*:[0-9A-Fa-f:.]*(?![\w:])")
_SEGMENT = re.compile(r"(?<=/)[^/\s?#\"']{20,}(?=[/?#\s\"']|$)")


def _secret_like(segment: str) -> bool:
    """Whether a path segment looks like a link's secret: long, and random (mixed case, a
    signature's colon, or a long run of letters and digits), unlike a product's slug."""
    return (any(c.isupper() for c in segment) or ":" in segment
            or bool(re.search(r"(?=[a-z0-9]*\d)[a-z0-9]{12,}", segment)))


def redact(text: str) -> str:
    """``text`` without e-mail addresses, IP addresses and link secrets in paths."""
    text = _EMAIL.sub("[e-mail]", text)
    text = _SEGMENT.sub(lambda m: "[token]" if _secret_like(m.group(0)) else m.group(0), text)
    text = _IPV6.sub(lambda m: "[ip]" if _is_address(m.group(0)) else m.group(0), text)
    return _IPV4.sub("[ip]", text)


def _is_address(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def mask_path(path: str) -> str:
    """A request path as the logs show it: link secrets replaced by ``[token]``."""
    return _SEGMENT.sub(lambda m: "[token]" if _secret_like(m.group(0)) else m.group(0), path)


class RequestContextMiddleware:
    """First in the chain: gives each request an id (``X-Request-ID`` on the response) and
    tells the log records made while it runs which request they belong to."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = uuid.uuid4().hex[:12]
        token = _request.set((request_id, request.method, mask_path(request.path)))
        try:
            response = self.get_response(request)
        finally:
            _request.reset(token)
        response["X-Request-ID"] = request_id
        return response


class RequestContextFilter(logging.Filter):
    """Adds ``request_id``, ``method``, ``path`` and ``status`` to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        current = _request.get()
        record.request_id, record.method, record.path = current or ("-", "-", "-")
        record.status = getattr(record, "status_code", None) or "-"
        return True


class RedactingFormatter(logging.Formatter):
    """The standard formatter, with :func:`redact` over the whole formatted record."""

    def format(self, record: logging.LogRecord) -> str:
        for name in ("request_id", "method", "path", "status"):
            if not hasattr(record, name):
                setattr(record, name, "-")
        return redact(super().format(record))


FORMAT = ("%(asctime)s %(levelname)s %(name)s [%(request_id)s %(method)s %(path)s "
          "%(status)s] %(message)s")


def config(level: str = "INFO") -> dict:
    """The ``LOGGING`` setting: everything to stderr through :class:`RedactingFormatter`."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request": {"()": RequestContextFilter}},
        "formatters": {"redacting": {"()": RedactingFormatter, "format": FORMAT}},
        "handlers": {"stderr": {"class": "logging.StreamHandler", "stream": "ext://sys.stderr",
                                "filters": ["request"], "formatter": "redacting"}},
        "root": {"handlers": ["stderr"], "level": level},
        "loggers": {
            # Django's own handlers (mail to ADMINS, the console in DEBUG) are replaced by
            # the one above: the root logger gets every record once.
            "django": {"handlers": [], "level": level, "propagate": True},
        },
    }


def access_logger_class():
    """gunicorn's access logger, keeping no client address and no link secret: the access
    log is not in the data map, so what it holds must not be personal data."""
    from gunicorn.glogging import Logger

    class AccessLogger(Logger):
        def atoms(self, resp, req, environ, request_time):
            atoms = super().atoms(resp, req, environ, request_time)
            atoms["h"] = "-"
            atoms["q"] = ""
            atoms["U"] = mask_path(atoms["U"])
            atoms["r"] = f"{atoms['m']} {atoms['U']} {atoms['H']}"
            atoms["f"] = "-"  # the referrer can carry a link's secret too
            return {key: redact(value) if isinstance(value, str) else value
                    for key, value in atoms.items()}

    return AccessLogger


# The access log's line: time, request line (path without query string), status, size,
# duration in microseconds and the request id; no client address.
ACCESS_LOG_FORMAT = '%(t)s "%(r)s" %(s)s %(b)s %(D)sus %({x-request-id}o)s'
