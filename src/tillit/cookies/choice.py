"""The visitor's cookie choice: read from, and written to, one small necessary cookie.

The cookie holds the banner's version, a random consent id and the optional categories
allowed: ``<version>.<id>.<category>+<category>``. Pages decide from it alone whether to
show the banner and whether an optional cookie may be set, with no database read and no
session, so a page's HTML depends on two states only (chosen or not) and stays cacheable.
Each choice is also appended to the consent ledger (:func:`tillit.privacy.consents.record`)
with the words shown, under the consent id (and the account, when logged in).

A version is the digest of the optional categories' words: when they change, or a
category is added, everyone is asked again, as consent to new words must be.
"""

from __future__ import annotations

import functools
import hashlib
import re
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.utils import translation

from .declarations import CATEGORIES, CHOICE_COOKIE, CHOICE_DAYS, in_category, optional

_VALUE = re.compile(r"^([0-9a-f]{8})\.([A-Za-z0-9_-]{22})\.([a-z+]{0,100})$")


@functools.cache
def version() -> str:
    """Read on every page (parsing the choice cookie), computed once per process: the
    source words do not change while it runs."""
    with translation.override(None):  # the source words, the same in every language
        words = "\n".join(f"{c.key}:{c.description}" for c in optional())
    return hashlib.sha256(words.encode()).hexdigest()[:8]


@dataclass(frozen=True)
class Choice:
    made: bool
    visitor: str
    allowed: frozenset[str]

    def allows(self, category: str) -> bool:
        return not CATEGORIES[category].optional or category in self.allowed

    def value(self) -> str:
        return f"{version()}.{self.visitor}.{'+'.join(sorted(self.allowed))}"


def new_visitor() -> str:
    return secrets.token_urlsafe(16)


def parse(raw: str | None) -> Choice:
    """The choice a cookie value says; anything malformed, or an older version, is no
    choice (the banner asks), keeping a well-formed consent id so the record stays one."""
    match = _VALUE.match(raw or "")
    if not match:
        return Choice(False, "", frozenset())
    ver, visitor, cats = match.groups()
    if ver != version():
        return Choice(False, visitor, frozenset())
    allowed = frozenset(cats.split("+")) - {""}
    if not allowed <= {c.key for c in optional()}:
        return Choice(False, visitor, frozenset())
    return Choice(True, visitor, allowed)


def of(request) -> Choice:
    """The request's choice (read once per request)."""
    cached = getattr(request, "_tillit_cookie_choice", None)
    if cached is None:
        cached = parse(request.COOKIES.get(CHOICE_COOKIE))
        request._tillit_cookie_choice = cached
    return cached


def allows(request, category: str) -> bool:
    return of(request).allows(category)


def store(request, response, choice: Choice) -> None:
    """Write the choice to the response; a category said no to loses the cookies of it
    that the browser holds."""
    response.set_cookie(CHOICE_COOKIE, choice.value(), max_age=CHOICE_DAYS * 86400,
                        secure=settings.SESSION_COOKIE_SECURE, httponly=True, samesite="Lax")
    for category in optional():
        if category.key not in choice.allowed:
            for cookie in in_category(category.key):
                if cookie.own and cookie.name in request.COOKIES:
                    response.delete_cookie(cookie.name, samesite="Lax")
