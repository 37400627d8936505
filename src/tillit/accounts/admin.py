"""Staff views of accounts and address books.

Django's ``UserAdmin`` adapted to the P06 fields (no first/last name; name, phone,
company and org.nr instead). Staff edits go through the same normalisers as the
customer's own forms, so a rectification cannot store an org.nr the shop would refuse.
"""

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.utils.translation import gettext_lazy as _

from .forms import normalise_email
from .models import Address, User
from .validators import normalise_org_nr, normalise_phone, normalise_postal_code


class _AccountCleaning:
    def clean_email(self):
        return normalise_email(self.cleaned_data["email"])

    def clean_phone(self):
        phone = self.cleaned_data.get("phone", "")
        return normalise_phone(phone) if phone else ""

    def clean_org_nr(self):
        org_nr = self.cleaned_data.get("org_nr", "")
        return normalise_org_nr(org_nr) if org_nr else ""


class AccountCreationForm(_AccountCleaning, AdminUserCreationForm):
    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ("username", "name", "email")


class AccountChangeForm(_AccountCleaning, UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User


class AddressAdminForm(forms.ModelForm):
    class Meta:
        model = Address
        fields = ("user", "name", "company", "street", "postal_code", "city", "country",
                  "phone", "is_default")

    def clean_phone(self):
        phone = self.cleaned_data.get("phone", "")
        return normalise_phone(phone) if phone else ""

    def clean_postal_code(self):
        return normalise_postal_code(self.cleaned_data["postal_code"])


class AddressInline(admin.StackedInline):
    model = Address
    form = AddressAdminForm
    extra = 0
    fields = ("name", "company", "street", "postal_code", "city", "country", "phone",
              "is_default")


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = AccountChangeForm
    add_form = AccountCreationForm
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal details"), {"fields": ("name", "email", "phone")}),
        (_("Company buyer"), {"fields": ("company", "org_nr")}),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser", "groups",
                                       "user_permissions")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {
            "classes": ("wide",),
            "fields": ("username", "name", "email", "usable_password", "password1",
                       "password2"),
        }),
    )
    readonly_fields = ("last_login", "date_joined")
    list_display = ("username", "name", "email", "company", "is_staff", "date_joined")
    list_filter = ("is_staff", "is_superuser", "is_active", "groups")
    search_fields = ("username", "name", "email", "company", "org_nr")
    ordering = ("username",)
    inlines = [AddressInline]

    def get_inline_instances(self, request, obj=None):
        # The address book belongs to an existing account; the add page stays short.
        return super().get_inline_instances(request, obj) if obj is not None else []


@admin.register(Address)
class AddressAdmin(admin.ModelAdmin):
    form = AddressAdminForm
    list_display = ("name", "street", "postal_code", "city", "user", "is_default")
    list_select_related = ("user",)
    search_fields = ("name", "street", "city", "postal_code", "user__username",
                     "user__email")
    autocomplete_fields = ("user",)
    readonly_fields = ("created_at", "updated_at")
