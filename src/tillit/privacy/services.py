"""Writes for the rights end to end (P29-P33): requests with their deadline, e-mail
verification, one-time export downloads, erasure with its confirmation e-mail,
rectification with Art. 19 notices, legal holds. The engines themselves live in
``export.py`` and ``erasure.py``; this module is the workflow around them.

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

import calendar
import datetime as dt
import secrets
from collections.abc import Callable, Iterable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from tillit.core import mail, tokens
from tillit.core.tokens import LinkRefused

from . import erasure, export, selectors
from .datamap import Person, registry
from .hashing import keyed_hash
from .ledger import audit, by_recipient
from .models import (
    AuditEvent,
    Disclosure,
    LegalHold,
    PrivacyRequest,
    RecipientNotice,
    RequestToken,
)

Kind, Status, Channel = PrivacyRequest.Kind, PrivacyRequest.Status, PrivacyRequest.Channel
Purpose = RequestToken.Purpose

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


# Deadlines ------------------------------------------------------------------------------


def one_month_after(day: dt.date) -> dt.date:
    """The same date in the next calendar month, or that month's last day when it has no
    such date (31 January -> 28/29 February): how Art. 12(3)'s "one month" is counted
    (Regulation 1182/71 art. 3(2)(c))."""
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def open_request(kind: str, *, channel: str, user=None, email: str = "",
                 received_at: dt.datetime | None = None, status: str = Status.OPEN,
                 verified: bool = False, handled_by=None, note: str = "") -> PrivacyRequest:
    """Record a request; its deadline is one month after the day it was received."""
    received_at = received_at or timezone.now()
    now = timezone.now()
    return PrivacyRequest.objects.create(
        kind=kind, channel=channel, status=status, user=user,
        email=email or (user.email if user is not None else ""),
        received_at=received_at,
        deadline=one_month_after(timezone.localdate(received_at)),
        verified_at=now if verified else None, handled_by=handled_by, note=note,
    )


def close_request(req: PrivacyRequest, *, status: str = Status.DONE, actor=None,
                  note: str = "") -> PrivacyRequest:
    """Close ``req`` (done or refused), naming who handled it."""
    req.status, req.closed_at = status, timezone.now()
    fields = ["status", "closed_at"]
    if getattr(actor, "pk", None):
        req.handled_by = actor
        fields.append("handled_by")
    if note:
        req.note = (req.note + "\n" + note).strip()[:2000]
        fields.append("note")
    req.save(update_fields=fields)
    return req


def person_of(req: PrivacyRequest) -> Person:
    """The person a request names: its account as it is now, else its e-mail address."""
    return Person.of(req.user) if req.user is not None else Person(email=req.email)


# Tokens ---------------------------------------------------------------------------------


def session_ref(session_key: str | None) -> str:
    return keyed_hash(session_key, "privacy-download-session") if session_key else ""


def _new_token(req: PrivacyRequest, purpose: str, lifetime: dt.timedelta,
               bind_session: str = "") -> str:
    raw, digest = tokens.new()
    RequestToken.objects.create(request=req, purpose=purpose, digest=digest,
                                session_ref=bind_session,
                                expires_at=timezone.now() + lifetime)
    return raw


def _token(raw: str, purpose: str, *, lock: bool = False) -> RequestToken:
    """The live token ``raw`` stands for, or :class:`LinkRefused`."""
    if not tokens.plausible(raw):
        raise LinkRefused(404, "unknown")
    rows = RequestToken.objects.select_related("request", "request__user")
    if lock:
        rows = rows.select_for_update(of=("self",))
    token = rows.filter(digest=tokens.digest(raw), purpose=purpose).first()
    if token is None:
        raise LinkRefused(404, "unknown")
    return token


def _usable(token: RequestToken) -> RequestToken:
    if token.used_at is not None:
        raise LinkRefused(410, "used")
    if token.expires_at <= timezone.now():
        raise LinkRefused(410, "expired")
    return token


# Guests: ask by e-mail, verify by clicking ---------------------------------------------


def ask_by_email(email: str, kind: str, *, link: Callable[[str], str],
                 language: str | None = None) -> None:
    """A visitor asks, by e-mail address, for a copy of their data or its erasure.

    Every address gets the same treatment: a request awaiting verification and one neutral
    e-mail with a single-use link; nothing about the address is looked up until the link is
    used. ``link(token)`` makes the absolute URL of the verification page."""
    if kind not in (Kind.ACCESS, Kind.ERASURE):
        raise ValueError(f"Guests cannot ask for {kind!r} through the form.")
    email = email.strip()
    since = timezone.now() - dt.timedelta(days=1)
    with transaction.atomic():
        recent = PrivacyRequest.objects.filter(
            email__iexact=email, status=Status.UNVERIFIED, received_at__gte=since).count()
        if recent >= MAX_UNVERIFIED_PER_DAY:
            return
        req = open_request(kind, channel=Channel.EMAIL, email=email,
                           status=Status.UNVERIFIED)
        raw = _new_token(req, Purpose.VERIFY, dt.timedelta(hours=verify_hours()))
        # Sent inside the transaction: if the mail cannot go, no dangling request is left.
        mail.send("privacy/email/verify", {
            "kind": kind, "url": link(raw), "hours": verify_hours(),
        }, [email], language=language)


def check_verification(raw: str) -> RequestToken:
    """The verification token ``raw``, if it can still be used (does not use it)."""
    return _usable(_token(raw, Purpose.VERIFY))


def verify(raw: str) -> PrivacyRequest:
    """Use the verification link: the request is verified and open, its deadline counting
    from the day it was received."""
    with transaction.atomic():
        token = _usable(_token(raw, Purpose.VERIFY, lock=True))
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


def _staff(actor):
    """The actor to name in the audit log: a member of staff, else nobody (a person acting
    on their own data is the event's subject; naming them as actor would keep their user ID
    in the log after an erasure)."""
    return actor if getattr(actor, "is_staff", False) and actor.pk else None


# Access exports -------------------------------------------------------------------------


def grant_download(req: PrivacyRequest, *, session_key: str | None = None) -> str:
    """A one-time download link for ``req``'s export, valid ``TILLIT_EXPORT_LINK_DAYS``.
    For a guest's request it is bound to the browser session ``session_key``."""
    bind = "" if req.user_id else session_ref(session_key)
    if not req.user_id and not bind:
        raise ValueError("A guest's download link must be bound to a browser session.")
    return _new_token(req, Purpose.DOWNLOAD, dt.timedelta(days=export_link_days()), bind)


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
    token = _token(raw, Purpose.DOWNLOAD)
    req = token.request
    if req.user_id is not None:
        mine = getattr(user, "pk", None) == req.user_id
    else:
        mine = bool(session_key) and secrets.compare_digest(token.session_ref,
                                                            session_ref(session_key))
    if not mine:
        raise LinkRefused(404, "unknown")
    return _usable(token)


