from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from tillit.orders import carrier_export as export
from tillit.orders.privacy import CARRIER_FILE_DAYS
from tillit.shipping.models import Carrier


class Command(BaseCommand):
    help = ("Shipping tools: `tillit shipping export [--carrier CODE] [--out -]` writes one "
            "CSV per carrier of the packed orders (layout: tillit.shipping.export), each "
            "order recorded as a disclosure to its carrier. The files are kept only in "
            "TILLIT_CARRIER_FILES_DIR, where the nightly sweep deletes them after their "
            "declared days; `--out -` with --carrier writes the one file to standard output "
            "and keeps no copy.")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        exp = sub.add_parser("export", help="CSV files of packed orders, one per carrier")
        exp.add_argument("--carrier", help="only this carrier (its code, e.g. postnord)")
        exp.add_argument("--out", default=None,
                         help="'-': one carrier's file to standard output, no copy kept "
                              "(default: the folder TILLIT_CARRIER_FILES_DIR)")
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
        to_stdout = options["out"] == "-"
        if to_stdout and carrier is None:
            raise CommandError("--out - writes one file: name its carrier with --carrier.")
        kept = Path(settings.TILLIT_CARRIER_FILES_DIR)
        out = kept if options["out"] in (None, "-") else Path(options["out"]).resolve()
        if not to_stdout and out != kept.resolve():
            raise CommandError(
                f"Carrier files hold names, addresses and phone numbers: they are kept only "
                f"in {kept}, where the nightly sweep deletes them after "
                f"{CARRIER_FILE_DAYS} days. Leave out --out, or use --out - to stream one "
                f"carrier's file without keeping a copy.")
        if not to_stdout:
            out.mkdir(parents=True, exist_ok=True)
        orders = export.ready_to_ship(carrier, include_exported=options["include_exported"])
        # The disclosures are recorded only if every file is written.
        with transaction.atomic():
            files = export.export(list(orders))
            for file in files:
                if to_stdout:
                    self.stdout.write(file.data.decode("utf-8"), ending="")
                else:
                    (out / file.filename).write_bytes(file.data)
        if to_stdout:
            return
        if not files:
            self.stdout.write("No packed orders to export.")
        for file in files:
            self.stdout.write(f"{out / file.filename}: {len(file.orders)} order(s) for "
                              f"{file.carrier.name}")
