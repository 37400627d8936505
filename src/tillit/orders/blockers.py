"""What makes an erasure of a buyer wait (P31): open orders. An order not yet delivered,
one still inside the 14-day return period (ångerrätt), or one with a return being handled
needs the buyer's contact details. ``orders/privacy.py`` registers :func:`open_orders` as
an erasure blocker; it names the orders, so the preview can say why and until when."""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from tillit.privacy.datamap import Person, registry

from .models import RETURN_DAYS, Order, ReturnRequest

Status = Order.Status
_NOT_DELIVERED = (Status.PLACED, Status.PACKED, Status.SHIPPED)
_RETURNABLE = (Status.DELIVERED, Status.RETURNED)
_RETURN_OPEN = (ReturnRequest.Status.REQUESTED, ReturnRequest.Status.RECEIVED)


def open_orders(person: Person) -> list[str]:
    """Reasons, one per open order of ``person``."""
    today = timezone.localdate()
    window_start = timezone.make_aware(
        dt.datetime.combine(today - dt.timedelta(days=RETURN_DAYS), dt.time.min))
    open_return = Exists(ReturnRequest.objects.filter(order=OuterRef("pk"),
                                                      status__in=_RETURN_OPEN))
    orders = (registry.get(Order).subject.rows_for(Order, person)
              .annotate(open_return=open_return)
              .filter(Q(status__in=_NOT_DELIVERED)
                      | Q(status__in=_RETURNABLE, delivered_at__gte=window_start)
                      | Q(open_return=True))
              .order_by("placed_at", "number"))
    reasons = []
    for order in orders:
        if order.status in _NOT_DELIVERED:
            reasons.append(_("Order %(number)s is not delivered yet.") % {"number": order.number})
        elif order.open_return:
            reasons.append(_("Order %(number)s has a return being handled.")
                           % {"number": order.number})
        else:
            reasons.append(_("Order %(number)s can be returned until %(date)s.") % {
                "number": order.number, "date": order.return_deadline().isoformat()})
    return reasons
