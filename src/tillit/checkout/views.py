"""The checkout start: the cart summary before payment. Open to guests (P05).

It asks for nothing and records nothing: the personal details an order needs are given in
the payment provider's checkout, which is the next step.
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from tillit.cart.owner import CartOwner
from tillit.cart.selectors import cart_summary
from tillit.privacy.policy import current_version as current_policy_version


@require_safe
def start(request):
    cart = cart_summary(CartOwner.of(request))
    if cart.is_empty:
        messages.info(request, _("Your cart is empty; put something in it before checkout."))
        return redirect("cart:detail")
    if cart.unavailable_lines:
        messages.warning(request, _("Some items in your cart are not available in that "
                                    "quantity any more. Please change the cart first."))
        return redirect("cart:detail")
    # The policy version shown here is the one the order will be stamped with (P05).
    _policy, policy_version = current_policy_version()
    return render(request, "checkout/start.html",
                  {"cart": cart, "policy_version": policy_version})
