from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SecurityConfig(AppConfig):
    name = "tillit.security"
    label = "security"
    verbose_name = _("Security")

    def ready(self) -> None:
        from django.contrib import admin

        from . import checks, signals  # noqa: F401  (registers the checks and the receivers)
        from .forms import AdminLoginForm

        # The admin's login is throttled and logged like the shop's.
        admin.site.login_form = AdminLoginForm
