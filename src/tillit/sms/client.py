"""The SMS gateway over HTTP: the one place Tillit sends an SMS.

The API is 46elks' (``POST {base_url}/a1/sms`` with HTTP Basic auth and the form fields
``from``, ``to``, ``message`` and ``whendelivered``, the URL the gateway POSTs the delivery
report to); it answers with the message's ``id``, ``status`` and ``parts`` as JSON.
``settings.TILLIT_SMS`` names the ``base_url`` (``https://api.46elks.com`` in production),
the API ``username`` and ``password``, the ``sender`` (up to 11 letters and digits, or a
number) and the ``timeout``. The demo and the tests point ``base_url`` at the project's own
emulator (``sms/emulator``): the code path is the same.

Every failure raises :class:`SmsError`: for the message itself (a number the gateway does
not serve: 400); :class:`SmsUnavailable` when the gateway surely did not take it (no
connection, 5xx, the account refused: worth trying again later);
:class:`SmsOutcomeUnknown` when it may have (the answer was lost). Nothing is retried here:
an SMS sent twice reaches the person twice, so the caller decides (a campaign tries a
message again only when the gateway never got it). Errors are logged without the number
or the text.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass

import httpx
from django.conf import settings

log = logging.getLogger("tillit.sms")

MAX_LENGTH = 1600  # 46elks' limit: the text is split into up to ten parts
SENDER_RE = re.compile(r"^(?:[A-Za-z0-9]{1,11}|\+[1-9][0-9]{6,14})$")
USER_AGENT = "Tillit/0.1 (SMS client)"


class SmsError(RuntimeError):
    """The gateway refused the message or could not be reached. The text names the status
    only, never the number or the message."""

    def __init__(self, message: str, *, status: int | None = None):
        super().__init__(message)
        self.status = status


class SmsUnavailable(SmsError):
    """The gateway did not take the message, for a reason that is not the message's: no
    connection, a 5xx, or an account-level refusal (401, 402, 403, 429). Worth trying
    again later."""


class SmsOutcomeUnknown(SmsError):
    """The request went out but its answer did not come back readable (a read timeout, a
    broken connection, a 200 that is not the gateway's JSON): the gateway may have sent
    the message, so it must not be sent again."""


@dataclass(frozen=True)
class SentSms:
    id: str
    status: str
    parts: int


class SmsClient:
    def __init__(self, conf: Mapping | None = None, *,
                 transport: httpx.BaseTransport | None = None):
        conf = dict(conf if conf is not None else settings.TILLIT_SMS)
        self.base_url = conf["base_url"].rstrip("/")
        self.sender = conf.get("sender", "")
        if not SENDER_RE.fullmatch(self.sender):
            raise SmsError("The SMS sender must be 1-11 letters and digits, or a number.")
        self._http = httpx.Client(
            auth=(conf.get("username", ""), conf.get("password", "")),
            timeout=float(conf.get("timeout", 10)),
            transport=transport if transport is not None else conf.get("transport"),
            headers={"User-Agent": USER_AGENT})

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> SmsClient:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def send(self, to: str, message: str, *, delivery_url: str = "") -> SentSms:
        """Send ``message`` to ``to`` (E.164); the gateway POSTs its delivery report to
        ``delivery_url`` when one is given."""
        if not message or len(message) > MAX_LENGTH:
            raise SmsError(f"An SMS is 1-{MAX_LENGTH} characters.")
        data = {"from": self.sender, "to": to, "message": message}
        if delivery_url:
            data["whendelivered"] = delivery_url
        try:
            response = self._http.post(f"{self.base_url}/a1/sms", data=data)
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
            log.warning("SMS gateway not reached: %s", type(exc).__name__)
            raise SmsUnavailable(f"SMS gateway not reached: {type(exc).__name__}") from None
        except httpx.HTTPError as exc:
            log.warning("SMS gateway's answer lost: %s", type(exc).__name__)
            raise SmsOutcomeUnknown(f"SMS gateway's answer lost: {type(exc).__name__}") \
                from None
        status = response.status_code
        if status >= 500 or status in (401, 402, 403, 429):
            log.warning("SMS gateway answered %s", status)
            raise SmsUnavailable(f"SMS gateway answered {status}", status=status)
        if status != 200:
            log.warning("SMS gateway refused a message: %s", status)
            raise SmsError(f"SMS gateway refused the message ({status})", status=status)
        try:
            body = response.json()
            return SentSms(id=str(body["id"]), status=str(body.get("status", "created")),
                           parts=int(body.get("parts", 1)))
        except (ValueError, KeyError, TypeError):
            raise SmsOutcomeUnknown("SMS gateway sent an answer that is not its JSON",
                                    status=status) from None
