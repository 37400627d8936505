"""What can go wrong with an order: each error's ``message`` is meant for the buyer or the
member of staff, and the operation that raised it changed nothing."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class OrderError(Exception):
    """An order operation that cannot be done; ``message`` says why, for people."""

    def __init__(self, message: str | Promise):
        super().__init__(str(message))
        self.message = message


class PlacementRefused(OrderError):
    """The provider's order cannot become an order here (malformed, not completed)."""


@dataclass(frozen=True)
class Shortage:
    sku: str
    name: str
    wanted: int
    in_stock: int


class OutOfStock(OrderError):
    """Some goods are no longer in stock; the provider's order has been cancelled."""

    def __init__(self, shortages: list[Shortage]):
        names = ", ".join(s.name for s in shortages)
        super().__init__(_("Sorry, we no longer have enough of: %(names)s. Your order was "
                           "not placed and your payment has been cancelled; nothing is "
                           "charged.") % {"names": names})
        self.shortages = shortages


class FulfilmentError(OrderError):
    """A packing, shipping, delivery or cancellation step that cannot be done."""


class ReturnRefused(OrderError):
    """A return that cannot be started or refunded."""


RETURN_WINDOW_CLOSED = _("The 14-day return period for this order has ended, so a return "
                         "can no longer be started here. Contact us if you think this is "
                         "wrong.")
