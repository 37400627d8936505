from django.contrib import admin

from .models import PolicyVersion, Processor


@admin.register(Processor)
class ProcessorAdmin(admin.ModelAdmin):
    list_display = ("name", "service", "recipient_kind", "location", "outside_eea",
                    "agreement_date", "is_active")
    list_filter = ("recipient_kind", "outside_eea", "is_active")
    search_fields = ("name", "service")


@admin.register(PolicyVersion)
class PolicyVersionAdmin(admin.ModelAdmin):
    list_display = ("digest", "language", "published_at")
    readonly_fields = ("digest", "language", "content", "published_at")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
