from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "tillit.privacy"
    label = "privacy"
    verbose_name = _("Privacy")

    def ready(self) -> None:
        # Registers the check, the signals and the requests' retention passes.
        from . import checks, services, signals  # noqa: F401
        from .datamap import autodiscover

        autodiscover()
