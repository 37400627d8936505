"""What the apps' admin pages share: records that code writes and staff only read."""

from django.contrib import admin


class ReadOnlyMixin:
    """No adding, changing or deleting through the admin (for a model admin or an inline):
    logs, ledgers and issued documents are written by code only."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(ReadOnlyMixin, admin.ModelAdmin):
    pass
