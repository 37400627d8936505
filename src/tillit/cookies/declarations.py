"""Every cookie and browser-storage key the shop or its embedded checkout sets, declared once
(P15.a); the cookie page and the banner are generated from this list (P15.b).

A category is either strictly necessary (no consent needed, LEK 9 kap. 28 § andra stycket)
or optional: an optional category is a consent topic of its own (``cookies.<key>`` in
``cookies/privacy.py``), asked in the banner, and none of its cookies is set before the
visitor says yes (``cookies/choice.py``).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

Text = str | Promise

NECESSARY = "necessary"
FUNCTIONAL = "functional"

# How long the visitor's cookie choice is kept before the banner asks again.
CHOICE_DAYS = 365
# How long the shop remembers the products a visitor looked at (with consent).
RECENT_DAYS = 90
RECENT_COOKIE = "tillit_recent"
CHOICE_COOKIE = "tillit_consent"


@dataclass(frozen=True)
class Category:
    key: str
    label: Text
    description: Text
    optional: bool


CATEGORIES = {
    NECESSARY: Category(
        NECESSARY, _("Strictly necessary"),
        _("The shop cannot work without them: your cart, logging in, the language you chose, "
          "protection of forms, your cookie choice and the payment at checkout. They need no "
          "consent and are always on."),
        optional=False),
    FUNCTIONAL: Category(
        FUNCTIONAL, _("Functional"),
        _("Remember the products you looked at in this browser, so that the product pages "
          "can show them to you again. Nothing of it leaves your browser for anyone else."),
        optional=True),
}


def optional() -> list[Category]:
    return [c for c in CATEGORIES.values() if c.optional]


@dataclass(frozen=True)
class Cookie:
    name: str
    category: str
    purpose: Text
    lifetime: Text
    party: Text = _("first party (this shop)")
    # False for what an embedded provider sets on its own domain, under its own names.
    own: bool = True


def _lifetime(seconds: int | None):
    """A cookie's lifetime in words, from the setting that decides it."""
    if seconds is None:
        return _("until you close the browser")
    days = seconds // 86400
    return ngettext_lazy("%(days)d day", "%(days)d days", days) % {"days": days}


def _provider() -> str:
    return settings.TILLIT_CHECKOUT.get("provider_name") or "Klarna"


def declared() -> list[Cookie]:
    session_lifetime = (
        _("until you close the browser") if settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
        else _("%(period)s after the session last changed (logging in, the cart)")
        % {"period": _lifetime(settings.SESSION_COOKIE_AGE)}
    )
    provider = _provider()
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
        Cookie(CHOICE_COOKIE, NECESSARY,
               _("Remembers your cookie choice, and a random number that ties it to our "
                 "record of the choice (so we can show what you agreed to). Set only when "
                 "you choose."),
               _lifetime(CHOICE_DAYS * 86400)),
        Cookie(_("%(provider)s's cookies (names chosen by %(provider)s)") % {"provider": provider},
               NECESSARY,
               _("Set by the checkout provider inside its payment frame, on the checkout page "
                 "only: the state of the payment and the provider's fraud checks, needed for "
                 "the payment you asked for. The provider is responsible for them and asks "
                 "its own consent for any others; see its cookie statement."),
               _("as stated in the provider's cookie statement"),
               party=_("third party: %(provider)s, in its checkout frame") % {"provider": provider},
               own=False),
        Cookie(RECENT_COOKIE, FUNCTIONAL,
               _("The numbers of the last products you looked at, shown as \"Recently viewed\" "
                 "on the product pages. Set only if you allow functional cookies; removed "
                 "when you withdraw."),
               _lifetime(RECENT_DAYS * 86400)),
    ]


def declared_names() -> set[str]:
    """The names the shop itself sets (the provider's frame sets its own, on its domain)."""
    return {c.name for c in declared() if c.own}


def in_category(category: str) -> list[Cookie]:
    return [c for c in declared() if c.category == category]


# Keys the shop keeps in the browser's localStorage or sessionStorage: none (no script of the
# shop's uses them; the browser test reads both and compares them with this).
STORAGE_KEYS: tuple[str, ...] = ()
