"""Suggestions from what a person bought (P22): only with their yes to personalised offers.

With the yes, :func:`for_person` reads the products of the person's own orders, and
suggests what other orders that held one of them also held ("customers who bought X also
bought Y": counts over all orders, naming nobody), then more from the categories they buy
in, leaving out what they already have. Without the yes nothing of their orders is read:
everyone gets the same suggestions, the shop's featured and newest products
(:func:`for_everyone`), read from the catalogue alone.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count

from tillit.catalog.models import Product
from tillit.catalog.selectors import active_products
from tillit.privacy import consents

from .privacy import PERSONALISED

LIMIT = 4


@dataclass(frozen=True)
class Suggestions:
    products: list[Product]
    personal: bool


def for_everyone(limit: int = LIMIT) -> Suggestions:
    """The same for everyone: featured products first, then the newest."""
    products = list(active_products().order_by("-is_featured", "-created_at", "pk")[:limit])
    return Suggestions(products, personal=False)


def for_person(user, limit: int = LIMIT) -> Suggestions:
    """Suggestions for ``user``: from their purchases when they said yes to personalised
    offers, else :func:`for_everyone`."""
    if user is None or not getattr(user, "pk", None) or not consents.allows(user,
                                                                            PERSONALISED.key):
        return for_everyone(limit)
    from tillit.orders.models import OrderLine

    bought = set(OrderLine.objects.filter(order__user=user, product__isnull=False)
                 .values_list("product_id", flat=True))
    if not bought:
        return for_everyone(limit)
    together = (OrderLine.objects.filter(order__lines__product_id__in=bought,
                                         product__isnull=False)
                .exclude(product_id__in=bought).values("product_id")
                .annotate(orders=Count("order", distinct=True))
                .order_by("-orders", "product_id"))
    ranked = [row["product_id"] for row in together[:limit * 3]]
    found = {p.pk: p for p in active_products().filter(pk__in=ranked)}
    products = [found[pk] for pk in ranked if pk in found][:limit]
    if len(products) < limit:
        categories = Product.objects.filter(pk__in=bought).values("category_id")
        products += list(active_products().filter(category_id__in=categories)
                         .exclude(pk__in=bought | {p.pk for p in products})
                         .order_by("-is_featured", "-created_at", "pk")[:limit - len(products)])
    return Suggestions(products, personal=True) if products else for_everyone(limit)