def take_download(raw: str, *, user, session_key: str | None,
                  language: str | None = None) -> tuple[bytes, str]:
    """Use the download link: build the archive now, log the export, close the request.
    Returns the ZIP and a file name. The link cannot be used again."""
    check_download(raw, user=user, session_key=session_key)
    with transaction.atomic():
        token = _usable(_token(raw, Purpose.DOWNLOAD, lock=True))
        token.used_at = timezone.now()
        token.save(update_fields=["used_at"])
        req = token.request
        person = verified_person(req)
        blob, data = export.build_archive(person, language)
        _audit_export(person, data, actor=_staff(user), channel=req.channel, request=req)
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
    audit(AuditEvent.Action.EXPORT, actor=_staff(actor), subject=_account(person),
          subject_email=person.email,
          target=f"privacy.PrivacyRequest:{request.pk}" if request else "access export",
          detail={"channel": channel,
                  "records": {r["model"]: len(r["rows"]) for r in data["records"]},
                  "disclosures": len(data["disclosures"])})


def _account(person: Person):
    user = person.user
    return user if user is not None and user.pk is not None else None


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
    staff = _staff(actor)
    channel = req.channel if req is not None else (Channel.STAFF if staff else "")

    def erase_and_confirm() -> erasure.Plan:
        with transaction.atomic():
            plan = erasure.execute(person, actor=staff, override_reason=override_reason,
                                   channel=channel)
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
        raise refused from None


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



# Rectification (Art. 16, 19) ------------------------------------------------------------


def _disclosures_of(person: Person):
    return Disclosure.objects.filter(person.q()).exclude(recipient_kind="authority")


