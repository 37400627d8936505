"""Links the shop puts in e-mails: absolute, on the shop's public address."""

from django.conf import settings


def absolute(path: str) -> str:
    """``path`` on ``TILLIT_PUBLIC_URL``, for a link in an e-mail or a header."""
    return settings.TILLIT_PUBLIC_URL.rstrip("/") + path
