"""Klarna Checkout v3 and Order Management v1 over HTTP: the one place Tillit talks to the
checkout provider.

Hosts. Klarna Checkout (KCO) was taken over by Kustom in 2025–26. The same v3 API paths
live on Kustom's hosts, ``https://api.kustom.co`` (live) and
``https://api.playground.kustom.co`` (test, the default); before, Klarna's own hosts served
them, ``https://api.klarna.com`` (live) and ``https://api.playground.klarna.com`` (test).
``settings.TILLIT_CHECKOUT`` names the host (``base_url``), the merchant's API
``username``/``password`` (HTTP Basic auth), the ``timeout`` in seconds and the
``provider_name`` shown to buyers. The demo and the tests point ``base_url`` at the
project's own emulator (``…/klarna-emulator``): the code path is the same, only the base URL
and the credentials differ.

Calls: :meth:`KlarnaClient.create_order`, :meth:`~KlarnaClient.update_order`,
:meth:`~KlarnaClient.read_order` (checkout API); :meth:`~KlarnaClient.read_placed_order`,
:meth:`~KlarnaClient.acknowledge`, :meth:`~KlarnaClient.capture`,
:meth:`~KlarnaClient.refund`, :meth:`~KlarnaClient.cancel` (order management API).

Failures. Every failure raises :class:`KlarnaError`; timeouts, connection errors, 5xx
answers and malformed JSON raise its subclass :class:`KlarnaUnavailable` (worth trying
again later). Each carries the HTTP ``status`` (or None), Klarna's ``code``, the
``correlation_id`` Klarna support asks for, and a ``user_message`` for the buyer. Errors are
logged to the ``tillit.payments`` logger with the method, path, status, code and
correlation id, never a request or response body (they hold the buyer's details).

Retries. Only idempotent calls are retried: reads (GET), and captures and refunds, which
carry a ``Klarna-Idempotency-Key`` (UUIDv4) that stays the same on every attempt, so the
provider captures or refunds once however often the request reaches it. Retries happen
after a :class:`KlarnaUnavailable` only, at most ``attempts`` times in all, with an
exponential backoff capped at :data:`MAX_BACKOFF` seconds and no new attempt once
``2 × timeout`` has passed. ``sleep`` is injectable so tests never wait.
"""

from __future__ import annotations

import logging
import re
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from urllib.parse import quote

import httpx
from django.conf import settings
from django.utils.translation import gettext

log = logging.getLogger("tillit.payments")

# Klarna's order ids are UUIDs; anything else is refused before a request is made, so a
# hostile id never reaches the provider's URL space.
ORDER_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$")
IDEMPOTENCY_HEADER = "Klarna-Idempotency-Key"
MAX_BACKOFF = 2.0
FIRST_BACKOFF = 0.25
USER_AGENT = "Tillit/0.1 (Klarna Checkout v3 client)"
# The code of a failure before any byte of the request left (no connection was made).
NOT_SENT = "not_sent"


def is_valid_order_id(value: object) -> bool:
    """Whether ``value`` looks like a provider order id (letters, digits, '-', '_')."""
    return isinstance(value, str) and bool(ORDER_ID_RE.fullmatch(value))


def provider_name() -> str:
    return settings.TILLIT_CHECKOUT.get("provider_name") or "Klarna"


class KlarnaError(Exception):
    """The provider refused or could not handle a request.

    ``status``: HTTP status (None when no answer came); ``code``: Klarna's ``error_code``
    or one of ours (``not_sent``: no connection, so nothing of the request left;
    ``timeout``, ``connection_error``, ``malformed_response``,
    ``invalid_order_id``, ``http_<status>``); ``messages``: Klarna's ``error_messages``
    (for logs and staff, not buyers); ``correlation_id``: Klarna's trace id.
    """

    def __init__(self, detail: str = "", *, status: int | None = None, code: str = "",
                 correlation_id: str = "", messages: tuple[str, ...] = ()):
        self.status = status
        self.code = code or (f"http_{status}" if status else "error")
        self.correlation_id = correlation_id
        self.messages = tuple(messages)
        super().__init__(detail or self.code)

    @property
    def user_message(self) -> str:
        """What to tell the buyer, in the active language."""
        return gettext("%(provider)s could not handle your order just now. Please try "
                       "again; if it keeps failing, contact us and we will help.") % {
            "provider": provider_name()}


class KlarnaUnavailable(KlarnaError):
    """No usable answer: a timeout, a connection error, a 5xx, or malformed JSON."""

    @property
    def user_message(self) -> str:
        return gettext("%(provider)s is not answering right now. Nothing has been "
                       "charged. Please try again in a moment.") % {"provider": provider_name()}


def sleep(seconds: float) -> None:
    """The backoff's pause (tests replace it, or pass ``sleep=`` to the client)."""
    time.sleep(seconds)


