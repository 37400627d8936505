"""The privacy requests' page in the admin leads to the privacy desk, where they are
handled, so the desk is one click from the admin's front page."""

from django.contrib import admin
from django.shortcuts import redirect

from tillit.core.admin import ReadOnlyMixin
from tillit.privacy.models import PrivacyRequest


@admin.register(PrivacyRequest)
class PrivacyRequestAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Requests are handled on the privacy desk; the admin's list leads there, so the desk
    is one click from the admin's front page."""

    def changelist_view(self, request, extra_context=None):
        return redirect("privacy_desk:index")

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if not (str(object_id).isascii() and str(object_id).isdigit()) or len(str(object_id)) > 18:
            return redirect("privacy_desk:index")
        return redirect("privacy_desk:request", pk=int(object_id))

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff

    def has_module_permission(self, request):
        return self.has_view_permission(request)
