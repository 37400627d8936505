from django.core.mail.backends.locmem import EmailBackend as MailboxBackend  # noqa: F401
