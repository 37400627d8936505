"""Staff views of the security records: the logs read-only, the blocklist editable."""

import datetime as dt

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import FailedLogin, IPBlock, LoginRecord, normalise_network

MAX_BLOCK_DAYS = 365


class _ReadOnlyAdmin(admin.ModelAdmin):
    """Logs are written by code only."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(LoginRecord)
class LoginRecordAdmin(_ReadOnlyAdmin):
    list_display = ("created_at", "user", "ip", "user_agent")
    list_select_related = ("user",)
    search_fields = ("user__username", "ip")
    date_hierarchy = "created_at"


@admin.register(FailedLogin)
class FailedLoginAdmin(_ReadOnlyAdmin):
    list_display = ("created_at", "username", "user", "reason", "ip")
    list_filter = ("reason",)
    list_select_related = ("user",)
    search_fields = ("username", "ip")
    date_hierarchy = "created_at"


def _default_expiry():
    return timezone.now() + dt.timedelta(days=30)


class IPBlockForm(forms.ModelForm):
    class Meta:
        model = IPBlock
        fields = ("network", "reason", "expires_at")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            self.fields["expires_at"].initial = _default_expiry

    def clean_network(self):
        return normalise_network(self.cleaned_data["network"])

    def clean_expires_at(self):
        expires_at = self.cleaned_data["expires_at"]
        start = self.instance.created_at if self.instance.pk else timezone.now()
        if expires_at > start + dt.timedelta(days=MAX_BLOCK_DAYS):
            raise ValidationError(
                _("A block lasts at most %(days)d days; add a new one when it ends."),
                params={"days": MAX_BLOCK_DAYS}, code="too_long")
        return expires_at


@admin.register(IPBlock)
class IPBlockAdmin(admin.ModelAdmin):
    form = IPBlockForm
    list_display = ("network", "reason", "expires_at", "automatic", "created_at", "created_by")
    list_filter = ("automatic",)
    search_fields = ("network", "reason")
    readonly_fields = ("automatic", "created_at", "created_by")

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
