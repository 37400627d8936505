from django.apps import AppConfig


class MailboxConfig(AppConfig):
    name = "tillit.mailbox"
    label = "mailbox"
    verbose_name = "Demo mailbox"
