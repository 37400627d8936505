"""The payment provider's ``html_snippet`` as the checkout page embeds it.

Klarna Checkout's snippet (and the emulator's, built the same way) is a container with an
inline ``<script>`` (and, at Klarna, a ``<style>``) that loads the provider's script, which
frames the checkout. The page's Content-Security-Policy allows no inline code but that
which carries the request's nonce (``tillit.security.csp``), so each of the snippet's
``<script>`` and ``<style>`` elements gets it here. The snippet is the provider's own markup,
fetched over its authenticated API; the shop passes it on unchanged otherwise.
"""

from __future__ import annotations

import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

_START = re.compile(r"<(script|style)\b", re.IGNORECASE)


def request_nonce(request) -> str:
    """The request's CSP nonce (django-csp), or '' when no CSP middleware runs (demo)."""
    nonce = getattr(request, "csp_nonce", None)
    return str(nonce) if nonce is not None else ""


def with_nonce(html: str, nonce: str) -> SafeString:
    """``html`` with ``nonce="…"`` on every ``<script>`` and ``<style>`` element; unchanged
    when ``nonce`` is empty. Text inside those elements is copied as it is, so a ``<script``
    written in the provider's JavaScript is not taken for a tag."""
    if not nonce:
        return mark_safe(html)  # noqa: S308 (the provider's markup, see the module)
    attribute = f' nonce="{escape(nonce)}"'
    out, position = [], 0
    while (start := _START.search(html, position)) is not None:
        out.append(html[position:start.end()] + attribute)
        end = re.compile(rf"</{start.group(1)}\s*>", re.IGNORECASE).search(html, start.end())
        position = end.end() if end is not None else len(html)
        out.append(html[start.end():position])
    out.append(html[position:])
    return mark_safe("".join(out))  # noqa: S308
