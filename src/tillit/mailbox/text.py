"""Plain-text mail bodies as HTML: everything escaped, then web links made clickable."""

import re

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

_URL = re.compile(r"https?://[^\s<>\"'\x00-\x1f\x7f]+", re.IGNORECASE)
# Punctuation that ends a sentence rather than the link.
_TRAILING = ".,;:!?)]}"


def linkify(text: str) -> SafeString:
    """``text`` with every character escaped and each http(s) URL wrapped in a link."""
    out, pos = [], 0
    for match in _URL.finditer(text):
        url = match.group(0).rstrip(_TRAILING)
        if not re.fullmatch(r"https?://.+", url, re.IGNORECASE):
            continue  # nothing left after the scheme
        start = match.start()
        out.append(escape(text[pos:start]))
        out.append(format_html('<a href="{}" rel="noopener noreferrer">{}</a>', url, url))
        pos = start + len(url)
    out.append(escape(text[pos:]))
    return mark_safe("".join(out))  # noqa: S308 -- every piece above is escaped
