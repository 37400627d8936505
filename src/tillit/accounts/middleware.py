"""A session that ends while one of its requests runs ends in a clear answer, not an error.

An account erased (by its holder in another tab, or by staff on the privacy desk) or
logged out elsewhere while a request of its session is under way leaves that request with
a session row and an account that are gone. Django's session middleware then answers 400
(``SessionInterrupted``), and a write that names the vanished account fails. Both end here
in a redirect to the shop's front page that says the visitor is logged out.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.contrib.sessions.exceptions import SessionInterrupted
from django.contrib.sessions.middleware import SessionMiddleware as DjangoSessionMiddleware
from django.shortcuts import redirect
from django.utils.translation import gettext as _

log = logging.getLogger(__name__)


def _logged_out_text() -> str:
    return _("You are logged out: your session ended in another window, or your account "
             "was erased.")


class SessionMiddleware(DjangoSessionMiddleware):
    """Django's, but a session deleted while its request ran gets the logged-out redirect
    instead of a 400."""

    def process_response(self, request, response):
        try:
            return super().process_response(request, response)
        except SessionInterrupted:
            log.info("A session ended while its request ran; the visitor is logged out.")
            answer = redirect("catalog:home")
            notes = CookieStorage(request)
            notes.add(messages.INFO, _logged_out_text())
            notes.update(answer)
            answer.delete_cookie(settings.SESSION_COOKIE_NAME,
                                 path=settings.SESSION_COOKIE_PATH,
                                 domain=settings.SESSION_COOKIE_DOMAIN,
                                 samesite=settings.SESSION_COOKIE_SAMESITE)
            return answer


class ErasedAccountMiddleware:
    """After authentication: a request whose account was erased while it ran, and failed
    for that reason, logs the visitor out and redirects instead of answering 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if user._meta.model._default_manager.filter(pk=user.pk).exists():
            return None  # the account is there: a fault of our own, for the 500 page
        log.info("An account was erased while its request ran (%s); logged out.",
                 type(exception).__name__)
        request.session.flush()
        messages.info(request, _logged_out_text())
        return redirect("catalog:home")
