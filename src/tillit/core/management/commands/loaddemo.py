from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction


class Command(BaseCommand):
    help = "Load the demo shop (catalogue, demo accounts, processors). Safe to run again."

    def handle(self, *args, **options):
        if not getattr(settings, "TILLIT_DEMO", False):
            # The demo creates a staff superuser with a published password.
            raise CommandError("The demo shop loads only under demo settings "
                               "(tillit.settings.demo), never into a real shop.")
        with transaction.atomic():
            for app in apps.get_app_configs():
                if not app.name.startswith("tillit.") or not find_spec(f"{app.name}.demo"):
                    continue
                import_module(f"{app.name}.demo").load()
                if options["verbosity"] > 1:
                    self.stdout.write(f"loaded {app.name}.demo")
