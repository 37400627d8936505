"""Rectification (GDPR Art. 16) and telling the recipients (Art. 19, P30): self-service
and staff corrections are logged by field name, never value, and each recipient that
received data of the corrected categories gets a notice, which staff mark done."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from .datamap import Person, registry
from .ledger import audit, by_recipient, staff_actor
from .models import AuditEvent, Disclosure, PrivacyRequest, RecipientNotice
from .requests import close_request

Kind, Channel = PrivacyRequest.Kind, PrivacyRequest.Channel


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
    audit(AuditEvent.Action.RECTIFICATION, actor=staff_actor(actor), subject=person.account,
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


def notice_done(notice: RecipientNotice, *, actor) -> RecipientNotice:
    """Staff have told the recipient (Art. 19)."""
    if notice.done_at is None:
        notice.done_at, notice.done_by = timezone.now(), actor
        notice.save(update_fields=["done_at", "done_by"])
    return notice
