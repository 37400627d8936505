"""Recently viewed products, remembered in the visitor's browser only when they allowed
functional cookies (P15.c): without that choice, nothing is read or written."""

from __future__ import annotations

import re

from django.conf import settings

from tillit.cookies import choice
from tillit.cookies.declarations import FUNCTIONAL, RECENT_COOKIE, RECENT_DAYS

KEEP = 8
_ID = re.compile(r"[0-9]{1,10}")


def ids(request) -> list[int]:
    """The product ids in the cookie, newest first; nothing without the consent."""
    if not choice.allows(request, FUNCTIONAL):
        return []
    found: list[int] = []
    for part in request.COOKIES.get(RECENT_COOKIE, "").split(".")[:KEEP]:
        # ASCII digits only: str.isdigit() also takes "²", which int() refuses.
        if _ID.fullmatch(part) and int(part) not in found:
            found.append(int(part))
    return found


def remember(request, response, product_id: int) -> None:
    """Put ``product_id`` first in the cookie, if the visitor allowed it."""
    if not choice.allows(request, FUNCTIONAL):
        return
    kept = [product_id] + [i for i in ids(request) if i != product_id]
    response.set_cookie(RECENT_COOKIE, ".".join(map(str, kept[:KEEP])),
                        max_age=RECENT_DAYS * 86400, httponly=True, samesite="Lax",
                        secure=settings.SESSION_COOKIE_SECURE)
