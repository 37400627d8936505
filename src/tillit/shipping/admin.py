from django.contrib import admin

from .models import Carrier


@admin.register(Carrier)
class CarrierAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "is_active", "is_default", "position")
    list_editable = ("is_active", "is_default", "position")
    prepopulated_fields = {"code": ("name",)}
