from django.core.management.base import BaseCommand

from tillit.core import mail


class Command(BaseCommand):
    help = ("E-mail waiting to go out: `tillit mail retry` enqueues again every message whose "
            "delivery failed and that is still kept (after the mail server is fixed).")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("retry", help="try again to deliver every message that failed")

    def handle(self, *args, **options):
        count = mail.retry_failed()
        self.stdout.write(f"Enqueued {count} message(s) for delivery again.")
