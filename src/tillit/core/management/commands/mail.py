from django.core.management.base import BaseCommand

from tillit.core import mail


class Command(BaseCommand):
    help = ("E-mail waiting to go out: `tillit mail retry` takes back deliveries a dead worker "
            "left (running longer than TILLIT_MAIL_LEASE_SECONDS) and enqueues again every "
            "message not yet delivered whose delivery failed or stopped, and sets going "
            "again the campaigns (e-mail, SMS) whose batches stopped. Run it every few "
            "minutes from cron.")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("retry", help="try again to deliver every message that failed")

    def handle(self, *args, **options):
        tasks, stuck = mail.recover()
        count = mail.retry_failed()
        self.stdout.write(f"Took back {tasks} delivery task(s) a worker left running; enqueued "
                          f"{stuck} message(s) that stopped and {count} that failed.")
        for name, resumed in mail.resume_others().items():
            self.stdout.write(f"Set going again {resumed} {name} that had stopped.")
