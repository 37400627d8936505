from django.contrib import admin
from django.db import models

from tillit.core.admin import ReadOnlyAdmin

from .models import AuditEvent, Disclosure, PolicyVersion, Recipient


@admin.register(Recipient)
class RecipientAdmin(admin.ModelAdmin):
    list_display = ("name", "role", "service", "recipient_kind", "location", "outside_eea",
                    "agreement_date", "is_active", "is_checkout_provider")
    list_filter = ("role", "recipient_kind", "outside_eea", "is_active",
                   "is_checkout_provider")
    search_fields = ("name", "service", "service_en")
    # A privacy notice typed without its scheme is read as https://, never plain http.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    # Each free text in Swedish with its English twin on the same row; the English page
    # of the policy falls back to the Swedish text where the English one is empty.
    fields = (
        "name", "recipient_kind", "role",
        ("service", "service_en"),
        ("data_description", "data_description_en"),
        ("location", "location_en"),
        "outside_eea",
        ("safeguard", "safeguard_en"),
        "agreement_date", "privacy_notice_url", "is_active", "is_checkout_provider",
    )


@admin.register(PolicyVersion)
class PolicyVersionAdmin(ReadOnlyAdmin):
    list_display = ("digest", "language", "published_at")
    readonly_fields = ("digest", "language", "content", "published_at")


class _AppendOnlyAdmin(ReadOnlyAdmin):
    """Ledgers are written by code and never edited, not even by the owner."""


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
