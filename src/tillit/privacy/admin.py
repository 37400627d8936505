from django.contrib import admin

from .models import AuditEvent, Disclosure, PolicyVersion, Processor


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


class _AppendOnlyAdmin(admin.ModelAdmin):
    """Ledgers are written by code and never edited, not even by the owner."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Disclosure)
class DisclosureAdmin(_AppendOnlyAdmin):
    list_display = ("occurred_at", "recipient", "recipient_kind", "purpose", "reference")
    list_filter = ("recipient_kind", "purpose", "secret")
    search_fields = ("reference", "recipient")
    date_hierarchy = "occurred_at"


@admin.register(AuditEvent)
class AuditEventAdmin(_AppendOnlyAdmin):
    list_display = ("occurred_at", "action", "actor_label", "target")
    list_filter = ("action",)
    search_fields = ("target", "actor_label")
    date_hierarchy = "occurred_at"
