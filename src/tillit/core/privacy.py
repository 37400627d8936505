"""The data map's declarations for e-mail waiting to go out and for the task backend's
records (see core/mail.py).

An e-mail is personal data from the moment it is written: its address, its text (a name,
an order, an address) and its attachments (a receipt). It waits in ``OutgoingMail`` and
nowhere else; the delivery task carries only the row's id. The task backend's table
(``django_tasks_db``, production) thus holds task names, ids and the error texts of failed
tasks; an error text can quote an address (a database's refusal of a duplicate, say), so
it is declared, found by the address it quotes, and kept only a short while.
"""

from django.utils.translation import gettext_lazy as _
from django_tasks_db.models import DBTaskResult

from tillit.privacy import datamap as dm

from .models import OutgoingMail

dm.declare(
    OutgoingMail,
    title=_("E-mail to you waiting to be delivered"),
    subject=dm.Subject(email="recipient", kinds=("customer", "guest", "visitor", "staff")),
    fields={
        "recipient": dm.Field("user.contact.email"),
        "subject": dm.Field("user.content", dm.GENERATED),
        "text": dm.Field("user.content", dm.GENERATED),
        "html": dm.Field("user.content", dm.GENERATED),
        # An attached receipt or credit note.
        "attachments": dm.Field("user.content", dm.GENERATED),
        # List-Unsubscribe and the like: links that identify the recipient.
        "headers": dm.Field("user.unique_id", dm.GENERATED),
        "created_at": dm.Field("system.operations", dm.GENERATED),
        "message_id": dm.Field("system.operations", dm.GENERATED),
        "sending_since": dm.Field("system.operations", dm.GENERATED),
        "attempts": dm.Field("system.operations", dm.GENERATED),
        "failed_at": dm.Field("system.operations", dm.GENERATED),
        # A mail server's refusal names the refused address.
        "error": dm.Field("user.contact.email", dm.GENERATED),
    },
    # Which of the shop's e-mail templates it is (e.g. the order confirmation).
    not_personal=("template",),
    # The e-mail serves the purpose of what it is about: an order, the account, a warning
    # about failed logins, an answer to a privacy request.
    uses=[
        dm.Use("essential.service.notifications", dm.CONTRACT,
               _("to send you the e-mail about your order or account that you are due")),
        dm.Use("essential.service.security", dm.LEGITIMATE_INTEREST,
               _("to warn you when someone tries to get into your account")),
        dm.Use("essential.legal_obligation", dm.LEGAL_OBLIGATION,
               _("to answer your requests about your personal data")),
    ],
    retention=dm.After("created_at", days=7, event=_(
        "it was written (once delivered, it is deleted at once)")),
    on_erasure=dm.DELETE,
    recipients={"hosting": None, "email_provider": None},
)


def task_errors_quoting(model, person):
    """The task records whose error text quotes the person's e-mail address."""
    if not person.email:
        return model.objects.none()
    return model.objects.filter(traceback__icontains=person.email)


dm.declare(
    DBTaskResult,
    title=_("Records of background tasks, such as sending e-mail"),
    subject=dm.Subject(kinds=("customer", "guest", "visitor", "staff"),
                       finder=task_errors_quoting),
    fields={
        # The error text of a failed task: it can quote an address (a database refusing a
        # duplicate); the mail task's own errors name only the OutgoingMail row.
        "traceback": dm.Field("user.contact.email", dm.GENERATED),
    },
    # Task arguments are row ids only (core/mail.py; tests/core/test_mail_queue.py checks
    # every task of the project), return values counts; the rest is the queue's bookkeeping.
    not_personal=("id", "status", "enqueued_at", "started_at", "finished_at", "args_kwargs",
                  "priority", "task_path", "worker_ids", "queue_name", "backend_name",
                  "run_after", "return_value", "exception_class_path"),
    uses=[dm.Use("essential.service", dm.LEGITIMATE_INTEREST,
                 _("to find out why a background task, such as sending you an e-mail, "
                   "failed"))],
    retention=dm.After("finished_at", days=7, event=_("the task finished")),
    on_erasure=dm.DELETE,
    recipients=("hosting",),
)

# The words for what a waiting e-mail keeps in its structured fields (headers, attachments).
dm.words(keys={"Reply-To": _("reply to"), "filename": _("file name"),
               "mimetype": _("kind of file"), "content": _("content")})