class KlarnaClient:
    """Checkout v3 and Order Management v1 with Basic auth; defaults from
    ``settings.TILLIT_CHECKOUT``. ``transport`` is an httpx transport (tests route requests
    in-process with it). Thread-safe: one instance may serve every request of a process."""

    def __init__(self, base_url: str | None = None, username: str | None = None,
                 password: str | None = None, timeout: float | None = None,
                 transport: httpx.BaseTransport | None = None, *,
                 sleep: Callable[[float], None] | None = None, attempts: int = 3):
        conf = settings.TILLIT_CHECKOUT
        self.base_url = (base_url or conf.get("base_url") or "").rstrip("/")
        if not self.base_url.startswith(("http://", "https://")):
            raise ValueError("TILLIT_CHECKOUT['base_url'] must be an http(s) URL.")
        self.timeout = float(timeout if timeout is not None else conf.get("timeout", 10))
        self.attempts = max(1, int(attempts))
        self._sleep = sleep
        self._http = httpx.Client(
            base_url=self.base_url,
            auth=httpx.BasicAuth(username if username is not None else conf.get("username", ""),
                                 password if password is not None else conf.get("password", "")),
            timeout=self.timeout,
            transport=transport if transport is not None else conf.get("transport"),
            headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
            follow_redirects=False,
        )

    def close(self) -> None:
        self._http.close()

    # Checkout API ---------------------------------------------------------------------

    def create_order(self, payload: dict) -> dict:
        """``POST /checkout/v3/orders``: the checkout order with its ``html_snippet``."""
        return self._send("POST", "/checkout/v3/orders", json=payload, parse=_json)

    def update_order(self, order_id: str, payload: dict) -> dict:
        """``POST /checkout/v3/orders/{id}``: replace the cart of an incomplete order."""
        return self._send("POST", f"/checkout/v3/orders/{_id(order_id)}", json=payload,
                          parse=_json)

    def read_order(self, order_id: str) -> dict:
        """``GET /checkout/v3/orders/{id}``: status, buyer's addresses, ``html_snippet``."""
        return self._send("GET", f"/checkout/v3/orders/{_id(order_id)}", retry=True,
                          parse=_json)

    # Order management API -------------------------------------------------------------

    def read_placed_order(self, order_id: str) -> dict:
        """``GET /ordermanagement/v1/orders/{id}``: the placed order, with captures and
        refunds."""
        return self._send("GET", f"/ordermanagement/v1/orders/{_id(order_id)}",
                          retry=True, parse=_json)

    def acknowledge(self, order_id: str, *, timeout: float | None = None) -> None:
        """``POST …/acknowledge`` (204): we have the order; the provider stops pushing.
        ``timeout`` shortens the wait where a person is waiting for the answer."""
        self._send("POST", f"/ordermanagement/v1/orders/{_id(order_id)}/acknowledge",
                   timeout=timeout)

    def capture(self, order_id: str, amount: int, *, order_lines: list | None = None,
                shipping_info: list | None = None, idempotency_key: str | None = None) -> str:
        """``POST …/captures`` (201): charge ``amount`` öre of the authorisation; returns
        the capture id. Pass the same ``idempotency_key`` when retrying a capture later."""
        body: dict = {"captured_amount": _amount(amount)}
        if order_lines:
            body["order_lines"] = order_lines
        if shipping_info:
            body["shipping_info"] = shipping_info
        return self._send(
            "POST", f"/ordermanagement/v1/orders/{_id(order_id)}/captures", json=body,
            headers={IDEMPOTENCY_HEADER: idempotency_key or str(uuid.uuid4())}, retry=True,
            parse=_created_id("Capture-Id"))

    def refund(self, order_id: str, amount: int, *, order_lines: list | None = None,
               description: str = "", idempotency_key: str | None = None) -> str:
        """``POST …/refunds`` (201): refund ``amount`` öre (full or partial); returns the
        refund id. Pass the same ``idempotency_key`` when retrying a refund later."""
        body: dict = {"refunded_amount": _amount(amount)}
        if description:
            body["description"] = str(description)[:255]
        if order_lines:
            body["order_lines"] = order_lines
        return self._send(
            "POST", f"/ordermanagement/v1/orders/{_id(order_id)}/refunds", json=body,
            headers={IDEMPOTENCY_HEADER: idempotency_key or str(uuid.uuid4())}, retry=True,
            parse=_created_id("Refund-Id"))

    def cancel(self, order_id: str) -> None:
        """``POST …/cancel`` (204): release an authorisation nothing was captured from."""
        self._send("POST", f"/ordermanagement/v1/orders/{_id(order_id)}/cancel")

    # Plumbing -------------------------------------------------------------------------

    def _send(self, method: str, path: str, *, json: dict | None = None,
              headers: Mapping[str, str] | None = None, retry: bool = False,
              parse: Callable[[httpx.Response], object] | None = None,
              timeout: float | None = None):
        """One call, its answer read by ``parse`` (None: nothing to read). Retried (same
        headers, so the same idempotency key) only when ``retry`` and the failure is
        :class:`KlarnaUnavailable`, malformed answers included."""
        started = time.monotonic()
        attempt = 0
        while True:
            attempt += 1
            try:
                response = self._once(method, path, json=json, headers=headers,
                                      timeout=timeout)
                return parse(response) if parse is not None else None
            except KlarnaUnavailable as exc:
                out_of_time = time.monotonic() - started > 2 * self.timeout
                if not retry or attempt >= self.attempts or out_of_time:
                    log.error("Klarna %s %s failed after %d attempt(s): status=%s code=%s "
                              "correlation_id=%s", method, path, attempt, exc.status,
                              exc.code, exc.correlation_id)
                    raise
                delay = min(FIRST_BACKOFF * 2 ** (attempt - 1), MAX_BACKOFF)
                log.warning("Klarna %s %s: %s; retrying in %.2fs (attempt %d of %d)",
                            method, path, exc.code, delay, attempt + 1, self.attempts)
                (self._sleep or sleep)(delay)
            except KlarnaError as exc:
                log.warning("Klarna %s %s refused: status=%s code=%s correlation_id=%s",
                            method, path, exc.status, exc.code, exc.correlation_id)
                raise

    def _once(self, method, path, *, json=None, headers=None, timeout=None) -> httpx.Response:
        try:
            response = self._http.request(
                method, path, json=json, headers=headers,
                timeout=httpx.USE_CLIENT_DEFAULT if timeout is None else timeout)
        except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
            raise KlarnaUnavailable(f"{method} {path}: no connection", code=NOT_SENT) from exc
        except httpx.TimeoutException as exc:
            raise KlarnaUnavailable(f"{method} {path}: timed out", code="timeout") from exc
        except httpx.HTTPError as exc:
            raise KlarnaUnavailable(f"{method} {path}: {type(exc).__name__}",
                                    code="connection_error") from exc
        if response.is_success:
            return response
        body = _error_body(response)
        correlation = (body.get("correlation_id")
                       or response.headers.get("Klarna-Correlation-Id", ""))
        messages = body.get("error_messages") or ()
        kwargs = {
            "status": response.status_code,
            "code": str(body.get("error_code") or "")[:100],
            "correlation_id": str(correlation)[:100],
            "messages": tuple(str(m)[:300] for m in messages[:10])
            if isinstance(messages, list) else (),
        }
        detail = f"{method} {path}: HTTP {response.status_code}"
        if response.status_code >= 500:
            kwargs["code"] = kwargs["code"] or "server_error"
            raise KlarnaUnavailable(detail, **kwargs)
        raise KlarnaError(detail, **kwargs)


