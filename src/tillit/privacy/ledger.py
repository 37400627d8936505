"""Writes to the append-only privacy ledgers: disclosures (P25, P26, P28) and the audit log
(P33). Callers pass data-map vocabulary (category, purpose and basis keys), which is
checked here so a ledger row can always be read back against the map."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth import get_user_model

from . import taxonomy
from .hashing import keyed_hash
from .models import AuditEvent, Disclosure, Recipient


def person_ref(email: str) -> str:
    """The audit log's handle on a person: a keyed hash of the e-mail address."""
    return keyed_hash(email, "audit-subject") if email else ""


def record_disclosure(*, recipient_kind: str, recipient: str, categories: Iterable[str],
                      purpose: str, legal_basis: str, user=None, email: str = "",
                      session_ref: str = "", reference: str = "", legal_ground: str = "",
                      secret: bool = False, registered: Recipient | None = None,
                      recorded_by=None, occurred_at=None) -> Disclosure:
    """Record that personal data about a person went to a third party.

    The person is an account (``user``), an e-mail address, or, for a guest nobody knows
    yet, the browser session (``session_ref``, see :func:`link_disclosure`)."""
    categories = sorted(set(categories))
    unknown = [c for c in categories if c not in taxonomy.CATEGORIES]
    if unknown or not categories:
        raise ValueError(f"Unknown or no data categories: {unknown}")
    if recipient_kind not in taxonomy.RECIPIENTS:
        raise ValueError(f"Unknown kind of recipient: {recipient_kind}")
    if purpose not in taxonomy.PURPOSES:
        raise ValueError(f"Unknown purpose: {purpose}")
    if legal_basis not in taxonomy.BASES:
        raise ValueError(f"Unknown legal basis: {legal_basis}")
    if user is None and not email and not session_ref:
        raise ValueError("A disclosure must say whose data it was (user, e-mail or "
                         "guest session).")
    if recipient_kind == "authority" and not legal_ground:
        raise ValueError("A disclosure to an authority must state its legal ground.")
    disclosure = Disclosure.objects.create(
        user=user, email=email or (user.email if user else ""),
        session_ref="" if (user is not None or email) else session_ref,
        recipient_kind=recipient_kind,
        recipient=recipient, registered=registered, categories=categories, purpose=purpose,
        legal_basis=legal_basis, legal_ground=legal_ground, reference=reference,
        secret=secret, recorded_by=recorded_by,
        **({"occurred_at": occurred_at} if occurred_at is not None else {}),
    )
    if recorded_by is not None:
        audit(AuditEvent.Action.DISCLOSURE, actor=recorded_by, subject=user,
              subject_email=disclosure.email, target=f"privacy.Disclosure:{disclosure.pk}",
              detail={"recipient_kind": recipient_kind, "categories": categories,
                      **({"secret": True} if secret else {})})
    return disclosure


def link_disclosure(disclosure: Disclosure, *, email: str, user=None) -> bool:
    """Name the person of an entry recorded for a guest's browser session, now that the
    purchase has revealed their e-mail (and account, if any): the same entry then belongs
    to them, and their access report lists it once. Done once: only an entry that names
    nobody yet is linked (a conditional update, safe when two requests race), and the
    session reference, no longer needed, is cleared. Returns whether this call linked it.
    What the entry records (recipient, categories, purpose, time) is never changed."""
    if not email:
        raise ValueError("Link a disclosure to an e-mail address.")
    linked = Disclosure.objects.filter(
        pk=disclosure.pk, user__isnull=True, email="",
    ).update(email=email, user=user, session_ref="")
    if linked:
        disclosure.email, disclosure.user, disclosure.session_ref = email, user, ""
    return bool(linked)


def by_recipient(disclosures) -> dict[tuple[str, str], list[str]]:
    """``disclosures`` grouped by recipient (name and kind), each with the recipient's own
    references to its records, once each, in the order given: what an Art. 19 notice
    tells the recipient about."""
    grouped: dict[tuple[str, str], list[str]] = {}
    for d in disclosures:
        refs = grouped.setdefault((d.recipient, d.recipient_kind), [])
        if d.reference and d.reference not in refs:
            refs.append(d.reference)
    return grouped


def staff_actor(actor):
    """The actor to name in the audit log: a member of staff, else nobody (a person acting
    on their own data is the event's subject; naming them as actor would keep their user ID
    in the log after an erasure)."""
    return actor if getattr(actor, "is_staff", False) and actor.pk else None


def audit(action: str, *, actor=None, subject=None, subject_email: str = "",
          target: str = "", detail: dict | None = None) -> AuditEvent:
    """Append an audit event. ``detail`` must hold no personal values (counts, names of
    fields and models only)."""
    user_model = get_user_model()
    if subject is not None and not isinstance(subject, user_model):
        raise TypeError("subject is an account; pass guests by subject_email.")
    email = subject_email or (subject.email if subject is not None else "")
    return AuditEvent.objects.create(
        action=action, actor=actor if getattr(actor, "pk", None) else None,
        actor_label=actor.get_username() if getattr(actor, "pk", None) else "system",
        subject=subject, subject_ref=person_ref(email), target=target, detail=detail or {},
    )
