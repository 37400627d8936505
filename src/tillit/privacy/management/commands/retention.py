from django.core.management.base import BaseCommand

from tillit.privacy import retention


class Command(BaseCommand):
    help = ("Retention: `tillit retention run [--dry-run]` deletes what has reached the end "
            "of its declared period and replaces raw values (IP addresses) past theirs by "
            "keyed hashes, skipping legal holds, and prints a report per model.")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        run = sub.add_parser("run", help="evaluate every declared retention rule")
        run.add_argument("--dry-run", action="store_true", help="count only; change nothing")

    def handle(self, *args, **options):
        report = retention.run(dry_run=options["dry_run"])
        verb = "would act on" if report.dry_run else "acted on"
        hash_verb = "would hash" if report.dry_run else "hashed"
        for line in report.lines:
            self.stdout.write(f"{line.model:<32} found {line.found:>7}  {verb} "
                              f"{line.acted:>7}  kept (legal hold) {line.held:>5}  "
                              f"[{line.rule}]")
            for rule in line.hash_rules:
                self.stdout.write(f"{'':<32} raw past period {line.hash_found:>7}  "
                                  f"{hash_verb} {line.hashed:>7}  kept raw (legal hold) "
                                  f"{line.hash_held:>5}  [{rule}]")
        for name, count in report.passes.items():
            self.stdout.write(f"{name:<32} {verb} {count:>7}")
