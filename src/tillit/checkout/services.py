"""Writes of the checkout: open the provider's checkout when the checkout page loads (P28),
and complete it when the provider says the buyer has paid.

Opening. The provider's order is created (or brought up to date, if the cart changed) when
the checkout page is rendered, and at no earlier step: that request is the moment the
order's contents go to the provider. A :class:`CheckoutSession` row is written only after
the provider has answered, so a failed call leaves nothing behind on our side.

Disclosure ledger (P25, P28). What the shop sends is the order's contents; the buyer types
name, e-mail, address and phone into the provider's own checkout, so those go straight
from the buyer to the provider and are not a disclosure by the shop (nothing is prefilled,
P05). The ledger entry is written when the page loads, as soon as the provider has
answered, once per provider order (a later update of the same order is the same
disclosure), for everyone:

- a logged-in customer's entry names the account;
- a guest is known then only by the browser session, so the entry names that session
  (the keyed hash the cart uses). When the purchase is completed, the same entry is linked
  to the e-mail the buyer gave the provider (``privacy.ledger.link_disclosure``), so it
  appears once in the buyer's access report; an unfinished guest checkout keeps its entry
  under the session reference.

Reopening. A reload reuses the owner's open provider order for the same cart, brought up
to date with the cart, the policy version shown (P05) and the buyer's address. If the
provider says that order was paid (``checkout_complete``) while our order is not placed yet
(the push and the confirmation page have not run), :class:`CheckoutAlreadyPaid` sends the
buyer to its confirmation instead of opening a second order for the same cart.

Completing (:func:`complete_checkout`, from the confirmation page and the push): read the
provider's order, let ``tillit.orders.services.place_order_from_klarna`` make our order
(idempotent), link a guest's ledger entry to the buyer once, and acknowledge the order to
the provider once. Safe to run twice, or at the same time from the push and the page.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from tillit.payments.klarna import payload as klarna_payload
from tillit.payments.klarna.client import (
    NOT_SENT,
    KlarnaClient,
    KlarnaError,
    KlarnaUnavailable,
    get_client,
    is_valid_order_id,
    provider_name,
)
from tillit.privacy.ledger import link_disclosure, record_disclosure
from tillit.privacy.models import Disclosure

from . import choices
from .models import CheckoutSession

log = logging.getLogger("tillit.payments")

# What the shop itself sends the provider when the checkout loads: the order's contents.
DISCLOSED_CATEGORIES = ("user.behavior.purchase_history",)
DISCLOSURE_PURPOSE = "essential.service.payment_processing"
DISCLOSURE_BASIS = "contract"
# The provider lets an unfinished order expire after 48 hours; start a new one a little
# before that rather than hand the buyer an order about to die.
REUSE_FOR = timedelta(hours=47)
PLACEHOLDER_SEGMENT = "0rder-id-placeholder"


class CheckoutNotComplete(Exception):
    """The provider says the buyer has not finished paying for this order."""


class CheckoutEnded(Exception):
    """The provider's order ended without becoming ours (cancelled, expired or closed):
    there is nothing to place, now or later."""

    def __init__(self, order_id: str, status: str):
        super().__init__(f"{order_id}: {status}")
        self.status = status


class CheckoutAlreadyPaid(Exception):
    """The buyer has already paid the provider's order for this cart; ``session`` is its
    checkout, to be completed (its confirmation page places the order)."""

    def __init__(self, session: CheckoutSession):
        super().__init__(session.klarna_order_id)
        self.session = session


# Order management statuses of an order that will never be placed.
ENDED = ("CANCELLED", "EXPIRED", "CLOSED")
# Seconds the confirmation page waits for the provider to take the acknowledgement.
ACK_TIMEOUT_ON_PAGE = 2.0


@dataclass(frozen=True)
class OpenedCheckout:
    session: CheckoutSession
    html_snippet: str
    created: bool


def provider_locale(language: str | None = None) -> str:
    language = (language or translation.get_language() or "sv").split("-")[0]
    return klarna_payload.LOCALES.get(language, klarna_payload.LOCALES["sv"])


def merchant_urls(language: str | None = None) -> dict[str, str]:
    """The four URLs the provider calls or sends the buyer to, absolute under
    ``TILLIT_PUBLIC_URL``; confirmation and push carry Klarna's order-id placeholder."""
    base = settings.TILLIT_PUBLIC_URL.rstrip("/")
    with translation.override(language or translation.get_language()):
        confirmation = reverse("checkout:confirmation")
        push = reverse("checkout:push", args=[PLACEHOLDER_SEGMENT])
        return {
            "terms": base + reverse("checkout:terms"),
            "checkout": base + reverse("checkout:start"),
            "confirmation": f"{base}{confirmation}?order_id="
                            f"{klarna_payload.ORDER_ID_PLACEHOLDER}",
            "push": base + push.replace(PLACEHOLDER_SEGMENT,
                                        klarna_payload.ORDER_ID_PLACEHOLDER),
        }


