"""Writes for the rights end to end (P29-P33): requests with their deadline, e-mail
verification, one-time export downloads, erasure with its confirmation e-mail. The engines
live in ``export.py`` and ``erasure.py``; this module is the workflow around them.
Rectification with its Art. 19 notices is in ``rectification.py``, legal holds in
``holds.py``, restrictions of processing (art. 18) in ``restrictions.py``, disclosures
staff record by hand in ``disclosures.py``; they are named here too, so callers have one
place for the rights' writes.

Links (e-mail verification, export download) are random tokens given to the requester once;
only a SHA-256 digest is stored. Each works once and expires. :class:`LinkRefused` carries
the HTTP status a view should answer with: 404 for a link that is not (or not yours), 410
for one that was used or has expired.

The guest form does the same work for every address (a request row, a token, one neutral
e-mail), whether or not the shop knows it: nothing is looked up before the mailbox owner
clicks, so neither the answer nor its timing tells a visitor who is a customer.

Settings: ``TILLIT_EXPORT_LINK_DAYS`` (7), ``TILLIT_PRIVACY_VERIFY_HOURS`` (24).
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from tillit.core import mail
from tillit.core.tokens import LinkRefused

from . import erasure, export, selectors
from .datamap import Person
from .disclosures import record_by_staff
from .hashing import keyed_hash
from .holds import lift_hold, set_hold
from .ledger import audit, staff_actor
from .models import (
    AuditEvent,
    PrivacyRequest,
    RequestToken,
)
from .rectification import (
    changed_fields,
    notice_done,
    record_rectification,
    record_self_service_change,
    staff_rectify,
)
from .request_links import find_token, new_token, usable
from .requests import close_request, one_month_after, open_request, person_of
from .restrictions import lift as lift_restriction
from .restrictions import place as place_restriction
from .waiting import (
    check_withdrawal,
    tell_waiting,
    waiting_erasure,
    withdraw,
    withdraw_by_link,
)

__all__ = ["changed_fields", "check_withdrawal", "close_request", "lift_hold",
           "lift_restriction", "notice_done", "one_month_after", "open_request", "person_of",
           "place_restriction", "record_by_staff",
           "record_rectification", "record_self_service_change", "set_hold", "staff_rectify",
           "waiting_erasure", "withdraw", "withdraw_by_link"]

Kind, Status, Channel = PrivacyRequest.Kind, PrivacyRequest.Status, PrivacyRequest.Channel
Purpose = RequestToken.Purpose

# What a visitor may ask for by e-mail address; restriction and objection go to staff,
# who answer within the month like any request.
GUEST_KINDS = (Kind.ACCESS, Kind.ERASURE, Kind.RESTRICTION, Kind.OBJECTION)
# A verified guest keeps the right to act on the request in this browser for so long.
VERIFIED_SESSION_MINUTES = 60
# Unverified guest requests go after this many days (the sweep pass below).
UNVERIFIED_KEPT_DAYS = 30
# At most so many unverified requests per address and day: the form cannot be used to
# flood someone's mailbox. The cap applies to every address alike.
MAX_UNVERIFIED_PER_DAY = 3


def export_link_days() -> int:
    return int(getattr(settings, "TILLIT_EXPORT_LINK_DAYS", 7))


def verify_hours() -> int:
    return int(getattr(settings, "TILLIT_PRIVACY_VERIFY_HOURS", 24))


# Tokens ---------------------------------------------------------------------------------


def session_ref(session_key: str | None) -> str:
    return keyed_hash(session_key, "privacy-download-session") if session_key else ""


# Guests: ask by e-mail, verify by clicking ---------------------------------------------


def ask_by_email(email: str, kind: str, *, link: Callable[[str], str],
                 language: str | None = None, message: str = "") -> None:
    """A visitor asks, by e-mail address, for a copy of their data or its erasure.

    Every address gets the same treatment: a request awaiting verification and one neutral
    e-mail with a single-use link; nothing about the address is looked up until the link is
    used. ``link(token)`` makes the absolute URL of the verification page."""
    if kind not in GUEST_KINDS:
        raise ValueError(f"Guests cannot ask for {kind!r} through the form.")
    email = email.strip()
    since = timezone.now() - dt.timedelta(days=1)
    with transaction.atomic():
        recent = PrivacyRequest.objects.filter(
            email__iexact=email, status=Status.UNVERIFIED, received_at__gte=since).count()
        if recent >= MAX_UNVERIFIED_PER_DAY:
            return
        req = open_request(kind, channel=Channel.EMAIL, email=email,
                           status=Status.UNVERIFIED, message=message)
        raw = new_token(req, Purpose.VERIFY, dt.timedelta(hours=verify_hours()))
        # Sent inside the transaction: if the mail cannot go, no dangling request is left.
        mail.send("privacy/email/verify", {
            "kind": kind, "url": link(raw), "hours": verify_hours(),
        }, [email], language=language)


def check_verification(raw: str) -> RequestToken:
    """The verification token ``raw``, if it can still be used (does not use it)."""
    return usable(find_token(raw, Purpose.VERIFY))


def verify(raw: str) -> PrivacyRequest:
    """Use the verification link: the request is verified and open, its deadline counting
    from the day it was received."""
    with transaction.atomic():
        token = usable(find_token(raw, Purpose.VERIFY, lock=True))
        token.used_at = timezone.now()
        token.save(update_fields=["used_at"])
        req = token.request
        if req.status == Status.UNVERIFIED:
            req.status, req.verified_at = Status.OPEN, token.used_at
            req.save(update_fields=["status", "verified_at"])
        return req


def verified_person(req: PrivacyRequest) -> Person:
    """Whose data a verified request reaches. An account's request: the account as it is
    now. A guest's: the records found by the address, and the account that has the address
    (its holder has just proved they hold the mailbox, the same proof a password reset
    asks for)."""
    if req.user is not None:
        return Person.of(req.user)
    return Person(user=selectors.account_with_email(req.email), email=req.email)


# Access exports -------------------------------------------------------------------------


def grant_download(req: PrivacyRequest, *, session_key: str | None = None) -> str:
    """A one-time download link for ``req``'s export, valid ``TILLIT_EXPORT_LINK_DAYS``.
    For a guest's request it is bound to the browser session ``session_key``."""
    bind = "" if req.user_id else session_ref(session_key)
    if not req.user_id and not bind:
        raise ValueError("A guest's download link must be bound to a browser session.")
    return new_token(req, Purpose.DOWNLOAD, dt.timedelta(days=export_link_days()), bind)


