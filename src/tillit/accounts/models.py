"""Customer and staff accounts (P06), registrations waiting for their e-mail confirmation,
and the address book (P12).

An account stores exactly what the policy lists: name, e-mail, phone, user ID, password
(only as an Argon2id hash) and company, plus the org.nr company buyers give.
"""

from django.contrib.auth.models import AbstractBaseUser, PermissionsMixin, UserManager
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.db import models
from django.db.models.functions import Lower, Upper
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AccountManager(UserManager):
    def get_by_natural_key(self, username):
        return self.get(username__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    username = models.CharField(
        _("user ID"), max_length=60, unique=True, validators=[UnicodeUsernameValidator()],
        help_text=_("Letters, digits and @/./+/-/_ only."),
        error_messages={"unique": _("That user ID is taken.")},
    )
    name = models.CharField(_("name"), max_length=150)
    email = models.EmailField(_("e-mail address"), max_length=254)
    phone = models.CharField(_("phone number"), max_length=30, blank=True)
    company = models.CharField(_("company"), max_length=150, blank=True)
    org_nr = models.CharField(_("company registration number (org.nr)"), max_length=20, blank=True)
    is_staff = models.BooleanField(_("staff"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("registered"), default=timezone.now)

    objects = AccountManager()

    USERNAME_FIELD = "username"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["email", "name"]

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
        constraints = [
            # Neutral wording: the form must not confirm who has an account (see forms.py).
            models.UniqueConstraint(
                Lower("email"), name="accounts_user_email_ci_unique",
                violation_error_message=_("Use another e-mail address."),
            ),
            models.UniqueConstraint(
                Lower("username"), name="accounts_user_username_ci_unique",
                violation_error_message=_("That user ID is taken."),
            ),
        ]

    def __str__(self) -> str:
        return self.username

    def get_full_name(self) -> str:
        return self.name

    def get_short_name(self) -> str:
        return self.name.split(" ", 1)[0] if self.name else self.username

    @property
    def is_company_buyer(self) -> bool:
        return bool(self.company)


class Address(models.Model):
    """An entry in a customer's address book."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="addresses")
    name = models.CharField(_("name"), max_length=150)
    company = models.CharField(_("company"), max_length=150, blank=True)
    street = models.CharField(_("street address"), max_length=200)
    postal_code = models.CharField(_("postal code"), max_length=12)
    city = models.CharField(_("city"), max_length=100)
    country = models.CharField(_("country"), max_length=2, default="SE",
                               choices=[("SE", _("Sweden"))])
    phone = models.CharField(_("phone number"), max_length=30, blank=True)
    is_default = models.BooleanField(_("default address"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-is_default", "name", "id"]
        verbose_name = _("address")
        verbose_name_plural = _("addresses")
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=models.Q(is_default=True),
                name="accounts_address_one_default_per_user",
                violation_error_message=_("Only one address can be the default."),
            ),
        ]

    def __str__(self) -> str:
        # Not the address itself: this text lands in logs such as the admin's change log.
        return f"Address #{self.pk}"

    def one_line(self) -> str:
        return f"{self.name}, {self.street}, {self.postal_code} {self.city}"


class PendingRegistration(models.Model):
    """A registration waiting for its owner to click the activation link sent to ``email``.

    It holds what the registration form took (the password already as its Argon2id hash)
    and becomes an account when the link is used; until then nobody can log in with it.
    The link is single-use and expires at ``expires_at``; only its SHA-256 ``digest`` is
    stored. Another registration with the same user ID or address is not refused because
    of this one (that would tell a visitor which addresses are waiting): the first link used
    wins, the others are then refused with a clear message.
    """

    username = models.CharField(_("user ID"), max_length=60)
    name = models.CharField(_("name"), max_length=150)
    email = models.EmailField(_("e-mail address"), max_length=254)
    phone = models.CharField(_("phone number"), max_length=30, blank=True)
    company = models.CharField(_("company"), max_length=150, blank=True)
    org_nr = models.CharField(_("company registration number (org.nr)"), max_length=20,
                              blank=True)
    password = models.CharField(_("password (hash)"), max_length=128)
    next_url = models.CharField(_("page to return to"), max_length=200, blank=True)
    digest = models.CharField(_("link digest"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("registered"), default=timezone.now)
    expires_at = models.DateTimeField(_("link expires"), db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("registration awaiting confirmation")
        verbose_name_plural = _("registrations awaiting confirmation")
        # The rights find a person's rows by e-mail, in any letter case.
        indexes = [models.Index(Upper("email"), name="accounts_pending_email_ci")]

    def __str__(self) -> str:
        # Not the address or the name: this text lands in logs.
        return f"Registration #{self.pk}"


class PendingEmailChange(models.Model):
    """A new e-mail address for an account, waiting for a click on the link sent to it.

    The profile edit does not change the address at once: the link proves that the new
    mailbox is the account holder's, and the answer on the page is the same whether or not
    another account has the address (no user enumeration). One per account; a newer
    request replaces it. The link is single-use and expires at ``expires_at``; only its
    SHA-256 ``digest`` is stored.
    """

    user = models.OneToOneField(User, on_delete=models.CASCADE,
                                related_name="pending_email_change",
                                verbose_name=_("account"))
    email = models.EmailField(_("new e-mail address"), max_length=254)
    digest = models.CharField(_("link digest"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("requested"), default=timezone.now)
    expires_at = models.DateTimeField(_("link expires"), db_index=True)

    class Meta:
        verbose_name = _("e-mail change awaiting confirmation")
        verbose_name_plural = _("e-mail changes awaiting confirmation")
        # The rights find a person's rows by e-mail, in any letter case: the owner of the
        # new address may ask too.
        indexes = [models.Index(Upper("email"), name="accounts_emailchange_email_ci")]

    def __str__(self) -> str:
        # Not the address: this text lands in logs.
        return f"E-mail change #{self.pk}"


class AccountSession(models.Model):
    """Which account a live session is logged in as.

    Django's database sessions name their account only inside the signed, encoded
    session data, so finding an account's sessions (for its access export and its
    erasure) meant decoding every live session, and the time grew with the shop's traffic.
    This row is the same fact in an indexed column. It is written whenever a logged-in
    session is saved (``accounts.signals``), so it follows the session through the new key
    Django gives it at login and on a password change, and it goes with the session.
    """

    session = models.OneToOneField("sessions.Session", primary_key=True,
                                   on_delete=models.CASCADE, related_name="+")
    # No database constraint: the row records what the session says, and a session may
    # still name an account that was deleted a moment ago; the account's erasure removes
    # its sessions and with them these rows.
    user = models.ForeignKey(User, on_delete=models.CASCADE, db_constraint=False,
                             related_name="+")

    class Meta:
        verbose_name = _("logged-in session")
        verbose_name_plural = _("logged-in sessions")

    def __str__(self) -> str:
        return f"Session of account #{self.user_id}"


class PasswordResetRequest(models.Model):
    """A request for a password-reset link, waiting for its task (``tasks.send_password_reset``).

    The request stores the address typed and enqueues a task with this row's id, for known
    and unknown addresses alike; the task looks the address up, sends the link if an
    account has it, and deletes the row. So the address waits here, in the data map, and
    not among the task backend's arguments.
    """

    email = models.EmailField(_("e-mail address"), max_length=254)
    protocol = models.CharField(_("protocol"), max_length=5)
    domain = models.CharField(_("domain"), max_length=253)
    language = models.CharField(_("language"), max_length=10)
    created_at = models.DateTimeField(_("requested"), default=timezone.now)

    class Meta:
        verbose_name = _("password reset request")
        verbose_name_plural = _("password reset requests")
        # The rights find a person's rows by e-mail, in any letter case.
        indexes = [models.Index(Upper("email"), name="accounts_pwreset_email_ci")]

    def __str__(self) -> str:
        # Not the address: this text lands in logs and task errors.
        return f"Password reset request #{self.pk}"