def payload_digest(payload: dict) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True, separators=(",", ":"))
                          .encode()).hexdigest()


def _open_session(owner, cart_id: int) -> CheckoutSession | None:
    sessions = CheckoutSession.objects.filter(
        status=CheckoutSession.Status.OPEN, cart_id=cart_id,
        created_at__gt=timezone.now() - REUSE_FOR)
    if owner.user is not None:
        sessions = sessions.filter(user=owner.user)
    else:
        sessions = sessions.filter(user__isnull=True, session_ref=owner.session_ref)
    return sessions.order_by("-created_at", "-id").first()


def _snippet(order: dict) -> str:
    snippet = order.get("html_snippet")
    if not isinstance(snippet, str) or not snippet:
        raise KlarnaUnavailable("The provider's order had no html_snippet.",
                                code="malformed_response")
    return snippet


def open_checkout(*, owner, cart, policy_version, buyer_ip: str | None,
                  language: str | None = None,
                  client: KlarnaClient | None = None) -> OpenedCheckout:
    """Make sure the provider has an unfinished order for ``cart`` (a ``CartSummary`` of
    ``owner``'s cart) and return its snippet.

    Reuses this owner's open order for the same cart: read it if nothing changed, update it
    if the cart did, and record the ``policy_version`` and ``buyer_ip`` of this load; creates
    a new one when there is none or it expired. A new order writes its disclosure ledger
    entry (the customer's, or the guest session's) and its :class:`CheckoutSession`.
    Raises :class:`CheckoutAlreadyPaid` if the buyer has
    paid the open order already, :class:`KlarnaError` if the provider fails.
    """
    client = client or get_client()
    locale = provider_locale(language)
    body = klarna_payload.checkout_payload(cart, merchant_urls=merchant_urls(language),
                                           locale=locale, checkboxes=choices.boxes(language))
    digest = payload_digest(body)
    cart_id = cart.lines[0].cart_id
    session = _open_session(owner, cart_id)
    if session is not None:
        opened = _reuse(session, body, digest, locale, client,
                        policy_version=policy_version, buyer_ip=buyer_ip or None)
        if opened is not None:
            return opened
    session = CheckoutSession(
        cart_id=cart_id, user=owner.user,
        session_ref="" if owner.user is not None else owner.session_ref,
        payload_digest=digest, policy_version=policy_version,
        buyer_ip=buyer_ip or None, locale=locale)
    # The ledger entry before the call, and in no transaction with anything: the data goes
    # to the provider with the request, so the entry stands when the outcome is unknown (a
    # timeout, a lost answer or a server error after the provider may have made its order,
    # which then holds the cart). It gets the order id once known, and goes again only when
    # the provider surely made nothing: no connection, or a refusal (4xx).
    disclosure = _record_disclosure(session, user=owner.user,
                                    session_ref=session.session_ref)
    try:
        order = client.create_order(body)
    except KlarnaError as exc:
        if exc.code == NOT_SENT or (exc.status is not None and 400 <= exc.status < 500):
            disclosure.delete()
        raise
    order_id = order.get("order_id")
    snippet = _snippet(order)
    if not is_valid_order_id(order_id):
        raise KlarnaUnavailable("The provider's order had no usable order_id.",
                                code="malformed_response")
    Disclosure.objects.filter(pk=disclosure.pk).update(reference=order_id)
    session.klarna_order_id, session.disclosure = order_id, disclosure
    session.save()
    return OpenedCheckout(session=session, html_snippet=snippet, created=True)


