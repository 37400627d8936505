"""Carts in the admin, read-only: support staff see what a customer has in the cart.

The session key is never shown: it is the guest's login to the session.
"""

from django.contrib import admin
from django.db.models import Sum
from django.utils.translation import gettext_lazy as _

from tillit.core.admin import ReadOnlyMixin
from tillit.core.money import format_sek

from .models import Cart, CartLine


class CartLineInline(ReadOnlyMixin, admin.TabularInline):
    model = CartLine
    fields = ("product", "unit_price", "quantity", "line_total", "added_at")
    readonly_fields = fields
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("product")

    @admin.display(description=_("unit price incl. VAT"))
    def unit_price(self, line):
        return format_sek(line.product.price_ore)

    @admin.display(description=_("line total incl. VAT"))
    def line_total(self, line):
        return format_sek(line.total.ore)


@admin.register(Cart)
class CartAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("id", "owner", "item_count", "created_at", "updated_at")
    list_select_related = ("user",)
    search_fields = ("user__username", "user__email")
    date_hierarchy = "updated_at"
    fields = ("owner", "item_count", "created_at", "updated_at")
    readonly_fields = fields
    inlines = [CartLineInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(items=Sum("lines__quantity"))

    @admin.display(description=_("belongs to"))
    def owner(self, cart):
        return cart.user if cart.user_id else _("a guest (by session)")

    @admin.display(description=_("items"), ordering="items")
    def item_count(self, cart):
        return cart.items or 0
