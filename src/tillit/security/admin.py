"""Staff views of the security records: the logs read-only, the blocklist editable, and
two-factor enrolment links, which only superusers issue."""

import datetime as dt

from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tillit.core.admin import ReadOnlyAdmin

from . import services
from .models import EnrolmentToken, FailedLogin, IPBlock, LoginRecord, normalise_network

MAX_BLOCK_DAYS = 365


@admin.register(LoginRecord)
class LoginRecordAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "user", "ip", "user_agent")
    list_select_related = ("user",)
    search_fields = ("user__username", "ip")
    date_hierarchy = "created_at"


@admin.register(FailedLogin)
class FailedLoginAdmin(ReadOnlyAdmin):
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
        fields = ("network", "scope", "reason", "expires_at")

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
    list_display = ("network", "scope", "reason", "expires_at", "automatic", "created_at",
                    "created_by")
    list_filter = ("scope", "automatic")
    search_fields = ("network", "reason")
    readonly_fields = ("automatic", "created_at", "created_by")

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


class EnrolmentTokenForm(forms.ModelForm):
    class Meta:
        model = EnrolmentToken
        fields = ("user",)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = get_user_model()._default_manager.filter(
            is_staff=True, is_active=True)


@admin.register(EnrolmentToken)
class EnrolmentTokenAdmin(admin.ModelAdmin):
    """Superusers issue a staff member's enrolment link here; the link is shown once, on
    the page after saving. Deleting a link revokes it."""

    form = EnrolmentTokenForm
    list_display = ("user", "created_at", "expires_at", "used_at", "created_by")
    list_select_related = ("user", "created_by")

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def save_model(self, request, obj, form, change):
        # The service makes the row; the raw link exists only for the next page.
        raw = services.issue_enrolment(form.cleaned_data["user"], created_by=request.user)
        saved = EnrolmentToken.objects.get(user=form.cleaned_data["user"],
                                           used_at__isnull=True)
        obj.pk, obj.digest, obj.expires_at = saved.pk, saved.digest, saved.expires_at
        request._tillit_enrolment_link = (
            settings.TILLIT_PUBLIC_URL.rstrip("/") + reverse("security:enrol", args=[raw]))

    def response_add(self, request, obj, post_url_continue=None):
        return TemplateResponse(request, "security/enrolment_issued.html", {
            **self.admin_site.each_context(request), "token": obj,
            "link": request._tillit_enrolment_link,
        })
