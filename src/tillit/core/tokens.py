"""Single-use secrets sent by e-mail or printed once (activation, enrolment, privacy request
and download links).

The raw token goes to its holder only; the database keeps its SHA-256 digest, so a copy of
the database opens nothing. Tokens are 32 random bytes, URL-safe.
"""

from __future__ import annotations

import hashlib
import secrets

TOKEN_BYTES = 32
# Longer than any token we make; anything longer is refused before it is hashed.
MAX_LENGTH = 100


def new() -> tuple[str, str]:
    """A fresh token and its digest: ``(raw, digest)``."""
    raw = secrets.token_urlsafe(TOKEN_BYTES)
    return raw, digest(raw)


def digest(raw: str) -> str:
    """The digest stored for ``raw`` (any text, even one that is not valid UTF-8)."""
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()


def plausible(raw: str) -> bool:
    """Whether ``raw`` could be one of our tokens at all (cheap check before a lookup)."""
    return bool(raw) and len(raw) <= MAX_LENGTH


class LinkRefused(Exception):
    """A link that cannot be used, with the HTTP status a view answers: 404 for one that is
    not (or not the visitor's: forged, another person's, or in some flows used already),
    410 for one used or expired. ``reason`` is ``unknown``, ``used`` or ``expired``."""

    def __init__(self, status: int, reason: str):
        super().__init__(reason)
        self.status, self.reason = status, reason
