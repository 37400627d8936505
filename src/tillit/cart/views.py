"""The cart page and its form endpoints. Rules live in services, reads in selectors.

Every endpoint answers bad input with a message and a redirect, never with an error page,
and leaves the cart as it was.
"""

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from . import selectors, services
from .forms import AddToCartForm, LineQuantityForm, first_error
from .owner import CartOwner

# Longer targets are refused by HttpResponseRedirect; no page of ours has one.
_MAX_NEXT_LENGTH = 2000


def _back(request) -> HttpResponseRedirect:
    """Redirect to ``next`` if it is a URL of this site, else to the cart."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if len(target) <= _MAX_NEXT_LENGTH and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return HttpResponseRedirect(target)
    return HttpResponseRedirect(reverse("cart:detail"))


@require_safe
def detail(request):
    owner = CartOwner.of(request)
    cart = selectors.cart_summary(owner)
    # The count may be stale if the cart changed elsewhere (another device, a withdrawn
    # product); this page has just read every line anyway.
    services.note_item_count(request.session, cart.item_count)
    return render(request, "cart/detail.html", {"cart": cart})


@require_POST
def add(request):
    form = AddToCartForm(request.POST)
    if not form.is_valid():
        messages.error(request, first_error(form))
        return _back(request)
    try:
        line = services.add(CartOwner.of(request), form.cleaned_data["product"],
                            form.cleaned_data["quantity"])
    except services.CartError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("%(name)s is in your cart.") % {"name": line.product.name})
    return _back(request)


@require_POST
def update(request, line_id: int):
    form = LineQuantityForm(request.POST)
    if not form.is_valid():
        messages.error(request, first_error(form))
        return redirect("cart:detail")
    try:
        line = services.set_quantity(CartOwner.of(request), line_id,
                                     form.cleaned_data["quantity"])
    except services.CartError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The quantity of %(name)s is now %(quantity)d.")
                         % {"name": line.product.name, "quantity": line.quantity})
    return redirect("cart:detail")


@require_POST
def remove(request, line_id: int):
    try:
        product = services.remove(CartOwner.of(request), line_id)
    except services.CartError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("%(name)s was removed from your cart.")
                         % {"name": product.name})
    return redirect("cart:detail")
