"""The shop owner's catalogue: categories and products, prices shown in kronor."""

from django.contrib import admin
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from tillit.core.money import format_rate, format_sek

from .models import Category, Product


class SubcategoryInline(admin.TabularInline):
    model = Category
    fk_name = "parent"
    fields = ("name", "slug", "position")
    prepopulated_fields = {"slug": ("name",)}
    extra = 0
    verbose_name = _("subcategory")
    verbose_name_plural = _("subcategories")


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "parent", "position", "active_products")
    list_editable = ("position",)
    list_filter = (("parent", admin.EmptyFieldListFilter),)
    list_select_related = ("parent",)
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(
            n_active=Count("products", filter=Q(products__is_active=True))
        )

    def get_inlines(self, request, obj):
        # Only a top category can have subcategories (one level of nesting).
        return [SubcategoryInline] if obj is None or obj.parent_id is None else []

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "parent":
            kwargs["queryset"] = Category.objects.filter(parent__isnull=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description=_("active products"), ordering="n_active")
    def active_products(self, obj):
        return obj.n_active


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ("name", "sku", "category", "price_display", "vat_display", "stock",
                    "is_active", "is_featured", "kind")
    list_editable = ("stock", "is_active", "is_featured")
    list_filter = ("is_active", "is_featured", "kind", "vat_rate", "category")
    list_select_related = ("category",)
    search_fields = ("name", "sku")
    prepopulated_fields = {"slug": ("name",)}
    readonly_fields = ("created_at", "updated_at")
    date_hierarchy = "created_at"
    autocomplete_fields = ("category",)
    fieldsets = (
        (None, {"fields": ("name", "slug", "sku", "category", "kind", "description", "image")}),
        (_("Price and VAT"), {"fields": ("price_ore", "vat_rate")}),
        (_("Availability"), {"fields": ("stock", "is_active", "is_featured")}),
        (_("History"), {"fields": ("created_at", "updated_at")}),
    )

    @admin.display(description=_("price incl. VAT"), ordering="price_ore")
    def price_display(self, obj):
        return format_sek(obj.price_ore)

    @admin.display(description=_("VAT rate"), ordering="vat_rate")
    def vat_display(self, obj):
        return format_rate(obj.vat_rate)
