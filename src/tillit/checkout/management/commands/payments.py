from django.core.management.base import BaseCommand

from tillit.checkout import reconcile
from tillit.core.database import require_migrated


class Command(BaseCommand):
    help = ("The shop's checkouts against the payment provider's orders: `tillit payments "
            "reconcile` places paid orders the shop missed, acknowledges unacknowledged "
            "ones, releases refused payments and writes missing ledger entries. Run it "
            "every few minutes (cron or a systemd timer).")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("reconcile", help="mend what the provider's failures left apart")

    def handle(self, *args, **options):
        require_migrated()
        report = reconcile.run()
        for line in report.lines():
            self.stdout.write(line)
        if report.failures:
            # Not an error of the command: the provider was unavailable; the next run tries
            # again. Exit 0 so cron does not mail every few minutes during an outage.
            self.stderr.write(f"{len(report.failures)} item(s) to try again on the next run.")
