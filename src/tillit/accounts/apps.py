from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "tillit.accounts"
    label = "accounts"
    verbose_name = _("Customers and accounts")

    def ready(self) -> None:
        from . import signals  # noqa: F401  (links sessions to their account)
