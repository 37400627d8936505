from django import template

from tillit.catalog import selectors

register = template.Library()


@register.inclusion_tag("catalog/_category_nav.html", takes_context=True)
def category_nav(context):
    """The top categories, at most one query per page.

    A view that has already read the top categories passes them as ``nav_categories``.
    ``current_category`` (a top category or a subcategory) marks its top category.
    """
    categories = context.get("nav_categories")
    if categories is None:
        categories = selectors.top_categories()
    current = context.get("current_category")
    current_top_id = (current.parent_id or current.pk) if current else None
    return {"categories": categories, "current_top_id": current_top_id}
