from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from tillit.security import conf, services


class Command(BaseCommand):
    # IP addresses are hashed by the retention sweep: `tillit retention run`.
    help = ("Security tools: `tillit security totp-enrol USER` "
            "prints a single-use link with which a staff member enrols an authenticator; "
            "`tillit security totp-reset USER` removes a staff member's authenticator (they "
            "then need a new enrolment link).")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        enrol = sub.add_parser("totp-enrol",
                               help="print a single-use link to enrol a staff member's TOTP")
        enrol.add_argument("username")
        reset = sub.add_parser("totp-reset", help="remove a staff member's TOTP devices")
        reset.add_argument("username")

    def _user(self, username):
        user = get_user_model()._default_manager.filter(username__iexact=username).first()
        if user is None:
            raise CommandError("No account has that user ID.")
        return user

    def handle(self, *args, **options):
        if options["action"] == "totp-enrol":
            user = self._user(options["username"])
            try:
                raw = services.issue_enrolment(user)
            except ValueError as exc:
                raise CommandError(f"{user.get_username()} is not active staff.") from exc
            link = settings.TILLIT_PUBLIC_URL.rstrip("/") + reverse("security:enrol", args=[raw])
            self.stdout.write(
                f"Enrolment link for {user.get_username()} (works once, only when logged in "
                f"as them, for {conf.totp_enrol_hours()} hours; not shown again):\n{link}")
        elif options["action"] == "totp-reset":
            user = self._user(options["username"])
            deleted, _ = TOTPDevice.objects.filter(user=user).delete()
            self.stdout.write(f"Removed {deleted} authenticator(s) of {user.get_username()}; "
                              "they need a new enrolment link: "
                              f"tillit security totp-enrol {user.get_username()}")
