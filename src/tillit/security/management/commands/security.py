from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django_otp.plugins.otp_totp.models import TOTPDevice


class Command(BaseCommand):
    # IP addresses are hashed by the retention sweep: `tillit retention run`.
    help = ("Security tools: `tillit security totp-reset USER` removes a staff member's "
            "authenticator so they enrol a new one.")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        reset = sub.add_parser("totp-reset", help="remove a staff member's TOTP devices")
        reset.add_argument("username")

    def handle(self, *args, **options):
        if options["action"] == "totp-reset":
            user = get_user_model()._default_manager.filter(
                username__iexact=options["username"]).first()
            if user is None:
                raise CommandError("No account has that user ID.")
            deleted, _ = TOTPDevice.objects.filter(user=user).delete()
            self.stdout.write(f"Removed {deleted} authenticator(s) of {user.get_username()}; "
                              "they enrol a new one at their next staff login.")
