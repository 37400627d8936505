from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeskConfig(AppConfig):
    """The staff privacy desk: above the domains, as the admin sits above the models it
    shows; the privacy core below knows nothing of it."""

    name = "tillit.desk"
    label = "desk"
    verbose_name = _("Privacy desk")
