"""Declarations for models that Django and the privacy core itself bring."""

from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tillit.core.phone import same_mobile
from tillit.privacy import datamap as dm
from tillit.privacy import retention, services

from .models import (
    AuditEvent,
    Consent,
    ConsentText,
    Disclosure,
    LegalHold,
    PolicyVersion,
    PrivacyRequest,
    Recipient,
    RecipientNotice,
    RequestToken,
    Restriction,
)


def admin_log_about(model, person):
    """The admin change log's entries about the person's own account: the admin writes the
    account's user ID into each (``object_repr``)."""
    if person.account is None:
        return model.objects.none()
    account = person.account._meta.model
    return model.objects.filter(content_type=ContentType.objects.get_for_model(account),
                                object_id=str(person.account.pk))


dm.declare(
    LogEntry,
    title=_("Staff change log"),
    # A row is the customer's when it is about their account, and the staff member's who
    # made it (made_by).
    subject=dm.Subject(kinds=("staff", "customer"), finder=admin_log_about),
    fields={
        # The changed object's name as the admin shows it: for an account, its user ID.
        "object_repr": dm.Field("user.account.username", dm.GENERATED),
        "change_message": dm.Field("system.operations", dm.GENERATED),
        "object_id": dm.Field("system.operations", dm.GENERATED),
        "action_time": dm.Field("system.operations", dm.GENERATED),
        "user": dm.Field("system.operations", dm.GENERATED),
    },
    uses=[dm.Use("essential.service.security", dm.LEGITIMATE_INTEREST,
                 _("to know which staff member changed what, and find mistakes and misuse"))],
    retention=dm.After("action_time", days=365, event=_("the change")),
    # Who changed what stays answerable for the year the log is kept, also after a member
    # of staff is erased: their entries move to the stand-in account for erased staff (the
    # column cannot be empty), what was changed stays; an entry about an erased customer's
    # account keeps only a keyed hash of the user ID.
    on_erasure=dm.Anonymise(hash=("object_repr",)),
    made_by={"user": ()},
    recipients=("hosting",),
    not_personal=("action_flag", "content_type"),
)

dm.no_personal_data(ContentType, "Django's table of model names.")
dm.no_personal_data(Permission, "Names of staff permissions.",
                    not_personal={"name": "names a permission, e.g. 'Can change order'"})
dm.no_personal_data(Group, "Names of staff roles; membership lives on the account.",
                    not_personal={"name": "names a staff role, e.g. 'Order handler'"})
dm.no_personal_data(
    Recipient, "The recipient register: the companies that receive data from the shop.",
    not_personal={"name": "names a company that receives data from the shop"},
)
dm.no_personal_data(PolicyVersion, "Published texts of the privacy policy.")
dm.no_personal_data(ConsentText, "The texts people were shown when asked for consent; the "
                    "ledger row says who saw one.",
                    not_personal={"text": "the words of a form, the same for everyone who saw "
                                          "it: the shop's own, or for a supplier's contact "
                                          "the words of the supplier's form as it passed "
                                          "them on (never a person's own free text: a "
                                          "STOPP keeps only the stop word)"})

# The consent ledger. Kept as proof while a consent is in force and three years after
# (a claim about a message sent, preskriptionslagen's shortest reach for such claims); an
# erased person's rows stay as keyed hashes, so that no later import or sign-up under the
# same address or number can be taken for a consent they never gave.
CONSENT_KEPT = dm.ConsentProof(days=365 * 3)


def consents_by_phone(model, person):
    """An SMS no answered from a phone whose number had no yes names only the number: it is
    the account holder's when the number is the one on their account, as typed there or in
    the E.164 form the SMS topics record (+46701234567)."""
    phone = getattr(person.account, "phone", "")
    numbers = {n for n in (phone, same_mobile(phone)) if n}
    # Only rows that name nobody but the number: a number typed on one's own profile must
    # not open rows that carry someone else's address.
    return (model.objects.filter(phone__in=numbers, email="", user__isnull=True)
            if numbers else model.objects.none())


