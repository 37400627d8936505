from django import template

from tillit.core.money import Money, format_rate, format_sek

register = template.Library()


@register.filter
def sek(value) -> str:
    """Render öre (int) or Money as a Swedish price: ``{{ product.price_ore|sek }}``."""
    if isinstance(value, Money):
        return format_sek(value.ore)
    if value in (None, ""):
        return ""
    return format_sek(int(value))


@register.filter
def vat_rate(value) -> str:
    return format_rate(int(value))
