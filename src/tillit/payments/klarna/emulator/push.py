"""The push: after the buyer confirms, the provider POSTs an empty body to the merchant's
push URL (the order id in the URL), as Klarna does, until the merchant answers 2xx.

``settings.TILLIT_KLARNA_EMULATOR_PUSH`` says how: ``{"mode": "background"}`` (the demo: a
daemon thread, so the buyer's browser is redirected at once, with a few retries),
``"inline"`` (tests: in the confirming request, once, so a test sees its effect at once) or
``"off"``; ``"transport"`` is an optional httpx transport (tests route the push
in-process).
"""

from __future__ import annotations

import logging
import threading
import time

import httpx
from django.conf import settings

log = logging.getLogger("tillit.payments")

RETRY_DELAYS = (1.0, 3.0)  # after the first attempt; Klarna keeps trying far longer
TIMEOUT = 10.0


def _conf() -> dict:
    return {"mode": "background", **getattr(settings, "TILLIT_KLARNA_EMULATOR_PUSH", {})}


def deliver(url: str, *, transport=None, attempts: int = 1,
            sleep=time.sleep) -> int | None:
    """POST the empty push to ``url``; the last status (None if it never answered)."""
    status = None
    for attempt in range(attempts):
        try:
            with httpx.Client(transport=transport, timeout=TIMEOUT) as http:
                status = http.post(url, content=b"").status_code
        except httpx.HTTPError as exc:
            log.warning("Emulator push to %s failed: %s", url, type(exc).__name__)
            status = None
        if status is not None and 200 <= status < 300:
            return status
        if attempt + 1 < attempts:
            sleep(RETRY_DELAYS[min(attempt, len(RETRY_DELAYS) - 1)])
    log.warning("Emulator push to %s gave up (last status %s)", url, status)
    return status


def schedule(url: str) -> None:
    """Push to ``url`` as the settings say."""
    conf = _conf()
    mode = conf["mode"]
    if mode == "off":
        return
    if mode == "inline":
        deliver(url, transport=conf.get("transport"))
        return
    threading.Thread(target=deliver, args=(url,),
                     kwargs={"transport": conf.get("transport"),
                             "attempts": 1 + len(RETRY_DELAYS)},
                     name="klarna-emulator-push", daemon=True).start()