dm.declare(
    Consent,
    title=_("What you have agreed to or said no to (consents)"),
    subject=dm.Subject(user="user", email="email", kinds=("customer", "guest", "visitor"),
                       finder=consents_by_phone),
    fields={
        "email": dm.Field("user.contact.email"),
        "phone": dm.Field("user.contact.phone_number"),
        "visitor": dm.Field("user.device.cookie_id", dm.GENERATED),
        "topic": dm.Field("user.account.settings"),
        "given": dm.Field("user.account.settings"),
        "occurred_at": dm.Field("system.operations", dm.GENERATED),
        "note": dm.Field("user.content.private", dm.GENERATED),
        "proof": dm.Field("user.unique_id", dm.THIRD_PARTY),
        "recorded_by": dm.Field("system.operations", dm.GENERATED),
        "ip": dm.Field("user.device.ip_address", dm.GENERATED,
                       hash_after=dm.HashAfter("occurred_at", days=30,
                                               event=_("your choice"), purpose="ip")),
    },
    uses=[dm.Use("marketing.consent", dm.LEGAL_OBLIGATION,
                 _("to show that we had your consent before we used it, and to respect "
                   "your no (GDPR art. 7.1)"))],
    retention=CONSENT_KEPT,
    on_erasure=dm.Anonymise(
        clear=("user", "note"), hash=("email", "phone", "visitor", "ip"),
        hash_why=_("so that we can show we had your consent for what we sent, and never "
                   "take a later sign-up under your address for one you gave")),
    made_by={"recorded_by": ()},
    recipients={"hosting": None},
    not_personal=("basis", "text", "method"),
)

dm.declare(
    Disclosure,
    title=_("Record of disclosures to third parties"),
    subject=dm.Subject(user="user", email="email", session="session_ref",
                       kinds=("customer", "guest")),
    fields={
        "email": dm.Field("user.contact.email", dm.GENERATED),
        "session_ref": dm.Field("user.device.cookie_id", dm.GENERATED),
        "recipient": dm.Field("system.operations", dm.GENERATED),
        "categories": dm.Field("system.operations", dm.GENERATED),
        "reference": dm.Field("user.unique_id", dm.GENERATED),
        "legal_ground": dm.Field("system.operations", dm.GENERATED),
        "occurred_at": dm.Field("system.operations", dm.GENERATED),
        "recorded_by": dm.Field("system.operations", dm.GENERATED),
    },
    uses=[
        dm.Use("essential.legal_obligation", dm.LEGAL_OBLIGATION,
               _("to account for every disclosure and tell you who received your data")),
    ],
    # Kept as long as a claim about the disclosure can be made (preskriptionslagen).
    retention=dm.After("occurred_at", days=365 * 10, event=_("the disclosure")),
    on_erasure=dm.Anonymise(
        clear=("user", "session_ref"), hash=("email",),
        hash_why=_("so that we can still account for the disclosure when you ask or an "
                   "authority does (GDPR art. 17.3 b and 5.2)")),
    made_by={"recorded_by": ()},
    recipients={"hosting": None},
    not_personal=("recipient_kind", "registered", "purpose", "legal_basis", "secret"),
    withhold=Q(secret=True),
)

