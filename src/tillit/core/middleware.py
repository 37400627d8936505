"""Bad input on the staff admin's pages is a 400, not a 500.

Django's admin lets some hostile query strings and form values through to the database or
to a widget before anything validates them: a year too large for a date drill-down
(``?created_at__year=99999999999999999999``), a word where an autocomplete field or an
action's selected rows expect ids, a number too large for the database's integers. The
admin then fails with a ``ValueError``, ``OverflowError``, ``ValidationError`` or the
database's ``DataError``, and the member of staff got a server error. Those are requests
the server cannot read, so they get the 400 page; each is logged as a warning with its
traceback, so that a real fault of our own still shows in the logs.
"""

from __future__ import annotations

import logging
from functools import lru_cache

from django.core.exceptions import ValidationError
from django.db import DataError, InterfaceError, OperationalError, connection
from django.urls import reverse

from .views import bad_request

logger = logging.getLogger(__name__)

BAD_INPUT = (ValueError, OverflowError, ValidationError, DataError)


@lru_cache(maxsize=1)
def _admin_prefix() -> str:
    return reverse("admin:index")


class AdminBadInputMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not (isinstance(exception, BAD_INPUT)
                and request.path_info.startswith(_admin_prefix())):
            return None
        logger.warning("Refused bad input on %s %s", request.method, request.path,
                       exc_info=exception)
        return bad_request(request, exception)


class RetryDroppedConnectionMiddleware:
    """A read whose database connection dropped under it is answered, not failed.

    Connections are reused between requests and checked before each (``CONN_HEALTH_CHECKS``
    in the settings), so a connection the database closed (a restart, a fail-over, an
    administrator terminating sessions) is replaced before the next request uses it. What
    remains is a connection dropped while a request is running: for a GET or HEAD, which
    changes nothing, the view is run once more on a fresh connection. Writes are never
    repeated: their caller decides."""

    SAFE = ("GET", "HEAD")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if (request.method not in self.SAFE or getattr(request, "_tillit_retried", False)
                or not isinstance(exception, InterfaceError | OperationalError)
                or connection.in_atomic_block or connection.is_usable()):
            return None
        request._tillit_retried = True
        logger.warning("The database connection dropped during %s %s; reading again.",
                       request.method, request.path)
        connection.close()
        match = request.resolver_match
        return match.func(request, *match.args, **match.kwargs)
