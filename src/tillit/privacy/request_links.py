"""The links a requester gets by e-mail: random tokens given once, of which only a SHA-256
digest is stored. Each works once and expires; :class:`LinkRefused` carries the status a
view answers with (404: not a link, or not yours; 410: used or expired)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from tillit.core import tokens
from tillit.core.tokens import LinkRefused

from .models import PrivacyRequest, RequestToken


def new_token(req: PrivacyRequest, purpose: str, lifetime: dt.timedelta,
              bind_session: str = "") -> str:
    """A new link for ``req``: the raw token, to be sent once."""
    raw, digest = tokens.new()
    RequestToken.objects.create(request=req, purpose=purpose, digest=digest,
                                session_ref=bind_session,
                                expires_at=timezone.now() + lifetime)
    return raw


def find_token(raw: str, purpose: str, *, lock: bool = False) -> RequestToken:
    """The token ``raw`` stands for, used or not, or :class:`LinkRefused` (404)."""
    if not tokens.plausible(raw):
        raise LinkRefused(404, "unknown")
    rows = RequestToken.objects.select_related("request", "request__user")
    if lock:
        rows = rows.select_for_update(of=("self",))
    token = rows.filter(digest=tokens.digest(raw), purpose=purpose).first()
    if token is None:
        raise LinkRefused(404, "unknown")
    return token


def usable(token: RequestToken) -> RequestToken:
    """``token`` if it may still be used, else :class:`LinkRefused` (410)."""
    if token.used_at is not None:
        raise LinkRefused(410, "used")
    if token.expires_at <= timezone.now():
        raise LinkRefused(410, "expired")
    return token
