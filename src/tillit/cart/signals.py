"""At login, the guest cart joins the customer's cart (see services.merge_guest_cart)."""

from django.contrib import messages
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.utils.translation import gettext as _

from . import services


@receiver(user_logged_in, dispatch_uid="tillit.cart.merge_guest_cart")
def merge_guest_cart_on_login(sender, request, user, **kwargs):
    session = getattr(request, "session", None)
    if session is None:
        return
    result = services.merge_guest_cart(session, user)
    if result.capped:
        # fail_silently: logins made outside a request cycle (tests, scripts) have no
        # message storage.
        messages.warning(
            request,
            _("Some items from before you logged in are no longer available in that "
              "quantity; your cart holds what we have in stock."),
            fail_silently=True,
        )
