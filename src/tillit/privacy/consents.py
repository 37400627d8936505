"""The consent ledger's vocabulary and its one way in (P20.a, P22.a, P15.d).

A domain app registers each topic a person can consent to in its own ``privacy.py``
(:func:`topic`): the newsletter, offers by SMS or letter, personalised offers, a kind of
cookie. The topic carries the words the person is shown when asked; those words are what
the ledger keeps (:class:`~tillit.privacy.models.ConsentText`), so the page, the e-mail
and the ledger cannot say different things.

:func:`record` appends a row; :func:`current` and :func:`holders` derive the state from the
newest row per person and topic. Nothing else writes the ledger.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.db.models import OuterRef, Q, Subquery
from django.utils import translation

from . import taxonomy
from .datamap import CONSENT, LEGITIMATE_INTEREST, Person, Text
from .hashing import PREFIX
from .models import Consent, ConsentText


@dataclass(frozen=True)
class Topic:
    """Something a person can say yes or no to.

    ``ask``: the words shown where consent is asked (the sign-up form, the account page).
    ``purpose``: the data map's purpose key. ``objection``: for a topic the shop may use
    on legitimate interest until the person objects (the existing-customer rule), the words
    telling them so."""

    key: str
    label: Text
    ask: Text
    purpose: str
    objection: Text = ""


_TOPICS: dict[str, Topic] = {}


def topic(key: str, *, label: Text, ask: Text, purpose: str, objection: Text = "") -> Topic:
    if purpose not in taxonomy.PURPOSES:
        raise ValueError(f"Unknown purpose for consent topic {key}: {purpose}")
    _TOPICS[key] = Topic(key, label, ask, purpose, objection)
    return _TOPICS[key]


def topics() -> dict[str, Topic]:
    return dict(_TOPICS)


def get(key: str) -> Topic:
    return _TOPICS[key]


def text_for(words: str, language: str | None = None) -> ConsentText:
    """The stored text for ``words`` in ``language`` (the active one), kept once."""
    language = language or translation.get_language() or "sv"
    digest = hashlib.sha256(f"{language}\n{words}".encode()).hexdigest()
    row, _ = ConsentText.objects.get_or_create(digest=digest,
                                               defaults={"language": language, "text": words})
    return row


def record(topic_key: str, *, given: bool, method: str, user=None, email: str = "",
           phone: str = "", visitor: str = "", words: str | None = None,
           basis: str = CONSENT, note: str = "", proof: str = "", recorded_by=None,
           ip: str = "", occurred_at=None) -> Consent:
    """Append one row to the ledger. ``words`` defaults to what the topic asks (for a
    consent given) or says of objecting (for a legitimate-interest row); a withdrawal
    records the words of the button or link used, when given."""
    t = get(topic_key)
    if method not in Consent.Method.values:
        raise ValueError(f"Unknown consent method: {method}")
    if basis not in (CONSENT, LEGITIMATE_INTEREST):
        raise ValueError(f"Marketing rests on consent or the existing-customer rule: {basis}")
    if basis == LEGITIMATE_INTEREST and not t.objection:
        raise ValueError(f"{topic_key} has no objection text: it needs consent.")
    if user is None and not (email or phone or visitor):
        raise ValueError("A consent must say whose it is.")
    if method == Consent.Method.STAFF and not (note.strip() and recorded_by is not None):
        raise ValueError("Staff record a consent or a withdrawal with a note.")
    if words is None and given:
        words = str(t.objection if basis == LEGITIMATE_INTEREST else t.ask)
    return Consent.objects.create(
        topic=topic_key, given=given, basis=basis, method=method, user=user,
        email=(email or (user.email if user is not None else "")).strip(), phone=phone,
        visitor=visitor, text=text_for(words) if words else None, note=note.strip(),
        proof=proof, recorded_by=recorded_by, ip=ip,
        **({"occurred_at": occurred_at} if occurred_at is not None else {}))


def _of(person: Person, visitor: str = "") -> Q:
    q = person.q()
    if visitor:
        q |= Q(visitor=visitor)
    return q


def history(who, visitor: str = "") -> list[Consent]:
    """Every row of the person's (newest first), for their page and the desk."""
    return list(Consent.objects.filter(_of(Person.of(who), visitor)).select_related("text"))


