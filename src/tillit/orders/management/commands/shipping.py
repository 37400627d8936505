from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from tillit.orders import carrier_export as export
from tillit.shipping.models import Carrier


class Command(BaseCommand):
    help = ("Shipping tools: `tillit shipping export [--carrier CODE] [--out DIR]` writes one "
            "CSV per carrier of the packed orders (layout: tillit.shipping.export), each "
            "order recorded as a disclosure to its carrier.")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        exp = sub.add_parser("export", help="CSV files of packed orders, one per carrier")
        exp.add_argument("--carrier", help="only this carrier (its code, e.g. postnord)")
        exp.add_argument("--out", default=".", help="directory for the files (default: .)")
        exp.add_argument("--include-exported", action="store_true",
                         help="also orders exported before (writes new disclosure entries)")

    def handle(self, *args, **options):
        if options["action"] == "export":
            self.export(options)

    def export(self, options):
        carrier = None
        if options["carrier"]:
            carrier = Carrier.objects.filter(code=options["carrier"]).first()
            if carrier is None:
                codes = ", ".join(Carrier.objects.values_list("code", flat=True))
                raise CommandError(f"No carrier '{options['carrier']}'. Known: {codes}")
        out = Path(options["out"])
        if not out.is_dir():
            raise CommandError(f"{out} is not a directory.")
        orders = export.ready_to_ship(carrier, include_exported=options["include_exported"])
        # The disclosures are recorded only if every file is written.
        with transaction.atomic():
            files = export.export(list(orders))
            for file in files:
                (out / file.filename).write_bytes(file.data)
        if not files:
            self.stdout.write("No packed orders to export.")
        for file in files:
            self.stdout.write(f"{out / file.filename}: {len(file.orders)} order(s) for "
                              f"{file.carrier.name}")