def _reuse(session: CheckoutSession, body: dict, digest: str, locale: str,
           client: KlarnaClient, *, policy_version, buyer_ip: str | None,
           ) -> OpenedCheckout | None:
    """The open provider order brought up to date, or None if a new one is needed."""
    try:
        if session.payload_digest == digest:
            order = client.read_order(session.klarna_order_id)
        else:
            order = client.update_order(session.klarna_order_id, body)
    except KlarnaUnavailable:
        raise
    except KlarnaError as exc:
        # Expired (404), or refused because the buyer finished it meanwhile (read-only):
        # only a read tells these apart.
        log.info("Provider order %s cannot be updated (%s)", session.klarna_order_id,
                 exc.code)
        order = None if exc.status == 404 else _read_if_known(session, client)
    status = order.get("status") if isinstance(order, dict) else None
    if status == "checkout_complete":
        raise CheckoutAlreadyPaid(session)
    if status != "checkout_incomplete":
        CheckoutSession.objects.filter(pk=session.pk, status=CheckoutSession.Status.OPEN) \
            .update(status=CheckoutSession.Status.REPLACED, updated_at=timezone.now())
        return None
    snippet = _snippet(order)
    changes = {"payload_digest": digest, "locale": locale,
               "policy_version": policy_version, "buyer_ip": buyer_ip}
    changes = {name: value for name, value in changes.items()
               if getattr(session, name) != value}
    if changes:
        # The order will say what this load showed: the policy version (P05) and where
        # the buyer was (P10), not what an earlier load of the same order did.
        CheckoutSession.objects.filter(pk=session.pk).update(**changes,
                                                             updated_at=timezone.now())
        for name, value in changes.items():
            setattr(session, name, value)
    return OpenedCheckout(session=session, html_snippet=snippet, created=False)


def _read_if_known(session: CheckoutSession, client: KlarnaClient) -> dict | None:
    try:
        return client.read_order(session.klarna_order_id)
    except KlarnaUnavailable:
        raise
    except KlarnaError:
        return None


def _provider_entry():
    """The recipient register's entry for the checkout provider (P27), if the register
    marks one; the ledger entry then points at it."""
    from tillit.privacy.selectors import checkout_provider

    return checkout_provider()


def _record_disclosure(session: CheckoutSession, *, user=None, email: str = "",
                       session_ref: str = ""):
    return record_disclosure(
        recipient_kind="payment_provider", recipient=provider_name(),
        categories=DISCLOSED_CATEGORIES, purpose=DISCLOSURE_PURPOSE,
        legal_basis=DISCLOSURE_BASIS, user=user, email=email, session_ref=session_ref,
        reference=session.klarna_order_id, registered=_provider_entry())


def ensure_disclosure(session: CheckoutSession) -> None:
    """Give a checkout without one its ledger entry (``tillit payments reconcile``: one
    opened before entries were written at load, or whose entry was lost)."""
    with transaction.atomic():
        disclosure = _record_disclosure(session, user=session.user,
                                        session_ref=session.session_ref)
        if not CheckoutSession.objects.filter(pk=session.pk, disclosure__isnull=True) \
                .update(disclosure=disclosure):
            transaction.set_rollback(True)


def in_flight_text(session: CheckoutSession) -> str:
    return _("A payment may be under way in the checkout opened at %(time)s; the erasure "
             "waits for it, at most an hour from then.") % {
        "time": timezone.localtime(session.created_at).strftime("%Y-%m-%d %H:%M")}


