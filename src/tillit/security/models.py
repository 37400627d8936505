"""The login log (P11), the failed-login log (P13) and the IP blocklist (P10, P18).

IP addresses are stored raw for the period ``privacy.py`` declares and then replaced by a
keyed one-way hash by the retention sweep (``tillit retention run``), so the columns hold
either an address or ``hmac-sha256:...``; 80 characters fit both.
"""

import ipaddress

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

IP_LENGTH = 80
USER_AGENT_LENGTH = 300


class LoginRecord(models.Model):
    """One successful login: when, which account, from which address and browser."""

    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="+", verbose_name=_("account"))
    ip = models.CharField(_("IP address"), max_length=IP_LENGTH, blank=True)
    user_agent = models.CharField(_("browser (user agent)"), max_length=USER_AGENT_LENGTH,
                                  blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("login")
        verbose_name_plural = _("login log")
        indexes = [models.Index(fields=["user", "-created_at"], name="security_login_user")]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.user_id}"


class FailedLogin(models.Model):
    """One refused login attempt: wrong credentials, a cooled-down pair or account, or a
    blocked IP.

    ``username`` is what was typed (in lower case), whether or not an account has it;
    ``user`` is the account when it matched one.
    """

    class Reason(models.TextChoices):
        CREDENTIALS = "credentials", _("wrong user ID or password")
        THROTTLED = "throttled", _("refused: too many failed attempts (cooldown)")
        ACCOUNT_COOLDOWN = "account_cooldown", _(
            "refused: too many failed attempts at the account from several addresses")
        BLOCKED = "blocked", _("refused: the IP address is blocked")

    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    username = models.CharField(_("user ID tried"), max_length=150, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+",
                             verbose_name=_("account"))
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices,
                              default=Reason.CREDENTIALS)
    ip = models.CharField(_("IP address"), max_length=IP_LENGTH, blank=True)
    user_agent = models.CharField(_("browser (user agent)"), max_length=USER_AGENT_LENGTH,
                                  blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("failed login")
        verbose_name_plural = _("failed logins")
        indexes = [
            models.Index(fields=["ip", "created_at"], name="security_failed_ip"),
            models.Index(fields=["username", "ip", "created_at"], name="security_failed_pair"),
            models.Index(fields=["user", "-created_at"], name="security_failed_user"),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.get_reason_display()}"


def normalise_network(value: str) -> str:
    """A single address or a CIDR range in canonical form (``203.0.113.0/24``; a single
    address gets no prefix length). Raises ``ValidationError`` for anything else."""
    try:
        network = ipaddress.ip_network(value.strip(), strict=True)
    except ValueError as exc:
        raise ValidationError(
            _("Enter an IP address (203.0.113.7) or a range in CIDR form (203.0.113.0/24) "
              "with no host bits set."), code="network") from exc
    if network.num_addresses == 1:
        return str(network.network_address)
    return str(network)


class IPBlockQuerySet(models.QuerySet):
    def active(self, now=None):
        return self.filter(expires_at__gt=now or timezone.now())


class IPBlock(models.Model):
    """An entry of the IP blocklist: requests from ``network`` get a 403 page until
    ``expires_at``. Staff add and remove entries in the admin, each covering the whole shop
    or only logins and new accounts (``scope``); credential stuffing adds them
    automatically (``automatic``), for logins and new accounts only, so that a proxy's
    address blocked by mistake never shuts customers out of the shop."""

    class Scope(models.TextChoices):
        SITE = "site", _("the whole shop")
        LOGIN = "login", _("logins and new accounts only")

    network = models.CharField(
        _("IP address or range"), max_length=50,
        help_text=_("A single address (203.0.113.7) or a CIDR range (203.0.113.0/24)."),
    )
    reason = models.CharField(_("reason"), max_length=300)
    expires_at = models.DateTimeField(_("blocked until"))
    scope = models.CharField(
        _("blocks"), max_length=10, choices=Scope.choices, default=Scope.SITE,
        help_text=_("The whole shop, or only logging in, registering and password resets "
                    "(browsing and buying go on)."))
    automatic = models.BooleanField(_("added automatically"), default=False)
    created_at = models.DateTimeField(_("added"), default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+",
                                   verbose_name=_("added by"))

    objects = IPBlockQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("IP block")
        verbose_name_plural = _("IP blocklist")
        indexes = [models.Index(fields=["expires_at"], name="security_block_expiry")]

    def __str__(self) -> str:
        return self.network

    def clean(self):
        if self.network:
            self.network = normalise_network(self.network)


class EnrolmentToken(models.Model):
    """A single-use, expiring link that lets one member of staff enrol an authenticator
    (TOTP). Without one, a password alone cannot add a second factor: whoever stole a
    password would otherwise enrol their own. Issued by a superuser in the admin or on the
    command line (``tillit security totp-enrol USER``); only its SHA-256 digest is stored.
    ``created_by`` is empty for links made on the command line."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="+", verbose_name=_("staff member"))
    digest = models.CharField(_("link digest"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("issued"), default=timezone.now, editable=False)
    expires_at = models.DateTimeField(_("expires"), editable=False)
    used_at = models.DateTimeField(_("used"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+",
                                   verbose_name=_("issued by"), editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("two-factor enrolment link")
        verbose_name_plural = _("two-factor enrolment links")

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.user_id}"
