"""Every cookie the shop sets, declared once; the cookie page is generated from this list.

Only strictly necessary cookies exist today, so no consent banner is shown: a cookie in any
other category must wait for consent (P15), which the consent work adds with its banner.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

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


def declared() -> list[Cookie]:
    session_days = settings.SESSION_COOKIE_AGE // 86400
    return [
        Cookie(settings.SESSION_COOKIE_NAME, NECESSARY,
               _("Keeps your session: your cart, and that you are logged in."),
               _("%(days)d days after your last visit") % {"days": session_days}),
        Cookie(settings.CSRF_COOKIE_NAME, NECESSARY,
               _("Protects forms against cross-site request forgery."),
               _("one year")),
        Cookie(getattr(settings, "MESSAGE_COOKIE_NAME", "messages"), NECESSARY,
               _("Carries a short notice, such as that a product was added to the cart, to "
                 "the next page; removed as soon as it is shown."),
               _("until the notice is shown, at most until you close the browser")),
        Cookie(settings.LANGUAGE_COOKIE_NAME, NECESSARY,
               _("Remembers the language you chose, set only when you choose one."),
               _("until you close the browser")),
    ]


def declared_names() -> set[str]:
    return {c.name for c in declared()}
