"""An e-mail backend for the demo: every message becomes an ``.eml`` file in the mailbox.

Selected in ``settings/demo.py``; the mailbox pages (``/demo/mailbox/``) show what it wrote,
so a newcomer can click the links in confirmation, reset and unsubscribe mails.
"""

from django.core.mail.backends.base import BaseEmailBackend

from . import store


class MailboxBackend(BaseEmailBackend):
    def send_messages(self, email_messages) -> int:
        """Write each message with at least one recipient; return how many were written."""
        sent = 0
        for message in email_messages:
            if not message.recipients():
                continue
            mime = message.message()
            if message.bcc:
                # Keep Bcc in the stored copy, as a sent-mail folder does.
                mime["Bcc"] = ", ".join(message.bcc)
            try:
                store.save(mime.as_bytes(linesep="\r\n"))
            except OSError:
                if not self.fail_silently:
                    raise
                continue
            sent += 1
        return sent
