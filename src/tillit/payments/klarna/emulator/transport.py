"""An httpx transport that hands requests to this Django project in-process, without a
socket: the test settings route the shop's Klarna client (and the emulator's push) through
it, so any test that opens the checkout reaches the emulator and nothing outside.

The tests of the client itself use a real HTTP server instead (pytest-django's
``live_server``).
"""

from __future__ import annotations

import httpx
from django.utils import translation

_SKIP = {"host", "content-length", "content-type", "connection", "accept-encoding"}


class InProcessTransport(httpx.BaseTransport):
    def handle_request(self, request: httpx.Request) -> httpx.Response:
        from django.test import Client

        # A nested request must not change the calling request's language.
        language = translation.get_language()
        try:
            response = Client(raise_request_exception=False).generic(
                request.method, request.url.raw_path.decode("ascii"), data=request.read(),
                content_type=request.headers.get("content-type", ""),
                secure=request.url.scheme == "https",
                headers={k: v for k, v in request.headers.items() if k.lower() not in _SKIP},
                HTTP_HOST=request.url.netloc.decode("ascii"),
            )
        finally:
            translation.activate(language) if language else translation.deactivate()
        return httpx.Response(status_code=response.status_code,
                              headers=list(response.items()),
                              content=response.content, request=request)
