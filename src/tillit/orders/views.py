"""The buyer's order pages: "My orders", an order with its status and tracking link (P02),
its receipt and credit notes as issued, and starting a return within 14 days.

Customers reach their own orders by number (anyone else's is a 404); guests reach their
order through the signed link from the order e-mails (a changed token is a 404, a link
whose time has passed a 410 page that offers a fresh one by e-mail). Both kinds of page
share one implementation below.
"""

from __future__ import annotations

import functools

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from tillit.security.ratelimit import rate_limited

from . import links, selectors, services
from .forms import FreshLinkForm, ReturnForm
from .models import Order
from .privacy import GUEST_LINK_DAYS


def _private(response: HttpResponse) -> HttpResponse:
    # The pages carry personal data (and guest pages a secret link): no shared caches, no
    # referrer leaking the link to carriers' tracking pages.
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex"
    return response


def _urls(order: Order, token: str | None) -> dict:
    if token:
        return {
            "detail": reverse("orders:guest_detail", args=[token]),
            "receipt": reverse("orders:guest_receipt", args=[token]),
            "return": reverse("orders:guest_return", args=[token]),
            "credit_note": lambda n: reverse("orders:guest_credit_note", args=[token, n]),
        }
    return {
        "detail": reverse("orders:detail", args=[order.number]),
        "receipt": reverse("orders:receipt", args=[order.number]),
        "return": reverse("orders:return", args=[order.number]),
        "credit_note": lambda n: reverse("orders:credit_note", args=[order.number, n]),
    }


def _guest_order(token: str) -> Order:
    order = selectors.order_for_token(token)
    if order.user_id is not None:
        raise Http404("Customers see their orders under their account.")
    return order


def _expired(request, token: str, order: Order, form=None, *, status=410, sent=False):
    return _private(render(request, "orders/link_expired.html", {
        "order": order, "days": GUEST_LINK_DAYS, "sent": sent,
        "form": form or FreshLinkForm(),
        "action": reverse("orders:guest_fresh_link", args=[token]),
    }, status=status))


def guest_link(view):
    """A guest page: a link whose time has passed gets the 410 page instead."""

    @functools.wraps(view)
    def wrapped(request, token: str, *args, **kwargs):
        try:
            return view(request, token, *args, **kwargs)
        except links.LinkExpired as expired:
            if expired.order.user_id is not None:
                raise Http404("Customers see their orders under their account.") from None
            return _expired(request, token, expired.order)

    return wrapped


@require_http_methods(["POST"])
@rate_limited("order_link")
def guest_fresh_link(request, token: str):
    """Send a fresh link to the order's own address, if that is the address given. The
    answer is the same whether or not it is, so the form tells nobody an order's address."""
    try:
        order = _guest_order(token)
    except links.LinkExpired as expired:
        order = expired.order
        if order.user_id is not None or order.buyer_erased:
            raise Http404("No such order.") from None
    form = FreshLinkForm(request.POST)
    if not form.is_valid():
        return _expired(request, token, order, form, status=400)
    services.send_fresh_link(order, form.cleaned_data["email"])
    return _expired(request, token, order, status=200, sent=True)


# Pages ----------------------------------------------------------------------------------


@login_required
@require_safe
def order_list(request):
    return _private(render(request, "orders/list.html",
                           {"orders": selectors.orders_of(request.user)}))


def _detail(request, order: Order, token: str | None):
    page = selectors.order_page(order)
    urls = _urls(order, token)
    notes = [(note, urls["credit_note"](note.number)) for note in page.credit_notes]
    return _private(render(request, "orders/detail.html",
                           {"page": page, "order": order, "urls": urls, "notes": notes,
                            "is_guest_page": bool(token)}))


@login_required
@require_safe
def detail(request, number: int):
    return _detail(request, selectors.order_of(request.user, number), None)


@guest_link
@require_safe
def guest_detail(request, token: str):
    return _detail(request, _guest_order(token), token)


def _document(html: str) -> HttpResponse:
    response = HttpResponse(html, content_type="text/html; charset=utf-8")
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return _private(response)


@login_required
@require_safe
def receipt(request, number: int):
    order = selectors.order_of(request.user, number)
    return _document(selectors.receipt_of(order).html)


@guest_link
@require_safe
def guest_receipt(request, token: str):
    return _document(selectors.receipt_of(_guest_order(token)).html)


@login_required
@require_safe
def credit_note(request, number: int, note: int):
    order = selectors.order_of(request.user, number)
    return _document(selectors.credit_note_of(order, note).html)


@guest_link
@require_safe
def guest_credit_note(request, token: str, note: int):
    return _document(selectors.credit_note_of(_guest_order(token), note).html)


# Returns --------------------------------------------------------------------------------


def _return(request, order: Order, token: str | None):
    urls = _urls(order, token)
    context = {"order": order, "urls": urls, "deadline": order.return_deadline()}
    if not services.return_window_open(order):
        # The button is gone; a direct request is told why, and nothing changes.
        context["closed"] = services.RETURN_WINDOW_CLOSED
        return _private(render(request, "orders/return.html", context, status=403))
    returnable = selectors.returnable_lines(order)
    form = ReturnForm(request.POST if request.method == "POST" else None,
                      returnable=returnable)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.start_return(order, form.quantities(), form.cleaned_data["reason"])
            except services.OrderError as error:
                form.add_error(None, str(error.message))
            else:
                messages.success(request, _("Your return has been registered. Send the goods "
                                            "back; we refund you when they arrive."))
                return redirect(urls["detail"])
        status = 403 if not services.return_window_open(order) else 400
    context["form"] = form
    return _private(render(request, "orders/return.html", context, status=status))


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def start_return(request, number: int):
    return _return(request, selectors.order_of(request.user, number), None)


@guest_link
@require_http_methods(["GET", "HEAD", "POST"])
def guest_return(request, token: str):
    return _return(request, _guest_order(token), token)