def release_pending_text(session: CheckoutSession) -> str:
    return _("The payment from %(time)s that the shop could not accept has not yet been "
             "released by %(provider)s; the erasure waits until it is.") % {
        "time": timezone.localtime(session.created_at).strftime("%Y-%m-%d %H:%M"),
        "provider": provider_name()}


def _link_guest_disclosure(session: CheckoutSession, email: str) -> None:
    """The guest's entry from the checkout's load, linked to the buyer's e-mail once. A
    checkout opened before entries were written at load has none: it gets one now."""
    if not email:
        return
    if session.disclosure_id is not None:
        link_disclosure(session.disclosure, email=email)
        return
    with transaction.atomic():
        disclosure = _record_disclosure(session, email=email)
        if not CheckoutSession.objects.filter(pk=session.pk, disclosure__isnull=True) \
                .update(disclosure=disclosure):
            transaction.set_rollback(True)  # another request recorded it first
            return
    session.disclosure = disclosure


def complete_checkout(session: CheckoutSession, *, source: str = "confirmation",
                      client: KlarnaClient | None = None):
    """Place our order for the provider's completed ``session`` and acknowledge it.

    ``source`` "confirmation" reads the checkout API (the buyer's browser came back),
    "push" the order management API (the provider's server-to-server notice), as Klarna
    advises. Returns the order. Raises :class:`CheckoutNotComplete` if the buyer has not
    finished, :class:`CheckoutEnded` if the provider's order was cancelled, expired or
    closed (push), :class:`KlarnaError` if the provider fails before the order is placed, and
    the orders app's ``OrderError`` if the order cannot be made (e.g. out of stock, in
    which case the orders app has cancelled the provider's order). A failed acknowledgement
    after placement is logged and re-raised only for the push (so the provider pushes
    again); the buyer's confirmation page still shows the order.
    """
    from tillit.orders.services import OutOfStock, place_order_from_klarna

    client = client or get_client()
    if source == "push":
        try:
            klarna_order = client.read_placed_order(session.klarna_order_id)
        except KlarnaError as exc:
            if exc.status != 404:
                raise
            # Order management knows only placed orders: this one is not (yet).
            raise CheckoutNotComplete(session.klarna_order_id) from exc
        status = klarna_order.get("status")
        if status in ENDED:
            raise CheckoutEnded(session.klarna_order_id, status)
        finished = status not in (None, "")
    else:
        klarna_order = client.read_order(session.klarna_order_id)
        finished = klarna_order.get("status") == "checkout_complete"
    if not finished:
        raise CheckoutNotComplete(session.klarna_order_id)
    try:
        order = place_order_from_klarna(klarna_order, checkout=session)
    except OutOfStock:
        # The provider's order is cancelled: the next checkout load opens a new one
        # rather than sending the buyer back to this one.
        CheckoutSession.objects.filter(pk=session.pk, status=CheckoutSession.Status.OPEN) \
            .update(status=CheckoutSession.Status.CANCELLED, updated_at=timezone.now())
        raise
    now = timezone.now()
    CheckoutSession.objects.filter(pk=session.pk, completed_at__isnull=True).update(
        status=CheckoutSession.Status.PLACED, completed_at=now, updated_at=now)
    choices.record_choices(session, order, klarna_order if source != "push" else None, client)
    if session.user_id is None:
        _link_guest_disclosure(session, order.email)
    session.refresh_from_db(fields=["acknowledged_at", "status", "completed_at",
                                    "disclosure"])
    if session.acknowledged_at is None:
        try:
            # The buyer waits on the confirmation page: a short wait; the provider's push
            # and `tillit payments reconcile` acknowledge what this one could not.
            client.acknowledge(session.klarna_order_id,
                               timeout=ACK_TIMEOUT_ON_PAGE if source != "push" else None)
        except KlarnaError:
            log.warning("Order %s placed but not yet acknowledged to the provider",
                        session.klarna_order_id)
            if source == "push":
                raise
        else:
            CheckoutSession.objects.filter(pk=session.pk, acknowledged_at__isnull=True) \
                .update(acknowledged_at=timezone.now())
    return order
