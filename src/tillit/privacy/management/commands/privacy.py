import json

from django.core.management.base import BaseCommand

from tillit.core.database import require_migrated
from tillit.privacy import record


class Command(BaseCommand):
    help = "Privacy tools: `tillit privacy record` prints the GDPR Art. 30 record."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        rec = sub.add_parser("record", help="the record of processing activities (Art. 30)")
        rec.add_argument("--format", choices=["json", "md"], default="md")
        rec.add_argument("--language", choices=["en", "sv"], default="en")

    def handle(self, *args, **options):
        if options["action"] == "record":
            require_migrated()  # the record lists the processor register's rows
            data = record.build(options["language"])
            if options["format"] == "json":
                self.stdout.write(json.dumps(data, indent=2, ensure_ascii=False))
            else:
                self.stdout.write(record.to_markdown(data), ending="")
