from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "tillit.privacy"
    label = "privacy"
    verbose_name = _("Privacy")

    def ready(self) -> None:
        from . import checks, signals  # noqa: F401  (registers the check and the signals)
        from .datamap import autodiscover

        autodiscover()
