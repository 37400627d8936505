import contextlib

from django.apps import AppConfig
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "tillit.core"
    label = "core"
    verbose_name = _("Shop system")

    def ready(self) -> None:
        from django.apps import apps
        from django.conf import settings
        from django.contrib import admin

        # The admin is the shop's own, in the shop's language: its name in the header and
        # the title, and Swedish names for the apps and models of the libraries it uses.
        shop = settings.TILLIT_CONTROLLER["shop_name"]
        admin.site.site_header = format_lazy(_("{shop} – administration"), shop=shop)
        admin.site.site_title = format_lazy(_("{shop} administration"), shop=shop)
        admin.site.index_title = _("Administration")
        for label, name in (("django_tasks_database", _("Background tasks")),
                            ("otp_totp", _("Two-step verification")),
                            ("django_otp", _("Two-step verification"))):
            with contextlib.suppress(LookupError):  # a library this shop does not install
                apps.get_app_config(label).verbose_name = name
        _rename_model("django_tasks_database", "dbtaskresult", _("task result"),
                      _("task results"))
        _rename_model("otp_totp", "totpdevice", _("authenticator app (TOTP)"),
                      _("authenticator apps (TOTP)"))


def _rename_model(app_label: str, model_name: str, singular, plural) -> None:
    """Give a library's model the shop's name for it (its own is English only)."""
    from django.apps import apps

    try:
        model = apps.get_model(app_label, model_name)
    except LookupError:
        return
    model._meta.verbose_name, model._meta.verbose_name_plural = singular, plural
