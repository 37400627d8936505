"""Declarations for models that Django and the privacy core itself bring."""

from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.utils.translation import gettext_lazy as _

from tillit.privacy import datamap as dm

from .models import PolicyVersion, Processor

dm.declare(
    Session,
    title=_("Sessions"),
    subject=dm.Subject(session="session_key", kinds=("customer", "guest", "visitor")),
    fields={
        "session_key": dm.Field("user.device.cookie_id", dm.GENERATED),
        "session_data": dm.Field("user.behavior.browsing_history", dm.GENERATED),
    },
    uses=[
        dm.Use("essential.service", dm.CONTRACT,
               _("to keep you logged in and remember your cart between pages")),
        dm.Use("essential.service.security", dm.LEGITIMATE_INTEREST,
               _("to protect forms against forgery")),
    ],
    retention=dm.SessionLifetime(days=settings.SESSION_COOKIE_AGE // 86400),
    on_erasure=dm.DELETE,
    recipients=("hosting",),
)

dm.declare(
    LogEntry,
    title=_("Staff change log"),
    subject=dm.Subject(user="user", kinds=("staff",)),
    fields={
        "object_repr": dm.Field("system.operations", dm.GENERATED),
        "change_message": dm.Field("system.operations", dm.GENERATED),
        "object_id": dm.Field("system.operations", dm.GENERATED),
        "action_time": dm.Field("system.operations", dm.GENERATED),
    },
    uses=[dm.Use("essential.service.security", dm.LEGITIMATE_INTEREST,
                 _("to know which staff member changed what, and find mistakes and misuse"))],
    retention=dm.After("action_time", days=365, event=_("the change")),
    on_erasure=dm.ANONYMISE,
    recipients=("hosting",),
)

dm.no_personal_data(ContentType, "Django's table of model names.")
dm.no_personal_data(Permission, "Names of staff permissions.")
dm.no_personal_data(Group, "Names of staff roles; membership lives on the account.")
dm.no_personal_data(
    Processor, "The processor register: companies that process data for the shop."
)
dm.no_personal_data(PolicyVersion, "Published texts of the privacy policy.")
