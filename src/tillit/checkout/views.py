"""The checkout: the cart summary with the payment provider's checkout embedded, the
confirmation page the buyer returns to, and the provider's push. Open to guests (P05).

The shop asks for no personal details itself: the buyer gives them in the provider's
checkout. The provider's order is created when the checkout page loads (P28, see
``services.open_checkout``). Provider failures give the buyer a page with a clear message
and a retry (502/503), never a server error.
"""

import ipaddress
import logging
from urllib.parse import urlencode

from django.contrib import messages
from django.db import DatabaseError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST, require_safe

from tillit.cart.owner import CartOwner
from tillit.cart.selectors import cart_summary
from tillit.cart.services import note_item_count
from tillit.payments.klarna.client import (
    KlarnaError,
    KlarnaUnavailable,
    is_valid_order_id,
    provider_name,
)
from tillit.privacy.policy import current_version as current_policy_version

from . import selectors, services, snippet

log = logging.getLogger("tillit.payments")


def _buyer_ip(request) -> str | None:
    try:
        from tillit.security.clientip import client_ip
    except ImportError:  # without the security app, the TCP peer is the client
        value = request.META.get("REMOTE_ADDR", "")
    else:
        value = client_ip(request)
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def _provider_failed(request, exc: KlarnaError, *, retry_url: str, cart=None):
    status = 503 if isinstance(exc, KlarnaUnavailable) else 502
    return render(request, "checkout/provider_error.html", {
        "message": exc.user_message, "retry_url": retry_url, "cart": cart,
        "provider": provider_name(),
    }, status=status)


# GET only: loading this page sends the order to the provider (P28), which a HEAD request
# (link checkers, prefetchers) must not do.
@require_GET
@never_cache
def start(request):
    owner = CartOwner.of(request)
    cart = cart_summary(owner)
    if cart.is_empty:
        messages.info(request, _("Your cart is empty; put something in it before checkout."))
        return redirect("cart:detail")
    if cart.unavailable_lines:
        messages.warning(request, _("Some items in your cart are not available in that "
                                    "quantity any more. Please change the cart first."))
        return redirect("cart:detail")
    # The policy version shown here is the one the order will be stamped with (P05).
    _policy, policy_version = current_policy_version()
    try:
        opened = services.open_checkout(owner=owner, cart=cart, policy_version=policy_version,
                                        buyer_ip=_buyer_ip(request), language=get_language())
    except services.CheckoutAlreadyPaid as paid:
        # Paid, but the order is not placed yet: its confirmation places it. Opening a new
        # provider order here would let the buyer pay twice for one cart.
        messages.info(request, _("You have already paid for this cart. Here is your order."))
        return redirect(confirmation_path(paid.session.klarna_order_id))
    except KlarnaError as exc:
        return _provider_failed(request, exc, retry_url=request.get_full_path(), cart=cart)
    return render(request, "checkout/start.html", {
        "cart": cart, "policy_version": policy_version, "provider": provider_name(),
        "html_snippet": snippet.with_nonce(opened.html_snippet,
                                           snippet.request_nonce(request)),
    })


def confirmation_path(order_id: str) -> str:
    return f"{reverse('checkout:confirmation')}?{urlencode({'order_id': order_id})}"


def _bad_request(request, status: int = 400):
    return render(request, "checkout/bad_request.html", status=status)


@require_safe
@never_cache
def confirmation(request):
    """Where the provider sends the buyer after paying (``?order_id=``): place the order,
    acknowledge it, and say thank you. Reloading it is harmless."""
    from tillit.orders import links
    from tillit.orders.services import OrderError

    order_id = request.GET.get("order_id", "")
    if not is_valid_order_id(order_id):
        return _bad_request(request)
    session = selectors.checkout_for_provider_order(order_id)
    if session is None:
        raise Http404("No such checkout.")
    try:
        order = services.complete_checkout(session, source="confirmation")
    except services.CheckoutNotComplete:
        messages.info(request, _("Your payment is not finished yet; please complete it "
                                 "below."))
        return redirect("checkout:start")
    except KlarnaUnavailable:
        # The provider sent the buyer here after paying, but cannot be read now: the
        # payment stands, and the push or `tillit payments reconcile` places the order.
        log.warning("Provider order %s could not be read on the confirmation page",
                    order_id)
        return render(request, "checkout/payment_registered.html", {
            "provider": provider_name(), "retry_url": request.get_full_path()}, status=202)
    except KlarnaError as exc:
        return _provider_failed(request, exc, retry_url=request.get_full_path())
    except OrderError as exc:
        return render(request, "checkout/not_placed.html",
                      {"message": exc.message}, status=409)
    except DatabaseError:
        log.exception("Placing the order for provider order %s failed", order_id)
        return render(request, "checkout/provider_error.html", {
            "message": _("We could not save your order just now. Nothing more will be "
                         "charged. Please try again in a moment."),
            "retry_url": request.get_full_path(), "provider": provider_name(),
        }, status=503)
    owner = CartOwner.of(request)
    mine = session.belongs_to(owner)
    if mine:
        # The header's cart count: placement emptied the cart.
        note_item_count(request.session, 0)
    return render(request, "checkout/confirmation.html", {
        "order": order, "mine": mine, "provider": provider_name(),
        "order_url": links.order_path(order) if mine else "",
    })


@csrf_exempt  # the provider's server calls it; it changes nothing the provider did not
@require_POST
def push(request, order_id):
    """The provider's notice that ``order_id`` was paid (an empty POST). Places the order
    if the confirmation page has not, and acknowledges it. 204 when done (also the second
    time) and when the provider's order was cancelled, expired or closed (nothing to do);
    404 for an unknown order; 409 when the provider does not call it paid yet or it cannot
    become an order; 503 when the provider or our database failed, so the provider pushes
    again later."""
    from tillit.orders.services import OrderError, OutOfStock

    session = selectors.checkout_for_provider_order(order_id)
    if session is None:
        return HttpResponse(status=404)
    try:
        services.complete_checkout(session, source="push")
    except services.CheckoutNotComplete:
        return HttpResponse(status=409)
    except services.CheckoutEnded as ended:
        # Nothing will ever be placed: say so, so the provider stops pushing.
        log.info("Push for provider order %s, which is %s: nothing to place", order_id,
                 ended.status)
        return HttpResponse(status=204)
    except KlarnaError as exc:
        log.warning("Push for provider order %s: provider failed (%s)", order_id, exc.code)
        return HttpResponse(status=503)
    except OutOfStock:
        # The orders app cancelled the provider's order: nothing left to do.
        return HttpResponse(status=204)
    except OrderError as exc:
        log.error("Push for provider order %s could not become an order: %s", order_id,
                  exc)
        return HttpResponse(status=409)
    except DatabaseError:
        log.exception("Push for provider order %s: database error", order_id)
        return HttpResponse(status=503)
    return HttpResponse(status=204)


@require_safe
def terms(request):
    """The purchase terms (köpvillkor): the ones the provider's checkout links to
    (``merchant_urls["terms"]``), with the trader's identity from the controller setting."""
    from tillit.orders.models import RETURN_DAYS

    return render(request, "checkout/terms.html", {"provider": provider_name(),
                                                    "return_days": RETURN_DAYS})
