"""Writes to orders, by stage: placement (``placement.py``), fulfilment
(``fulfilment.py``: pack, ship, deliver, cancel), returns (``returns.py``) and guest links.

Every function either does all it promises or raises an :class:`OrderError` (its
``message`` is meant for the buyer or the member of staff) and leaves nothing changed. The
payment provider is reached only through ``provider.get_client`` (tests replace it).
"""

from __future__ import annotations

from . import notifications
from .errors import (
    RETURN_WINDOW_CLOSED,
    FulfilmentError,
    OrderError,
    OutOfStock,
    PlacementRefused,
    ReturnRefused,
    Shortage,
)
from .fulfilment import cancel_order, mark_delivered, mark_packed, ship_order
from .models import Order
from .placement import PLACEABLE, place_order_from_klarna, send_confirmation_once
from .returns import (
    MAX_REASON,
    mark_return_received,
    refund_return,
    return_window_open,
    returned_quantities,
    start_return,
)

__all__ = [
    "MAX_REASON", "PLACEABLE", "RETURN_WINDOW_CLOSED", "FulfilmentError", "OrderError",
    "OutOfStock", "PlacementRefused", "ReturnRefused", "Shortage", "cancel_order",
    "mark_delivered", "mark_packed", "mark_return_received", "place_order_from_klarna",
    "refund_return", "return_window_open", "returned_quantities", "send_confirmation_once",
    "send_fresh_link", "ship_order", "start_return",
]


# Guest links ----------------------------------------------------------------------------


def send_fresh_link(order: Order, email: str) -> bool:
    """Send a fresh link to a guest's order when ``email`` is the address the order was
    placed with (in any letter case); the caller answers the same either way, so the form
    tells nobody which address an order has. True when a link was sent."""
    address = order.contact_email
    if order.user_id is not None or not address or \
            address.strip().casefold() != email.strip().casefold():
        return False
    notifications.send_fresh_link(order)
    return True
