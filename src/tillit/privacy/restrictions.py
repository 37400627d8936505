"""Restriction of processing (GDPR art. 18): the person's data is kept but not used for
what the shop can do without.

The data map says which uses those are (``Use.stoppable``; ``tillit.privacy.E010`` makes
every use for marketing or personalisation on consent or legitimate interest one of them).
While a :class:`~tillit.privacy.models.Restriction` is in force for a person, the consent
ledger answers for them as if they had said no to every topic whose purpose is stoppable
(:func:`tillit.privacy.consents.allows` and ``holders``), so no campaign by e-mail, SMS or
letter reaches them and their suggestions are everyone's; what the law or the contract
requires (delivery, receipts, answering their requests) goes on.

Staff place a restriction on the privacy desk, usually answering the person's request,
and lift it when its ground has passed. The person is told both times by e-mail; being
told before it is lifted is art. 18.3: the e-mail goes in the same step, before anything
that was stopped can run again.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from tillit.core import mail

from .datamap import Person, registry
from .ledger import audit
from .models import AuditEvent, PrivacyRequest, Restriction
from .requests import close_request


def stoppable_uses() -> list:
    """Each stoppable use of the data map once, by purpose, in the map's order."""
    seen: dict[str, object] = {}
    for decl in registry.declarations.values():
        for use in decl.uses:
            if use.stoppable:
                seen.setdefault(use.purpose, use)
    return list(seen.values())


def stopped_texts() -> list[str]:
    """What a restriction stops, in words: each stoppable purpose's label once."""
    from .taxonomy import PURPOSES

    return [str(PURPOSES.get(use.purpose, use.purpose)) for use in stoppable_uses()]


def stoppable_purposes() -> set[str]:
    return {use.purpose for use in stoppable_uses()}


def in_force():
    return Restriction.objects.filter(lifted_at__isnull=True)


def of(person: Person):
    """The person's restrictions, in force or lifted, newest first."""
    return Restriction.objects.filter(person.q()).select_related("placed_by", "lifted_by")


def current(who) -> Restriction | None:
    """The person's restriction in force, if any."""
    return in_force().filter(Person.of(who).q()).first()


def is_restricted(who) -> bool:
    return in_force().filter(Person.of(who).q()).exists()


def restricted_rows(user: str = "user", email: str = "email"):
    """A filter for rows (of the consent ledger, say) whose person is restricted: by the
    row's account, or its e-mail address in any letter case."""
    mine = Q(email__iexact=OuterRef(email))
    if user:
        mine |= Q(user=OuterRef(user), user__isnull=False)
    return Exists(in_force().filter(mine))


def place(person: Person, *, ground: str, actor, req: PrivacyRequest | None = None,
          language: str | None = None) -> Restriction:
    """Put a restriction in force for ``person`` and tell them; a request it answers is
    closed as done."""
    if ground not in Restriction.Ground.values:
        raise ValueError(f"Not a ground of art. 18.1: {ground!r}")
    with transaction.atomic():
        restriction = Restriction.objects.create(
            user=person.account, email=person.email, ground=ground, request=req,
            placed_by=actor)
        audit(AuditEvent.Action.RESTRICTION, actor=actor, subject=person.account,
              subject_email=person.email, target=f"privacy.Restriction:{restriction.pk}",
              detail={"change": "placed", "ground": ground})
        if req is not None and not req.is_closed:
            close_request(req, status=PrivacyRequest.Status.DONE, actor=actor,
                          note=str(Restriction.Ground(ground).label))
        _tell(restriction, "privacy/email/restriction_placed", language)
    return restriction


def lift(restriction: Restriction, *, actor, language: str | None = None) -> Restriction:
    """End a restriction; the person is told in the same step (art. 18.3)."""
    with transaction.atomic():
        locked = Restriction.objects.select_for_update().get(pk=restriction.pk)
        if locked.lifted_at is None:
            locked.lifted_at, locked.lifted_by = timezone.now(), actor
            locked.save(update_fields=["lifted_at", "lifted_by"])
            audit(AuditEvent.Action.RESTRICTION, actor=actor, subject=locked.user,
                  subject_email=locked.email, target=f"privacy.Restriction:{locked.pk}",
                  detail={"change": "lifted"})
            _tell(locked, "privacy/email/restriction_lifted", language)
    return locked


def _tell(restriction: Restriction, template: str, language: str | None) -> None:
    address = restriction.user.email if restriction.user_id else restriction.email
    if not address:
        return
    mail.send(template, {"restriction": restriction, "stopped": stopped_texts()},
              [address], language=language or getattr(restriction.user, "language", None))