def request_export(user) -> str:
    """Self-service access request by a logged-in account holder: recorded, and answered
    at once with a one-time download link (the token)."""
    with transaction.atomic():
        req = open_request(Kind.ACCESS, channel=Channel.SELF_SERVICE, user=user,
                           verified=True)
        return grant_download(req)


def check_download(raw: str, *, user, session_key: str | None) -> RequestToken:
    """The download token ``raw`` if it belongs to this visitor: for an account's request,
    only that logged-in account; for a guest's, only the browser session it was made for.
    Anyone else gets 404 (as if the link did not exist); used or expired: 410."""
    token = find_token(raw, Purpose.DOWNLOAD)
    req = token.request
    if req.user_id is not None:
        mine = getattr(user, "pk", None) == req.user_id
    else:
        mine = bool(session_key) and secrets.compare_digest(token.session_ref,
                                                            session_ref(session_key))
    if not mine:
        raise LinkRefused(404, "unknown")
    return usable(token)


def take_download(raw: str, *, user, session_key: str | None,
                  language: str | None = None) -> tuple[bytes, str]:
    """Use the download link: build the archive now, log the export, close the request.
    Returns the ZIP and a file name. The link cannot be used again."""
    check_download(raw, user=user, session_key=session_key)
    with transaction.atomic():
        token = usable(find_token(raw, Purpose.DOWNLOAD, lock=True))
        token.used_at = timezone.now()
        token.save(update_fields=["used_at"])
        req = token.request
        person = verified_person(req)
        blob, data = export.build_archive(person, language)
        _audit_export(person, data, actor=staff_actor(user), channel=req.channel, request=req)
        if not req.is_closed:
            close_request(req)
    return blob, _filename(data)


def staff_export(person: Person, *, actor, req: PrivacyRequest | None = None,
                 language: str | None = None) -> tuple[bytes, str]:
    """Staff build the export for a requester whose identity they have verified; it is
    handed over by staff. An open access request of the person is closed with it."""
    with transaction.atomic():
        blob, data = export.build_archive(person, language)
        _audit_export(person, data, actor=actor, channel=Channel.STAFF, request=req)
        if req is not None and req.kind == Kind.ACCESS and not req.is_closed:
            close_request(req, actor=actor)
    return blob, _filename(data)


def _filename(data: dict) -> str:
    return f"personuppgifter-{data['generated_at'][:10]}.zip"


def _audit_export(person: Person, data: dict, *, actor, channel: str,
                  request: PrivacyRequest | None) -> None:
    audit(AuditEvent.Action.EXPORT, actor=staff_actor(actor), subject=person.account,
          subject_email=person.email,
          target=f"privacy.PrivacyRequest:{request.pk}" if request else "access export",
          detail={"channel": channel,
                  "records": {r["model"]: len(r["rows"]) for r in data["records"]},
                  "disclosures": len(data["disclosures"])})


# Erasure --------------------------------------------------------------------------------


