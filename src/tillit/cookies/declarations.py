"""Every cookie the shop sets, declared once; the cookie page is generated from this list.

Only strictly necessary cookies exist today, so no consent banner is shown: a cookie in any
other category must wait for consent (P15), which the consent work adds with its banner.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

NECESSARY = "necessary"
CATEGORIES = {
    NECESSARY: _("Strictly necessary: the shop cannot work without them, so they need no consent."),
}


@dataclass(frozen=True)
class Cookie:
    name: str
    category: str
    purpose: str | Promise
    lifetime: str | Promise
    party: str | Promise = _("first party (this shop)")


def _lifetime(seconds: int | None):
    """A cookie's lifetime in words, from the setting that decides it."""
    if seconds is None:
        return _("until you close the browser")
    days = seconds // 86400
    return ngettext_lazy("%(days)d day", "%(days)d days", days) % {"days": days}


def declared() -> list[Cookie]:
    session_lifetime = (
        _("until you close the browser") if settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
        else _("%(period)s after the session last changed (logging in, the cart)")
        % {"period": _lifetime(settings.SESSION_COOKIE_AGE)}
    )
    return [
        Cookie(settings.SESSION_COOKIE_NAME, NECESSARY,
               _("Keeps your session: your cart, and that you are logged in."),
               session_lifetime),
        Cookie(settings.CSRF_COOKIE_NAME, NECESSARY,
               _("Protects forms against cross-site request forgery."),
               _lifetime(settings.CSRF_COOKIE_AGE)),
        Cookie(getattr(settings, "MESSAGE_COOKIE_NAME", "messages"), NECESSARY,
               _("Carries a short notice, such as that a product was added to the cart, to "
                 "the next page; removed as soon as it is shown."),
               _("until the notice is shown, at most until you close the browser")),
        Cookie(settings.LANGUAGE_COOKIE_NAME, NECESSARY,
               _("Remembers the language you chose, set only when you choose one."),
               _lifetime(settings.LANGUAGE_COOKIE_AGE)),
    ]


def declared_names() -> set[str]:
    return {c.name for c in declared()}
