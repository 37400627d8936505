"""The security records in the data map (P10, P11, P13, P18).

Login and failed-login records are kept 12 months for security (legitimate interest: find
and stop misuse of accounts). The IP address in them is kept raw for 30 days only, long
enough to throttle, block and investigate an attack, and is then replaced by a keyed
one-way hash (``HashAfter``), so that "the same address" can still be recognised in the
year's log but the address itself cannot be read back. The policy page says so in words.
"""

from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from tillit.privacy import datamap as dm

from .models import EnrolmentToken, FailedLogin, IPBlock, LoginRecord

SECURITY = dm.Use("essential.service.security", dm.LEGITIMATE_INTEREST,
                  _("to protect accounts: log logins, throttle guessing and block misuse"))
ROWS_KEPT = dm.After("created_at", days=365, event=_("the attempt"))
IP_RAW = dm.HashAfter("created_at", days=30, event=_("the attempt"), purpose="ip")

dm.declare(
    LoginRecord,
    title=_("Login log"),
    subject=dm.Subject(user="user", kinds=("customer", "staff")),
    fields={
        "created_at": dm.Field("user.authorization", dm.GENERATED),
        "ip": dm.Field("user.device.ip_address", dm.GENERATED, hash_after=IP_RAW),
        "user_agent": dm.Field("user.device.device_type", dm.GENERATED),
    },
    uses=[SECURITY],
    retention=ROWS_KEPT,
    on_erasure=dm.DELETE,
    recipients=("hosting",),
)

dm.declare(
    FailedLogin,
    title=_("Failed login attempts"),
    subject=dm.Subject(user="user", kinds=("customer", "staff", "visitor")),
    fields={
        "created_at": dm.Field("user.authorization", dm.GENERATED),
        "username": dm.Field("user.account.username"),
        "ip": dm.Field("user.device.ip_address", dm.GENERATED, hash_after=IP_RAW),
        "user_agent": dm.Field("user.device.device_type", dm.GENERATED),
    },
    not_personal=("reason",),
    uses=[SECURITY],
    retention=ROWS_KEPT,
    # The attempt stays, without the account or the name typed, as evidence against the
    # address it came from (which is hashed after 30 days).
    on_erasure=dm.Anonymise(clear=("user", "username")),
    recipients=("hosting",),
)

dm.declare(
    IPBlock,
    title=_("Blocked IP addresses"),
    subject=dm.Subject(kinds=("visitor",)),
    fields={
        "network": dm.Field("user.device.ip_address", dm.GENERATED),
        "reason": dm.Field("system.operations", dm.GENERATED),
        "created_by": dm.Field("system.operations", dm.GENERATED),
    },
    not_personal=("expires_at", "scope", "automatic", "created_at"),
    uses=[dm.Use("essential.service.security", dm.LEGITIMATE_INTEREST,
                 _("to block addresses that misuse the shop"))],
    # A block needs the raw address while it lasts; an ended block is kept a month so
    # staff can see what happened, then deleted.
    retention=dm.After("expires_at", days=30, event=_("the block ends")),
    on_erasure=dm.DELETE,
    made_by={"created_by": ()},
    recipients=("hosting",),
)

dm.declare(
    TOTPDevice,
    title=_("Staff two-factor authenticators"),
    subject=dm.Subject(user="user", kinds=("staff",)),
    fields={
        "name": dm.Field("system.operations", dm.GENERATED),
        "key": dm.Field("user.authorization.credentials", dm.GENERATED),
        "created_at": dm.Field("user.authorization", dm.GENERATED),
        "last_used_at": dm.Field("user.authorization", dm.GENERATED),
    },
    # The authenticator's settings and counters, the same for every member of staff.
    not_personal=("confirmed", "step", "t0", "digits", "tolerance", "drift", "last_t",
                  "throttling_failure_timestamp", "throttling_failure_count"),
    uses=[dm.Use("essential.service.security", dm.LEGITIMATE_INTEREST,
                 _("to make sure only staff reach staff pages (two-factor login)"))],
    retention=dm.WhileAccountExists(),
    on_erasure=dm.DELETE,
    recipients=("hosting",),
)

dm.declare(
    EnrolmentToken,
    title=_("Staff two-factor enrolment links"),
    subject=dm.Subject(user="user", kinds=("staff",)),
    fields={
        "created_at": dm.Field("user.authorization", dm.GENERATED),
        "expires_at": dm.Field("system.operations", dm.GENERATED),
        "used_at": dm.Field("user.authorization", dm.GENERATED),
        "created_by": dm.Field("system.operations", dm.GENERATED),
    },
    # Only a digest of the link is stored; it opens nothing once the link is gone.
    not_personal=("digest",),
    uses=[dm.Use("essential.service.security", dm.LEGITIMATE_INTEREST,
                 _("to make sure only staff reach staff pages (two-factor login)"))],
    retention=dm.After("created_at", days=30, event=_("the link was issued")),
    on_erasure=dm.DELETE,
    made_by={"created_by": ()},
    recipients=("hosting",),
)
