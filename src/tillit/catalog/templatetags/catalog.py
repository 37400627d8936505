from django import template

from tillit.catalog.models import Category

register = template.Library()


@register.inclusion_tag("catalog/_category_nav.html", takes_context=True)
def category_nav(context):
    """The top categories, one query per page."""
    return {
        "categories": list(Category.objects.filter(parent__isnull=True)),
        "current": context.get("current_category"),
    }
