"""Catalogue pages: home, category listing, product page and search.

Views only read the request, call :mod:`selectors` and render. Bad input never fails a
page: an unknown sort key falls back to the default, a bad page number gives the first
or the last page, an odd search string is cleaned (see ``selectors.clean_query``).
"""

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from . import recent, selectors


def _page(request, queryset) -> Page:
    """The ``?page=`` page of ``queryset``: first page if not a number, last if too big."""
    paginator = Paginator(queryset, settings.CATALOG_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    page.elided_range = list(paginator.get_elided_page_range(page.number, on_each_side=2))
    return page


def _sort_options(current: str, keys) -> list[dict]:
    return [
        {"key": key, "label": selectors.SORT_LABELS.get(key, key), "current": key == current}
        for key in keys
    ]


def home(request):
    categories = selectors.top_categories_with_counts()
    return render(request, "catalog/home.html", {
        "featured": selectors.featured_products(),
        "categories": categories,
        # The navigation bar shows the same top categories: reuse them, save a query.
        "nav_categories": categories,
    })


def category(request, slug):
    found = selectors.category_with_children(slug)
    if found is None:
        raise Http404(_("No such category."))
    sort = selectors.normalise_sort(request.GET.get("sort"))
    return render(request, "catalog/category.html", {
        "category": found.category,
        "subcategories": found.children,
        "current_category": found.category,
        "page_obj": _page(request, selectors.products_in_category(found, sort)),
        "sort": sort,
        "sort_options": _sort_options(sort, selectors.SORTS),
    })


def product(request, slug):
    item = selectors.product_by_slug(slug)
    if item is None:
        raise Http404(_("No such product."))
    response = render(request, "catalog/product.html", {
        "product": item,
        "current_category": item.category,
        "recently_viewed": selectors.products_by_ids(
            [i for i in recent.ids(request) if i != item.pk]),
    })
    recent.remember(request, response, item.pk)
    return response


def search(request):
    raw = request.GET.get("q", "")
    query = selectors.clean_query(raw)
    allowed = {selectors.RELEVANCE: None, **selectors.SORTS}
    sort = selectors.normalise_sort(request.GET.get("sort"), allowed=allowed,
                                    default=selectors.RELEVANCE)
    return render(request, "catalog/search.html", {
        "search_query": query,
        "shortened": len(" ".join(raw.split())) > selectors.MAX_QUERY_LENGTH,
        "max_query_length": selectors.MAX_QUERY_LENGTH,
        "page_obj": _page(request, selectors.search_products(query, sort)) if query else None,
        "sort": sort,
        "sort_options": _sort_options(sort, allowed),
    })
