"""Reads of the catalogue. Every query a catalogue page makes is defined here.

Each function returns rows with the joins their templates need already made
(``select_related``), so a page costs a fixed number of queries however many products
it shows. Only active products are ever returned to a shop page.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import F, Func, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from .casefold import Casefold
from .models import Category, Product

# Sort keys accepted in ``?sort=`` and the ORDER BY each means. The id is the tie-breaker,
# so a page boundary never shows a product twice or skips one.
SORTS = {
    "name": ("name", "id"),
    "price": ("price_ore", "id"),
    "-price": ("-price_ore", "id"),
    "newest": ("-created_at", "-id"),
}
SORT_LABELS = {
    "name": _("Name"),
    "price": _("Price, low to high"),
    "-price": _("Price, high to low"),
    "newest": _("Newest"),
    "relevance": _("Relevance"),
}
DEFAULT_SORT = "name"
RELEVANCE = "relevance"

# The header's search field has maxlength=100; a longer query is cut, never refused.
MAX_QUERY_LENGTH = 100
# On SQLite every word is its own LIKE condition; more words than this add nothing useful.
MAX_QUERY_WORDS = 8
# Swedish stemming: "mikrofoner" finds "mikrofon". SKUs are matched separately (icontains).
SEARCH_CONFIG = "swedish"
FEATURED_LIMIT = 8


def normalise_sort(value: str | None, *, allowed=SORTS, default: str = DEFAULT_SORT) -> str:
    """``value`` if it is a known sort key, else ``default`` (unknown input is not an error)."""
    return value if value in allowed else default


def clean_query(raw: str | None) -> str:
    """A search string safe to hand to any database.

    Control characters (NUL included, which PostgreSQL refuses in text) become spaces,
    runs of whitespace collapse, and the result is cut to :data:`MAX_QUERY_LENGTH`.
    """
    if not raw:
        return ""
    text = "".join(" " if unicodedata.category(ch)[0] == "C" else ch for ch in raw)
    return " ".join(text.split())[:MAX_QUERY_LENGTH].strip()


def active_products() -> QuerySet[Product]:
    """Products a customer may see, with their category joined."""
    return Product.objects.filter(is_active=True).select_related("category")


def featured_products(limit: int = FEATURED_LIMIT) -> list[Product]:
    """The active featured products for the home page, newest first."""
    return list(active_products().filter(is_featured=True).order_by("-created_at", "-id")[:limit])


def top_categories() -> list[Category]:
    """The top-level categories, in shop order (the navigation bar)."""
    return list(Category.objects.filter(parent__isnull=True))


def top_categories_with_counts() -> list[Category]:
    """Top-level categories, each with ``product_count``: its active products and its
    subcategories' active products. One query, whatever the number of categories."""
    count = (
        Product.objects.filter(is_active=True)
        .filter(Q(category_id=OuterRef("pk")) | Q(category__parent_id=OuterRef("pk")))
        .order_by()
        .annotate(n=Func(F("id"), function="COUNT"))
        .values("n")
    )
    return list(
        Category.objects.filter(parent__isnull=True).annotate(
            product_count=Coalesce(Subquery(count, output_field=IntegerField()), 0)
        )
    )


@dataclass(frozen=True)
class CategoryWithChildren:
    category: Category
    children: list[Category]

    @property
    def ids(self) -> list[int]:
        return [self.category.pk, *(c.pk for c in self.children)]


def category_with_children(slug: str) -> CategoryWithChildren | None:
    """The category with ``slug`` (its parent joined) and its subcategories, in one query;
    ``None`` if there is no such category."""
    rows = list(
        Category.objects.select_related("parent").filter(Q(slug=slug) | Q(parent__slug=slug))
    )
    category = next((c for c in rows if c.slug == slug), None)
    if category is None:
        return None
    children = [c for c in rows if c.parent_id == category.pk]
    return CategoryWithChildren(category, children)


def products_in_category(found: CategoryWithChildren, sort: str = DEFAULT_SORT) -> QuerySet:
    """Active products of the category and of its subcategories, in ``sort`` order."""
    return active_products().filter(category_id__in=found.ids).order_by(*SORTS[sort])


def product_by_slug(slug: str) -> Product | None:
    """The active product with ``slug``, its category and the category's parent joined
    (for the breadcrumb); ``None`` if there is none or it is inactive."""
    return (
        active_products().select_related("category__parent").filter(slug=slug).first()
    )


def products_by_ids(ids: list[int]) -> list[Product]:
    """The active products among ``ids``, in that order (one query)."""
    if not ids:
        return []
    found = {p.pk: p for p in active_products().filter(pk__in=ids)}
    return [found[i] for i in ids if i in found]


def search_products(query: str, sort: str = RELEVANCE) -> QuerySet:
    """Active products matching ``query`` (already :func:`clean_query`-ed) by name,
    description or SKU. Empty query, no products.

    PostgreSQL: full-text search on name (weight A) and description (weight B) with
    Swedish stemming, or the SKU or name containing the query; ranked by relevance.
    SQLite (the demo): every word must occur in the name, the description or the SKU,
    in any letter case of any alphabet ("FJÄLLTON" finds "Fjällton"), sorted by name.
    ``sort`` may be any key of :data:`SORTS` instead of relevance.
    """
    if not query:
        return Product.objects.none()
    products = active_products()
    if connection.vendor == "postgresql":
        vector = SearchVector("name", weight="A", config=SEARCH_CONFIG) + SearchVector(
            "description", weight="B", config=SEARCH_CONFIG
        )
        ts_query = SearchQuery(query, config=SEARCH_CONFIG, search_type="websearch")
        products = products.annotate(document=vector, rank=SearchRank(vector, ts_query)).filter(
            Q(document=ts_query) | Q(sku__icontains=query) | Q(name__icontains=query)
        )
        relevance = ("-rank", "name", "id")
    else:
        products = products.alias(folded_name=Casefold("name"),
                                  folded_description=Casefold("description"),
                                  folded_sku=Casefold("sku"))
        for word in query.casefold().split()[:MAX_QUERY_WORDS]:
            products = products.filter(
                Q(folded_name__contains=word) | Q(folded_description__contains=word)
                | Q(folded_sku__contains=word)
            )
        relevance = SORTS["name"]
    return products.order_by(*(relevance if sort == RELEVANCE else SORTS[sort]))

