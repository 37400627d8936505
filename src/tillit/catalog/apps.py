from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "tillit.catalog"
    label = "catalog"
    verbose_name = _("Catalogue")

    def ready(self):
        from . import casefold

        casefold.connect_signal()
