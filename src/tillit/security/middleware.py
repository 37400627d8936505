"""The security layer's two middlewares.

``IPBlockMiddleware`` (early, after static files): refuses requests from blocked IP
addresses with a 403 page that says how to reach the shop. An entry for the whole shop
refuses every request; an entry for logins only (every automatic block) refuses the POSTs
that log in or make accounts (:func:`guarded_paths`), so browsing and buying go on. An
ordinary page view costs no query (see ``blocklist``); a guarded POST asks the database
about its own address (one small query), and a refused login is logged. It also notices
the client-IP header arriving from a peer that is not a trusted proxy
(``clientip.note_untrusted_forwarding``).

``StaffMiddleware`` (after authentication): django-otp's ``OTPMiddleware`` (it gives
``request.user.is_verified()``), plus two duties on staff pages: where
``TILLIT_STAFF_OTP_REQUIRED`` is on, staff who have not passed a TOTP check this session
are sent to it; and every staff view of a page that shows a customer's personal data is
written to the audit log (``audit.py``).
"""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django_otp.middleware import OTPMiddleware

from . import audit, blocklist, clientip, conf, services
from .clientip import client_ip


@lru_cache(maxsize=1)
def login_paths() -> frozenset[str]:
    """The paths of every login form (the shop's, in each language, and the admin's)."""
    paths = {reverse("admin:login")}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            paths.add(reverse("accounts:login"))
    return frozenset(paths)


@lru_cache(maxsize=1)
def guarded_paths() -> frozenset[str]:
    """The forms that log in or make accounts: what a block for logins only refuses."""
    paths = set(login_paths())
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            paths |= {reverse("accounts:register"), reverse("accounts:password_reset")}
    return frozenset(paths)


def blocked_response(request, *, whole_shop: bool = True):
    """The 403 page for a blocked address: plain, with the shop's contact details; for a
    block of logins only, it says the rest of the shop is open."""
    from django.http import HttpResponseForbidden

    language = translation.get_language_from_request(request, check_path=True)
    with translation.override(language):
        body = render_to_string("security/blocked.html", {
            "controller": settings.TILLIT_CONTROLLER, "ip": client_ip(request),
            "whole_shop": whole_shop,
        }, request=None)
    return HttpResponseForbidden(body)


class IPBlockMiddleware:
    def __init__(self, get_response):
        if not conf.enabled():
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request):
        ip = client_ip(request)
        if clientip.untrusted_forwarding(request):
            clientip.note_untrusted_forwarding(request)
        guarded = request.method == "POST" and request.path_info in guarded_paths()
        if blocklist.is_blocked(ip):
            blocked, whole_shop = True, True
        elif guarded:
            blocked, whole_shop = blocklist.is_blocked_now(ip), False
        else:
            blocked = False
        if blocked:
            if guarded and request.path_info in login_paths():
                services.record_blocked_login(request)
            return blocked_response(request, whole_shop=whole_shop)
        return self.get_response(request)


class StaffMiddleware(OTPMiddleware):
    def __init__(self, get_response):
        if not conf.enabled():
            raise MiddlewareNotUsed
        super().__init__(get_response)

    def __call__(self, request):
        self._install_lazy_accessors(request)
        refusal = self._require_otp(request)
        if refusal is not None:
            return refusal
        response = self.get_response(request)
        audit.record_staff_page_view(request, response)
        return response

    @staticmethod
    def _require_otp(request):
        if not conf.staff_otp_required():
            return None
        path = request.path_info
        if not path.startswith(conf.staff_otp_paths()) or path.startswith(_exempt_paths()):
            return None
        user = request.user
        if not (user.is_authenticated and user.is_staff) or user.is_verified():
            return None
        return redirect(f"{reverse('security:otp')}?{urlencode({'next': request.get_full_path()})}")


@lru_cache(maxsize=1)
def _exempt_paths() -> tuple[str, ...]:
    """The second-factor page itself, and logging out."""
    return (reverse("security:otp"), reverse("admin:logout"))
