"""Keyed one-way hashes (HMAC-SHA256) for identifiers kept past their raw retention (P10, P35).

A keyed hash lets the shop still match "the same IP" or "the same e-mail" without being
able to read it back, and without a dictionary attack working for anyone who lacks
``TILLIT_HASH_KEY``. Each use passes its own ``purpose`` so hashes of the same value for
different purposes cannot be linked.
"""

import hashlib
import hmac

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

PREFIX = "hmac-sha256:"


def keyed_hash(value: str, purpose: str) -> str:
    key = settings.TILLIT_HASH_KEY
    if not key:
        raise ImproperlyConfigured("TILLIT_HASH_KEY must be set to hash identifiers.")
    message = f"{purpose}\x00{value.strip().lower()}".encode()
    digest = hmac.new(key.encode(), message, hashlib.sha256).hexdigest()
    return PREFIX + digest


def is_hashed(value: str) -> bool:
    return value.startswith(PREFIX)