def erase(person: Person, *, actor=None, req: PrivacyRequest | None = None,
          override_reason: str = "", language: str | None = None) -> erasure.Plan:
    """Erase ``person`` (``erasure.execute``) and send the confirmation e-mail inside the
    transaction, to the address before it is erased: no mail, no erasure. ``req`` is closed
    with it. Refused (:class:`erasure.ErasureRefused`) under a legal hold, or with open
    orders unless staff give ``override_reason``; ``req`` then waits, and the nightly sweep
    carries it out once nothing stands in the way."""
    address = person.email or getattr(person.user, "email", "")
    name = getattr(person.user, "name", "") if person.user is not None else ""
    staff = staff_actor(actor)
    channel = req.channel if req is not None else (Channel.STAFF if staff else "")

    def erase_and_confirm() -> erasure.Plan:
        with transaction.atomic():
            plan = erasure.execute(person, override_reason=override_reason)
            _audit_erasure(plan, subject_email=address, actor=staff, channel=channel,
                           override_reason=override_reason)
            # Last in the transaction, while the address still exists: no mail, no erasure.
            if address:
                mail.send("privacy/email/erased", {"plan": plan, "name": name}, [address],
                          language=language)
            if req is not None:
                req.refresh_from_db()  # the erasure has just anonymised it
                close_request(req, actor=staff,
                              note=_("Override: %(reason)s") % {"reason": override_reason}
                              if override_reason else "")
        return plan

    try:
        return erasure.retrying(erase_and_confirm)
    except erasure.ErasureRefused as refused:
        if req is not None and not req.is_closed and req.status != Status.WAITING:
            req.status = Status.WAITING
            req.save(update_fields=["status"])
            # Told once, when it starts to wait: what for, and that it happens by itself.
            tell_waiting(req, refused.shown, address=address, name=name, language=language)
        raise refused from None


def _audit_erasure(plan: erasure.Plan, *, subject_email: str, actor, channel: str,
                   override_reason: str) -> None:
    """The erasure's audit event: counts per model, no values. It names the person only by
    the keyed hash of the e-mail (the account it would link to is gone)."""
    reason = override_reason.strip()
    audit(AuditEvent.Action.ERASURE, actor=actor, subject=None, subject_email=subject_email,
          target=f"{len(plan.steps)} records",
          detail={"deleted": {s.model: s.count for s in plan.deleted},
                  "anonymised": {s.model: s.count for s in plan.anonymised},
                  "kept": {s.model: s.count for s in plan.kept},
                  "recipient_notices": plan.recipient_notices,
                  "override": plan.overridden,
                  **({"override_reason": reason} if plan.overridden else {}),
                  **({"channel": channel} if channel else {})})


def request_erasure(user, *, language: str | None = None) -> erasure.Plan:
    """Self-service erasure by a logged-in account holder who has re-entered the password.
    Recorded as a request; carried out now, or left waiting (and refused here) while an
    order is open or a legal hold applies."""
    req = PrivacyRequest.objects.filter(user=user, kind=Kind.ERASURE,
                                        status=Status.WAITING).first()
    if req is None:
        req = open_request(Kind.ERASURE, channel=Channel.SELF_SERVICE, user=user,
                           verified=True)
    return erase(Person.of(user), actor=user, req=req, language=language)


def sweep_waiting_erasures(now: dt.datetime, dry_run: bool) -> int:
    """Retention pass: carry out erasures that waited for open orders or a legal hold."""
    done = 0
    for req in PrivacyRequest.objects.filter(kind=Kind.ERASURE, status=Status.WAITING):
        person = person_of(req)
        plan = erasure.preview(person)
        if plan.holds or plan.blockers or plan.waits:
            continue
        if not dry_run:
            erase(person, req=req)
        done += 1
    return done


def sweep_unverified(now: dt.datetime, dry_run: bool) -> int:
    """Retention pass: requests nobody verified go after ``UNVERIFIED_KEPT_DAYS``."""
    rows = PrivacyRequest.objects.filter(
        status=Status.UNVERIFIED,
        received_at__lt=now - dt.timedelta(days=UNVERIFIED_KEPT_DAYS))
    if dry_run:
        return rows.count()
    return rows.delete()[1].get(PrivacyRequest._meta.label, 0)


def ask_for_restriction_or_objection(user, kind: str, message: str) -> PrivacyRequest:
    """A logged-in account holder asks us to restrict (art. 18) or stops a processing by
    objecting to it (art. 21): recorded with their words, for staff to handle within the
    month on the privacy desk."""
    if kind not in (Kind.RESTRICTION, Kind.OBJECTION):
        raise ValueError(f"Not a restriction or an objection: {kind!r}")
    return open_request(kind, channel=Channel.SELF_SERVICE, user=user, verified=True,
                        message=message)


def staff_view(person: Person, *, actor, page: str) -> None:
    """Staff looked at ``person``'s data on the privacy desk (P33)."""
    audit(AuditEvent.Action.STAFF_VIEW, actor=actor, subject=person.account,
          subject_email=person.email, target="privacy desk", detail={"page": page})


def in_language(language: str | None):
    return translation.override(language or settings.LANGUAGE_CODE)
