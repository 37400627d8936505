"""A small rate limiter for forms that must not be hammered: registration, password reset,
privacy requests. Counts POSTs per client IP address and action in the cache (fixed
windows); over the limit, the view is not run and the visitor gets a 429 page saying when
to come back.

    @rate_limited("register")
    def register(request): ...

Limits: ``conf.RATE_LIMITS``, overridden by ``TILLIT_RATE_LIMITS``.
"""

from __future__ import annotations

import functools
import math
import time

from django.core.cache import cache
from django.shortcuts import render

from tillit.privacy.hashing import keyed_hash

from . import conf
from .clientip import client_ip


def _key(action: str, ip: str, window: int) -> str:
    # The cache is no place for raw addresses: key by a keyed hash.
    return f"tillit:ratelimit:{action}:{window}:{keyed_hash(ip, 'ratelimit')[-32:]}"


def hit(request, action: str) -> int:
    """Count one use of ``action`` by the request's client; returns 0 while within the
    limit, else the seconds until the window ends."""
    limit, period = conf.rate_limit(action)
    ip = client_ip(request)
    if not ip:
        return 0
    now = time.time()
    window = int(now // period)
    key = _key(action, ip, window)
    cache.add(key, 0, period + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add and incr: start again
        cache.set(key, 1, period + 1)
        count = 1
    if count <= limit:
        return 0
    return max(1, math.ceil((window + 1) * period - now))


def too_many(request, retry_after: int):
    response = render(request, "security/rate_limited.html",
                      {"minutes": max(1, math.ceil(retry_after / 60))}, status=429)
    response["Retry-After"] = str(retry_after)
    return response


def rate_limited(action: str, methods: tuple[str, ...] = ("POST",)):
    """Decorate a view: each request with one of ``methods`` counts against ``action``."""

    def decorate(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method in methods:
                retry_after = hit(request, action)
                if retry_after:
                    return too_many(request, retry_after)
            return view(request, *args, **kwargs)

        return wrapped

    return decorate