def current(who, visitor: str = "") -> dict[str, Consent]:
    """The newest row per topic for the person: their state now."""
    state: dict[str, Consent] = {}
    for row in history(who, visitor):
        state.setdefault(row.topic, row)
    return state


def allows(who, topic_key: str) -> bool:
    """Whether the person's newest row for the topic says yes, and no restriction of
    processing stops the topic's purpose for them (GDPR art. 18)."""
    from . import restrictions

    row = current(who).get(topic_key)
    if row is None or not row.given:
        return False
    stopped = get(topic_key).purpose in restrictions.stoppable_purposes()
    return not (stopped and restrictions.is_restricted(Person.of(who)))


def holders(topic_key: str, *, basis: str | None = None, by: str = "email"):
    """The ledger rows that are each person's newest for ``topic_key`` and say yes: whom
    the shop may contact on that topic now, by e-mail address (in letter case as given)
    or, for SMS, ``by="phone"`` (the mobile number in E.164, as the SMS topics record it).
    A queryset, so a campaign to 100 000 people is read in batches, not held at once.
    People under a restriction of processing are left out of a stoppable topic."""
    if by not in ("email", "phone"):
        raise ValueError(f"Holders are found by e-mail or phone, not {by}")
    same = {"email__iexact": OuterRef("email")} if by == "email" else {"phone": OuterRef("phone")}
    newest = Consent.objects.filter(topic=topic_key, **same).order_by(
        "-occurred_at", "-id").values("pk")[:1]
    rows = (Consent.objects.filter(topic=topic_key).exclude(**{by: ""})
            .exclude(**{f"{by}__startswith": PREFIX})  # erased: nobody to write to
            .filter(pk=Subquery(newest), given=True))
    if basis:
        rows = rows.filter(basis=basis)
    from . import restrictions

    if get(topic_key).purpose in restrictions.stoppable_purposes():
        rows = rows.exclude(restrictions.restricted_rows())  # kept, not used (art. 18)
    return rows


def erased(*, email: str = "", phone: str = "") -> bool:
    """Whether the ledger holds rows of an erased person with this address or number (their
    identifiers replaced by keyed hashes): an import must not make them a subscriber
    again on a supplier's word."""
    from .datamap import registry
    from .erasure_actions import erased_hash

    decl = registry.get(Consent)
    q = Q(pk__in=[])
    if email:
        q |= Q(email=erased_hash(decl, "email", email))
    if phone:
        q |= Q(phone=erased_hash(decl, "phone", phone))
    return Consent.objects.filter(q).exists()


def withdraw_everywhere(topic_key: str, *, user=None, email: str = "", phone: str = "",
                        method: str, ip: str = "", words: str | None = None, note: str = "",
                        recorded_by=None) -> list[Consent]:
    """A person's no to ``topic_key``: recorded for every address and every number whose
    newest row says yes and is theirs (their account's, or under ``email``), so that a yes
    kept under an old number or a checkout's address cannot outlive it; and for the
    person themselves when no such yes is left. Returns the rows written."""
    mine = Q(pk__in=[])
    if user is not None:
        mine |= Q(user=user)
    if email:
        mine |= Q(email__iexact=email)
    if phone:
        mine |= Q(phone=phone)
    targets: dict[tuple[str, str], Consent] = {}
    for by in ("email", "phone"):
        for row in holders(topic_key, by=by).filter(mine).select_related("user"):
            targets.setdefault((row.email.lower(), row.phone), row)
    written = [record(topic_key, given=False, method=method, user=user or row.user,
                      email=row.email, phone=row.phone, basis=row.basis, ip=ip, words=words,
                      note=note, recorded_by=recorded_by) for row in targets.values()]
    if not written:
        written.append(record(topic_key, given=False, method=method, user=user, email=email,
                              phone=phone, ip=ip, words=words, note=note,
                              recorded_by=recorded_by))
    return written