dm.declare(
    AuditEvent,
    title=_("Audit log of privacy actions"),
    subject=dm.Subject(user="subject", kinds=("customer", "guest", "staff")),
    fields={
        "subject_ref": dm.Field("user.unique_id", dm.GENERATED),
        "actor_label": dm.Field("system.operations", dm.GENERATED),
        "target": dm.Field("system.operations", dm.GENERATED),
        "detail": dm.Field("system.operations", dm.GENERATED),
        "occurred_at": dm.Field("system.operations", dm.GENERATED),
        "actor": dm.Field("system.operations", dm.GENERATED),
    },
    uses=[
        dm.Use("essential.legal_obligation", dm.LEGAL_OBLIGATION,
               _("to show that we handle personal data as the law requires (GDPR art. 5.2)")),
        dm.Use("essential.service.security", dm.LEGITIMATE_INTEREST,
               _("to find misuse of staff access")),
    ],
    retention=dm.After("occurred_at", days=365 * 3, event=_("the event")),
    on_erasure=dm.Anonymise(clear=("subject",)),
    # An erased member of staff's events stay, under a keyed hash of their user ID.
    made_by={"actor": ("actor_label",)},
    recipients=("hosting", "auditor"),
    # The events about a disclosure or a hold under legal secrecy stay out of the person's
    # export as the disclosure and the hold do.
    # (has_key too: an event without the key must not fall out with the NULL it gives.)
    withhold=Q(detail__has_key="secret", detail__secret=True),
    not_personal=("action",),
)

dm.declare(
    LegalHold,
    title=_("Legal holds"),
    subject=dm.Subject(user="user", email="email", kinds=("customer", "guest")),
    fields={
        "email": dm.Field("user.contact.email", dm.GENERATED),
        "reason": dm.Field("system.operations", dm.GENERATED),
        "until": dm.Field("system.operations", dm.GENERATED),
        "created_at": dm.Field("system.operations", dm.GENERATED),
        "lifted_at": dm.Field("system.operations", dm.GENERATED),
        "created_by": dm.Field("system.operations", dm.GENERATED),
    },
    uses=[dm.Use("essential.legal_claims", dm.LEGITIMATE_INTEREST,
                 _("to keep data that a legal claim or an authority needs"))],
    # Kept while it matters, then as long as a claim about it can be made.
    retention=dm.After("created_at", days=365 * 10, event=_("the hold was set")),
    on_erasure=dm.Keep(basis=dm.LEGITIMATE_INTEREST, reason=_("the legal claim")),
    made_by={"created_by": ()},
    recipients=("hosting",),
    not_personal=("secret",),
    # A hold under legal secrecy stays out of the person's export (GDPR art. 23).
    withhold=Q(secret=True),
)

dm.declare(
    RecipientNotice,
    title=_("Notices to recipients about corrections and erasures"),
    # The row names no person: only the recipient's own references to its records.
    subject=dm.Subject(kinds=("customer", "guest")),
    fields={
        "references": dm.Field("user.unique_id", dm.GENERATED),
        "fields": dm.Field("system.operations", dm.GENERATED),
        "done_by": dm.Field("system.operations", dm.GENERATED),
    },
    not_personal=("reason", "recipient", "recipient_kind", "created_at", "done_at"),
    uses=[dm.Use("essential.legal_obligation", dm.LEGAL_OBLIGATION,
                 _("to tell those who received your data that it was corrected or erased "
                   "(GDPR art. 19)"))],
    retention=dm.After("created_at", days=365 * 3, event=_("the notice was made")),
    on_erasure=dm.Keep(reason=_("showing that recipients were told")),
    made_by={"done_by": ()},
    recipients=("hosting",),
)

dm.declare(
    PrivacyRequest,
    title=_("Your requests about your personal data"),
    subject=dm.Subject(user="user", email="email", kinds=("customer", "guest")),
    fields={
        "email": dm.Field("user.contact.email"),
        "kind": dm.Field("user.content.private"),
        "message": dm.Field("user.content.private"),
        "note": dm.Field("user.content.private", dm.GENERATED),
        "received_at": dm.Field("system.operations", dm.GENERATED),
        "deadline": dm.Field("system.operations", dm.GENERATED),
        "verified_at": dm.Field("system.operations", dm.GENERATED),
        "closed_at": dm.Field("system.operations", dm.GENERATED),
        "handled_by": dm.Field("system.operations", dm.GENERATED),
    },
    not_personal=("status", "channel"),
    uses=[dm.Use("essential.legal_obligation", dm.LEGAL_OBLIGATION,
                 _("to answer your request within the time the law sets, and to show that "
                   "we did (GDPR art. 12 and 5.2)"))],
    # Requests nobody verified are deleted after a month by the sweep (privacy.requests).
    retention=dm.After("received_at", days=365 * 3, event=_("the request was received")),
    # The request stays as proof that it was answered, without the person's address.
    on_erasure=dm.Anonymise(
        clear=("user", "note", "message"), hash=("email",),
        hash_why=_("so that we can show that we answered your request (GDPR art. 17.3 b "
                   "and 5.2)")),
    made_by={"handled_by": ()},
    recipients=("hosting",),
)

