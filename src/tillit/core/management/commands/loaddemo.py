from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction


class Command(BaseCommand):
    help = "Load the demo shop (catalogue, demo accounts, processors). Safe to run again."

    def handle(self, *args, **options):
        with transaction.atomic():
            for app in apps.get_app_configs():
                if not app.name.startswith("tillit.") or not find_spec(f"{app.name}.demo"):
                    continue
                import_module(f"{app.name}.demo").load()
                if options["verbosity"] > 1:
                    self.stdout.write(f"loaded {app.name}.demo")