def _json(response: httpx.Response) -> dict:
    try:
        data = response.json()
    except ValueError:
        data = None
    if not isinstance(data, dict):
        raise KlarnaUnavailable("The provider's answer was not a JSON object.",
                                status=response.status_code, code="malformed_response")
    return data


def _created_id(header: str) -> Callable[[httpx.Response], str]:
    """Reads the id of a created capture/refund: Klarna's ``Capture-Id``/``Refund-Id``
    header, else the last segment of ``Location``."""

    def parse(response: httpx.Response) -> str:
        value = response.headers.get(header, "")
        if not value:
            value = response.headers.get("Location", "").rstrip("/").rsplit("/", 1)[-1]
        if not is_valid_order_id(value):
            raise KlarnaUnavailable(f"The provider's answer had no {header}.",
                                    status=response.status_code, code="malformed_response")
        return value

    return parse


def _id(order_id: str) -> str:
    if not is_valid_order_id(order_id):
        raise KlarnaError("Refused to send an invalid order id.", code="invalid_order_id")
    return quote(order_id, safe="")


def _amount(amount: int) -> int:
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        raise ValueError(f"An amount is a positive whole number of öre, not {amount!r}.")
    return amount


def _error_body(response: httpx.Response) -> dict:
    try:
        data = response.json()
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


_clients: dict[tuple, KlarnaClient] = {}
_clients_lock = threading.Lock()


def get_client() -> KlarnaClient:
    """The process's client for the current ``settings.TILLIT_CHECKOUT`` (kept, so that
    its connections are reused from one request to the next)."""
    conf = settings.TILLIT_CHECKOUT
    key = (conf.get("base_url"), conf.get("username"), conf.get("password"),
           conf.get("timeout"), id(conf.get("transport")))
    with _clients_lock:
        client = _clients.get(key)
        if client is None:
            if len(_clients) >= 8:  # settings changed (tests): drop the old ones
                _clients.clear()
            client = _clients[key] = KlarnaClient()
    return client
