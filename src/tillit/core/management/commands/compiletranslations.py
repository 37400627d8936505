"""Compile the .po message catalogues to .mo with polib, so no GNU gettext is needed."""

from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


def catalogues() -> list[Path]:
    return sorted(p for root in settings.LOCALE_PATHS for p in Path(root).rglob("*.po"))


class Command(BaseCommand):
    help = "Compile every .po catalogue under LOCALE_PATHS to its .mo file."

    def handle(self, *args, **options):
        found = catalogues()
        if not found:
            raise CommandError("No .po files under LOCALE_PATHS.")
        for po_path in found:
            catalogue = polib.pofile(str(po_path))
            catalogue.save_as_mofile(str(po_path.with_suffix(".mo")))
            self.stdout.write(f"{po_path.name}: {catalogue.percent_translated()} % translated")
