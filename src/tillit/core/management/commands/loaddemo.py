from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from tillit.core import demo


class Command(BaseCommand):
    help = "Load the demo shop (catalogue, demo accounts, processors). Safe to run again."

    def handle(self, *args, **options):
        if not getattr(settings, "TILLIT_DEMO", False):
            # The demo creates a staff superuser with a published password.
            raise CommandError("The demo shop loads only under demo settings "
                               "(tillit.settings.demo), never into a real shop.")
        with transaction.atomic():
            for module in demo.modules():
                module.load()
                if options["verbosity"] > 1:
                    self.stdout.write(f"loaded {module.__name__}")
