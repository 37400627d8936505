"""Deployment checks of the security layer (``tillit check --deploy``)."""

import ipaddress

from django.conf import settings
from django.core import checks

from . import conf


@checks.register(checks.Tags.security)
def check_thresholds(app_configs=None, **kwargs):
    """The throttle, abuse and rate-limit settings are well formed (a typo would otherwise
    surface as a server error at the first login)."""
    errors = []
    for name, validate in (("TILLIT_LOGIN_THROTTLE", conf.validate_login_throttle),
                           ("TILLIT_IP_ABUSE", conf.validate_ip_abuse),
                           ("TILLIT_RATE_LIMITS", conf.validate_rate_limits)):
        try:
            validate(getattr(settings, name, {}))
        except ValueError as exc:
            errors.append(checks.Error(f"{name}: {exc}.", id="tillit.security.E002"))
    for entry in conf.trusted_proxies():
        try:
            ipaddress.ip_network(entry.strip(), strict=False)
        except ValueError:
            errors.append(checks.Error(
                f"TILLIT_TRUSTED_PROXIES: {entry!r} is not an address or a CIDR range.",
                id="tillit.security.E002"))
    return errors


@checks.register(checks.Tags.security, deploy=True)
def check_security_layer(app_configs=None, **kwargs):
    errors = []
    if not conf.enabled():
        errors.append(checks.Error(
            "TILLIT_SECURITY_MIDDLEWARE is off: no IP blocklist, no staff two-factor.",
            hint="Switch it off only to measure its cost (bench/security_overhead.py).",
            id="tillit.security.E001"))
    if not conf.staff_otp_required():
        errors.append(checks.Warning(
            "Staff pages do not require two-factor authentication (TOTP).",
            hint="Set TILLIT_STAFF_OTP_REQUIRED = True (the production settings do).",
            id="tillit.security.W001"))
    return errors


@checks.register(checks.Tags.security, deploy=True)
def check_sms_callback_secret(app_configs=None, **kwargs):
    """The SMS gateway's callbacks are reached by a secret in their URL: one short enough
    to guess, or to pass unmasked into access logs, would let anyone record a STOPP."""
    secret = getattr(settings, "TILLIT_SMS", {}).get("callback_secret", "")
    if secret and len(secret) < 32:
        return [checks.Error("SMS_CALLBACK_SECRET must be at least 32 random characters "
                             "(e.g. python -c 'import secrets; print(secrets.token_urlsafe(32))').",
                             id="tillit.security.E010")]
    return []
