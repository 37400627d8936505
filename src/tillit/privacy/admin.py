from django.contrib import admin
from django.shortcuts import redirect

from .models import AuditEvent, Disclosure, PolicyVersion, PrivacyRequest, Processor


@admin.register(Processor)
class ProcessorAdmin(admin.ModelAdmin):
    list_display = ("name", "service", "recipient_kind", "location", "outside_eea",
                    "agreement_date", "is_active", "is_checkout_provider")
    list_filter = ("recipient_kind", "outside_eea", "is_active", "is_checkout_provider")
    search_fields = ("name", "service", "service_en")
    # Each free text in Swedish with its English twin on the same row; the English page
    # of the policy falls back to the Swedish text where the English one is empty.
    fields = (
        "name", "recipient_kind",
        ("service", "service_en"),
        ("data_description", "data_description_en"),
        ("location", "location_en"),
        "outside_eea",
        ("safeguard", "safeguard_en"),
        "agreement_date", "is_active", "is_checkout_provider",
    )


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


@admin.register(PrivacyRequest)
class PrivacyRequestAdmin(admin.ModelAdmin):
    """Requests are handled on the privacy desk; the admin's list leads there, so the desk
    is one click from the admin's front page."""

    def changelist_view(self, request, extra_context=None):
        return redirect("privacy_desk:index")

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if not str(object_id).isdigit() or len(str(object_id)) > 18:
            return redirect("privacy_desk:index")
        return redirect("privacy_desk:request", pk=int(object_id))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff

    def has_module_permission(self, request):
        return self.has_view_permission(request)
