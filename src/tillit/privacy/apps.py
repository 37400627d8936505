from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "tillit.privacy"
    label = "privacy"
    verbose_name = _("Privacy")

    def ready(self) -> None:
        # Registers the checks and the signal receivers; every app's privacy.py (this one's
        # too) registers its declarations, blockers and retention passes.
        from . import checks, signals  # noqa: F401
        from .datamap import autodiscover

        autodiscover()