dm.declare(
    RequestToken,
    title=_("Verification and download links we sent you"),
    subject=dm.Subject(user="request__user", email="request__email",
                       kinds=("customer", "guest")),
    fields={
        "session_ref": dm.Field("user.device.cookie_id", dm.GENERATED),
        "created_at": dm.Field("system.operations", dm.GENERATED),
        "expires_at": dm.Field("system.operations", dm.GENERATED),
        "used_at": dm.Field("system.operations", dm.GENERATED),
    },
    # Only a digest of the link is stored; it opens nothing once the link is gone.
    not_personal=("purpose", "digest"),
    uses=[dm.Use("essential.service.security", dm.LEGITIMATE_INTEREST,
                 _("to make sure only you can see or erase your data"))],
    retention=dm.After("created_at", days=30, event=_("the link was sent")),
    on_erasure=dm.DELETE,
    recipients=("hosting",),
)

dm.declare(
    Restriction,
    title=_("Restrictions of processing"),
    subject=dm.Subject(user="user", email="email", kinds=("customer", "guest")),
    fields={
        "email": dm.Field("user.contact.email"),
        "ground": dm.Field("user.content.private"),
        "request": dm.Field("system.operations", dm.GENERATED),
        "placed_at": dm.Field("system.operations", dm.GENERATED),
        "placed_by": dm.Field("system.operations", dm.GENERATED),
        "lifted_at": dm.Field("system.operations", dm.GENERATED),
        "lifted_by": dm.Field("system.operations", dm.GENERATED),
    },
    uses=[dm.Use("essential.legal_obligation", dm.LEGAL_OBLIGATION,
                 _("to keep your data but not use it while you asked us to, and to show "
                   "that we did (GDPR art. 18)"))],
    # In force until lifted; then kept as the proof of how the request was answered, as
    # long as the request itself.
    retention=dm.After("lifted_at", days=365 * 3, event=_("the restriction was lifted")),
    on_erasure=dm.DELETE,
    made_by={"placed_by": (), "lifted_by": ()},
    recipients=("hosting",),
)

# Requests nobody verified go after a month; erasures that waited for open orders or a hold
# are carried out once nothing stands in the way.
retention.register_pass("unverified privacy requests", services.sweep_unverified)
retention.register_pass("waiting erasures", services.sweep_waiting_erasures)

# The words for what the core stores in its own structured fields: an audit event's details.
dm.words(
    keys={"model": _("record"), "fields": _("fields"), "change": _("change"),
          "channel": _("how it came"), "recipient_kind": _("recipient"),
          "categories": _("information"), "secret": _("under legal secrecy"),
          "until": _("until"), "page": _("page"), "reason": _("reason"),
          "records": _("records"), "disclosures": _("disclosures"),
          "deleted": _("deleted"), "anonymised": _("anonymised"), "kept": _("kept"),
          "recipient_notices": _("notices to recipients"), "override": _("override"),
          "override_reason": _("reason for the override"), "ground": _("ground")},
    values={"change": {"added": _("added"), "changed": _("changed"), "deleted": _("deleted"),
                       "set": _("set"), "lifted": _("lifted"),
                       "placed": pgettext_lazy("restriction", "placed")},
            "ground": {str(k): v for k, v in Restriction.Ground.choices},
            "channel": {str(k): v for k, v in PrivacyRequest.Channel.choices}},
)
