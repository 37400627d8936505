"""POST forms on pages every visitor sees, without a CSRF token in the page.

The banner's cookie choice, the footer's newsletter sign-up and the language switch sit
on every page. With Django's token in them, every anonymous response would set a
``csrftoken`` cookie and vary by cookie, so no page could be cached by the shop, a proxy or
a CDN. :func:`same_origin_post` protects such a view instead as Django's own check does
before it looks at the token: a browser sends ``Origin`` with every cross-site POST, so
a POST whose ``Origin`` (or, without one, ``Referer``) names another site, or ``null``
(a sandboxed or privacy-stripped origin), is refused with the CSRF failure page (403).
A POST with neither header (nor ``Sec-Fetch-Site``) is refused over HTTPS, where every
browser sends one; over plain HTTP (the demo, the tests) it is let through to the view's
own checks, since a cross-site form always carries ``Origin``.
"""

from __future__ import annotations

from functools import wraps
from urllib.parse import urlsplit

from django.conf import settings
from django.views.csrf import csrf_failure
from django.views.decorators.csrf import csrf_exempt


def _origin(value: str) -> str:
    parts = urlsplit(value)
    return f"{parts.scheme}://{parts.netloc}".lower() if parts.scheme and parts.netloc else ""


def from_this_site(request) -> bool:
    here = {f"{request.scheme}://{request.get_host()}".lower(),
            *(o.lower() for o in getattr(settings, "CSRF_TRUSTED_ORIGINS", ()))}
    origin = request.headers.get("Origin")
    if origin is not None:
        return origin != "null" and _origin(origin) in here
    referer = request.headers.get("Referer")
    if referer is not None:
        return _origin(referer) in here
    if request.headers.get("Sec-Fetch-Site") is not None:
        return request.headers["Sec-Fetch-Site"] in ("same-origin", "none")
    # Neither header: no browser page sent it over HTTP; over HTTPS, where browsers always
    # send one of them, refuse (as Django's own check requires a Referer there).
    return not request.is_secure()


def same_origin_post(view):
    """``view`` without Django's CSRF token, its POSTs checked by :func:`from_this_site`."""

    @csrf_exempt
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method == "POST" and not from_this_site(request):
            return csrf_failure(request, reason="Origin or Referer is another site's.")
        return view(request, *args, **kwargs)

    return wrapper
