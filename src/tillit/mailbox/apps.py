from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MailboxConfig(AppConfig):
    name = "tillit.mailbox"
    label = "mailbox"
    verbose_name = _("Demo mailbox")