def record_rectification(person: Person, *, model, fields: Iterable[str], actor,
                         channel: str, reason: str = "", change: str = "changed",
                         target: str = "") -> list[RecipientNotice]:
    """Log that ``fields`` (names only, never values) of ``person``'s ``model`` rows were
    rectified, and make one Art. 19 notice per recipient that earlier received data of
    those categories (merged into an open notice to the same recipient about the same
    records)."""
    fields = sorted(set(fields))
    if not fields:
        return []
    decl = registry.get(model)
    label = model._meta.label
    audit(AuditEvent.Action.RECTIFICATION, actor=_staff(actor), subject=_account(person),
          subject_email=person.email, target=target or label,
          detail={"model": label, "fields": fields, "change": change, "channel": channel,
                  **({"reason": reason} if reason else {})})
    categories = set(decl.categories(fields)) if decl is not None else set()
    told = by_recipient(d for d in _disclosures_of(person)
                        if categories & set(d.categories))
    notices = []
    for (recipient, kind), refs in told.items():
        open_notice = RecipientNotice.objects.filter(
            reason=RecipientNotice.Reason.RECTIFICATION, recipient=recipient,
            recipient_kind=kind, references=refs, done_at__isnull=True).first()
        if open_notice is not None:
            open_notice.fields = sorted(set(open_notice.fields) | set(fields))
            open_notice.save(update_fields=["fields"])
            notices.append(open_notice)
        else:
            notices.append(RecipientNotice.objects.create(
                reason=RecipientNotice.Reason.RECTIFICATION, recipient=recipient,
                recipient_kind=kind, references=refs, fields=fields))
    return notices


def record_self_service_change(user, obj, fields: Iterable[str], *,
                               change: str = "changed") -> list[RecipientNotice]:
    """The account holder changed their own ``obj`` (the account or an address): called by
    the accounts services inside the transaction that saved it (P30)."""
    return record_rectification(Person(user=user, email=user.email), model=obj._meta.model,
                                fields=fields, actor=None, channel=Channel.SELF_SERVICE,
                                change=change, target=f"{obj._meta.label}:{obj.pk}")


def changed_fields(obj, values: dict) -> list[str]:
    """The names in ``values`` whose value differs from ``obj``'s."""
    return [name for name, value in values.items() if getattr(obj, name) != value]


def staff_rectify(obj, values: dict, *, actor, reason: str,
                  req: PrivacyRequest | None = None) -> list[str]:
    """Staff correct ``obj`` (an account or one of its addresses) on the person's request,
    with ``reason``; logged, and passed on to recipients (Art. 19). Returns the changed
    field names."""
    with transaction.atomic():
        changed = changed_fields(obj, values)
        if not changed:
            return []
        user_model = get_user_model()
        owner = obj if isinstance(obj, user_model) else obj.user
        person = Person(user=owner, email=owner.email)
        for name in changed:
            setattr(obj, name, values[name])
        obj.full_clean(validate_unique=True)
        obj.save(update_fields=changed)
        record_rectification(person, model=obj._meta.model, fields=changed, actor=actor,
                             channel=Channel.STAFF, reason=reason,
                             target=f"{obj._meta.label}:{obj.pk}")
        if req is not None and req.kind == Kind.RECTIFICATION and not req.is_closed:
            close_request(req, actor=actor)
    return changed


# Legal holds and Art. 19 tasks ----------------------------------------------------------


def set_hold(person: Person, *, reason: str, until: dt.date | None, actor,
             secret: bool = False) -> LegalHold:
    """Pause erasure and retention for ``person`` (P18, P32); ``secret`` keeps the hold out
    of the person's access report and its reason out of their erasure preview."""
    with transaction.atomic():
        hold = LegalHold.objects.create(user=_account(person), email=person.email,
                                        reason=reason, until=until, created_by=actor,
                                        secret=secret)
        audit(AuditEvent.Action.HOLD, actor=actor, subject=_account(person),
              subject_email=person.email, target=f"privacy.LegalHold:{hold.pk}",
              detail={"change": "set", "until": until.isoformat() if until else None,
                      "secret": secret})
    return hold


def lift_hold(hold: LegalHold, *, actor) -> LegalHold:
    with transaction.atomic():
        if hold.lifted_at is None:
            hold.lifted_at = timezone.now()
            hold.save(update_fields=["lifted_at"])
            audit(AuditEvent.Action.HOLD, actor=actor, subject=hold.user,
                  subject_email=hold.email, target=f"privacy.LegalHold:{hold.pk}",
                  detail={"change": "lifted"})
    return hold


def notice_done(notice: RecipientNotice, *, actor) -> RecipientNotice:
    """Staff have told the recipient (Art. 19)."""
    if notice.done_at is None:
        notice.done_at, notice.done_by = timezone.now(), actor
        notice.save(update_fields=["done_at", "done_by"])
    return notice


def staff_view(person: Person, *, actor, page: str) -> None:
    """Staff looked at ``person``'s data on the privacy desk (P33)."""
    audit(AuditEvent.Action.STAFF_VIEW, actor=actor, subject=_account(person),
          subject_email=person.email, target="privacy desk", detail={"page": page})


def in_language(language: str | None):
    return translation.override(language or settings.LANGUAGE_CODE)
