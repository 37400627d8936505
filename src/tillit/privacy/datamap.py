"""The data map: one declaration per model that holds personal data.

Each app's ``privacy.py`` (found by :func:`autodiscover`, as ``admin.py`` is) calls
:func:`declare` for every model that holds personal data and :func:`no_personal_data` for
models that look as if they might but do not. Everything that speaks about personal data
(the policy page, the Art. 30 record, exports, erasure, retention) reads this registry and
nothing else, so a fact is stated once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace

from django.db import models
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _

from . import taxonomy
from .periods import AccountingPeriod as AccountingPeriod
from .periods import After as After
from .periods import ClearAfter as ClearAfter
from .periods import ConsentProof as ConsentProof
from .periods import HashAfter as HashAfter
from .periods import Retention as Retention
from .periods import SessionLifetime as SessionLifetime
from .periods import Text
from .periods import UntilWithdrawn as UntilWithdrawn
from .periods import WhileAccountExists as WhileAccountExists

GIVEN, GENERATED, THIRD_PARTY = "given", "generated", "third_party"
CONTRACT, LEGAL_OBLIGATION = "contract", "legal_obligation"
LEGITIMATE_INTEREST, CONSENT = "legitimate_interest", "consent"


@dataclass(frozen=True)
class Field:
    """One personal field: its fideslang category and where the value comes from.

    ``hash_after``: a :class:`HashAfter` rule when the raw value is kept for a shorter time
    than the row (an IP address kept raw for 30 days in a log kept for a year), or a
    :class:`ClearAfter` rule when the value goes before the row does (an order's delivery
    address, removed three years after delivery while the order stays for the books).
    """

    category: str
    source: str = GIVEN
    hash_after: HashAfter | None = None


@dataclass(frozen=True)
class Use:
    """What a record is used for (a fideslang data use) and the legal basis for it.

    ``fields`` limits the use to some of the declared fields; empty means all of them.
    ``stoppable``: the shop can do without it for a person, and does while a restriction
    of processing is in force for them (GDPR art. 18, ``privacy.restrictions``).
    """

    purpose: str
    basis: str
    description: Text = ""
    fields: tuple[str, ...] = ()
    stoppable: bool = False


@dataclass(frozen=True)
class Person:
    """Whose data a right is exercised for: an account, or a guest known by e-mail."""

    user: models.Model | None = None
    email: str = ""

    @classmethod
    def of(cls, who) -> Person:
        if isinstance(who, Person):
            return who
        if isinstance(who, str):
            return cls(email=who.strip())
        return cls(user=who, email=who.email)

    @property
    def account(self):
        """The account, if the person has one that exists."""
        user = self.user
        return user if user is not None and user.pk is not None else None

    def q(self, user: str = "user", email: str = "email") -> models.Q:
        """The rows of a model whose ``user`` path is the account or whose ``email`` path is
        the person's address (in any letter case); matches nothing for nobody. Pass ``""``
        for a path the model lacks."""
        q = models.Q(pk__in=[])
        if user and self.account is not None:
            q |= models.Q(**{user: self.account})
        if email and self.email:
            q |= models.Q(**{f"{email}__iexact": self.email})
        return q


@dataclass(frozen=True)
class Asked:
    """What the person is asked for in one situation (GDPR art. 13(2)(e)): ``required``
    fields the shop cannot do without, and why; what happens ``without`` them. The other
    fields the person gives are optional. The policy's "what you must give" section is made
    from these, and tests hold them to the forms and checks that really require them."""

    situation: Text
    required: tuple[str, ...]
    why: Text
    without: Text


@dataclass(frozen=True)
class Subject:
    """How a row finds its person.

    ``person=True``: the row is the person (the account). ``user``: a ``__`` path to the
    account. ``email``: a field holding the person's e-mail (guest orders, sign-ups).
    ``session``: a field holding a session key (guest carts). Several may be given.
    ``finder(model, person) -> QuerySet``: for rows no field path reaches (sessions).
    ``locked``: a date-time field that, once set, takes the row out of every lookup by
    person; :func:`Registry.declare` fills it from :attr:`Keep.lock_field`, so a record
    kept for bookkeeping after an erasure is found by no later export, erasure or page.
    """

    person: bool = False
    user: str = ""
    email: str = ""
    session: str = ""
    kinds: tuple[str, ...] = ("customer",)
    finder: Callable | None = field(default=None, compare=False)
    locked: str = ""

    def link_fields(self) -> set[str]:
        """The model's own fields that are the link to the person (first path segment)."""
        return {p.split("__", 1)[0] for p in (self.user, self.email, self.session) if p}

    def rows_for(self, model: type[models.Model], who) -> models.QuerySet:
        """Rows of ``model`` that belong to ``who`` (an account, a Person, or an e-mail)."""
        person = Person.of(who)
        manager = model._default_manager
        links = []
        if self.person and person.user is not None:
            links.append(models.Q(pk=person.user.pk))
        if self.user and person.user is not None:
            links.append(models.Q(**{self.user: person.user}))
        if self.email and person.email:
            links.append(models.Q(**{f"{self.email}__iexact": person.email}))
        if not links:
            rows = manager.none()
        elif len(links) == 1:
            rows = manager.filter(links[0])
        else:
            # One index lookup per link, then the union: "a OR b" across joined tables
            # would make the database scan every row of the table (every order of every
            # customer), so the time would grow with the size of the shop.
            union = manager.filter(links[0]).order_by().values("pk")
            for link in links[1:]:
                union = union.union(manager.filter(link).order_by().values("pk"))
            rows = manager.filter(pk__in=union)
        if self.finder is not None:
            rows = rows | self.finder(model, person)
        if self.locked:
            rows = rows.filter(**{f"{self.locked}__isnull": True})
        return rows


# Actions on erasure ---------------------------------------------------------------------


@dataclass(frozen=True)
class Delete:
    """Delete the row."""

    def describe(self) -> Text:
        return _("deleted")


@dataclass(frozen=True)
class Anonymise:
    """Keep the row but cut its link to the person: the fields in ``clear`` are emptied
    (a relation set to NULL), those in ``hash`` replaced by a keyed one-way hash.

    ``hash_why`` says why a hash is kept at all (the ground that lets the row stay
    matchable after an erasure, GDPR art. 17(3)); the policy, the preview and the
    confirmation e-mail tell the person so, instead of promising no link is left."""

    clear: tuple[str, ...] = ()
    hash: tuple[str, ...] = ()
    hash_why: Text = ""

    def describe(self) -> Text:
        if self.hash and self.hash_why:
            return _("personal details removed; what identifies you is kept only as a "
                     "one-way hash with a secret key, %(why)s") % {"why": self.hash_why}
        if self.hash:
            return _("personal details removed or replaced by a one-way hash with a secret "
                     "key; the rest kept for its own purpose until its period ends")
        return _("personal details removed; the rest kept for its own purpose until its "
                 "period ends")


@dataclass(frozen=True)
class Keep:
    """Keep under a legal obligation until the retention rule ends, locked to that use.

    On erasure the row is detached from every identifier of the person: its direct link to
    the account is set to NULL and its own e-mail field (the subject's ``email``, when not a
    path) is replaced by a keyed hash (``privacy.erasure_actions.erased_hash``); links through a
    parent row are cut by the parent's own action. If ``lock_field`` names a nullable
    date-time field, it is stamped there, and from then on the row is out of every lookup
    by person (:attr:`Subject.locked`): it serves ``reason`` only, and the retention sweep
    deletes it when its period ends. A model whose rows are otherwise never changed (issued
    receipts) takes this one change through its queryset's ``lock_kept(**changes)``.
    """

    basis: str = LEGAL_OBLIGATION
    reason: Text = ""
    lock_field: str = ""

    def describe(self) -> Text:
        return _("kept, locked to %(reason)s, until its retention period ends") % {
            "reason": self.reason or _("the legal obligation")
        }


DELETE = Delete()


# The registry ---------------------------------------------------------------------------


@dataclass
class Declaration:
    """Everything the map says about one model.

    ``recipients`` maps each kind of recipient to the declared fields it may receive
    (``None``: all of them). ``not_personal`` lists the model's other columns, so that every
    concrete column is accounted for and a new one cannot slip past the check.

    ``made_by`` maps each link to the account of the member of staff who made the row (an
    admin change, an audit event, a legal hold they set) to the fields that copy who they
    were (a user ID as recorded). When that person is erased, the link is cut (emptied, or
    pointed at the stand-in account for erased staff where the column cannot be empty) and
    those fields become keyed hashes: the row stays for its own use and period, no longer
    naming them. Every link to the account is either the subject's or listed here.
    """

    model: type[models.Model]
    title: Text
    subject: Subject
    fields: dict[str, Field]
    uses: list[Use]
    retention: Retention
    on_erasure: Delete | Anonymise | Keep
    recipients: dict[str, tuple[str, ...] | None] = field(default_factory=dict)
    not_personal: tuple[str, ...] = ()
    # Rows kept out of the person's access export while the law forbids telling (a
    # disclosure to an authority under secrecy, GDPR art. 23); a Q object, or None.
    withhold: models.Q | None = None
    made_by: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # Rows that are another controller's records, not the shop's: the demo's emulator of
    # the checkout provider keeps the provider's books in this process. They are declared
    # (the check sees every column, erasure and the sweep reach them) but the shop's
    # policy, its Art. 30 record and a person's access export leave them out: the real
    # provider declares its own data. The value names the controller's kind of recipient.
    held_for: str = ""
    # What the person must give when the rows are made, and why (art. 13(2)(e)).
    asked: Asked | None = None

    @property
    def label(self) -> str:
        return self.model._meta.label

    def categories(self, names: Iterable[str] | None = None) -> list[str]:
        """The categories of the named fields (all declared fields by default)."""
        chosen = self.fields if names is None else [n for n in names if n in self.fields]
        return sorted({self.fields[n].category for n in chosen})

    def use_categories(self, use: Use) -> list[str]:
        return self.categories(use.fields or None)

    def recipient_categories(self, kind: str) -> list[str]:
        return self.categories(self.recipients.get(kind)) if kind in self.recipients else []

    def sources(self) -> set[str]:
        return {f.source for f in self.fields.values()}

    def field_rules(self) -> list[tuple[str, HashAfter]]:
        """The fields kept raw for less time than the row, with their rule."""
        return [(name, f.hash_after) for name, f in self.fields.items() if f.hash_after]

    def field_rule_texts(self) -> list[str]:
        """The field rules in words, one line per rule with the kinds of data it covers
        ("Name, Street address: removed 3 years after ..."), in the active language."""
        covered: dict[str, list[str]] = {}
        for name, rule in self.field_rules():
            label = str(taxonomy.CATEGORIES[self.fields[name].category])
            kinds = covered.setdefault(str(rule.describe()), [])
            if label not in kinds:
                kinds.append(label)
        return [f"{', '.join(kinds)}: {rule}" for rule, kinds in covered.items()]


@dataclass(frozen=True)
class NoPersonalData:
    """A model marked as holding no personal data, and why.

    ``not_personal`` maps each column whose name looks personal to the reason it is not
    (``{"name": "names a product"}``); the system check refuses any other such column, so
    every allowance is written down here, in the map, where a reviewer sees it.
    """

    reason: str
    not_personal: dict[str, str] = field(default_factory=dict)


@dataclass
class Registry:
    declarations: dict[type[models.Model], Declaration] = field(default_factory=dict)
    none: dict[type[models.Model], NoPersonalData] = field(default_factory=dict)
    # The words for the keys and codes inside stored structured data (a receipt's data, an
    # audit event's details), so the person's report says "Styckpris" and "kvitto", not
    # ``unit_price_ore`` and ``receipt``. Each app names its own (``words``).
    key_labels: dict[str, Text] = field(default_factory=dict)
    value_words: dict[str, dict[str, Text]] = field(default_factory=dict)

    def words(self, *, keys: dict[str, Text] | None = None,
              values: dict[str, dict[str, Text]] | None = None) -> None:
        """Name the keys (``{"unit_price_ore": _("unit price")}``) and, per key, the codes
        (``{"kind": {"receipt": _("receipt")}}``) an app stores in structured fields."""
        self.key_labels.update(keys or {})
        for key, words in (values or {}).items():
            self.value_words.setdefault(key, {}).update(words)

    def declare(self, model, *, title, subject, fields, uses, retention, on_erasure,
                recipients=(), not_personal=(), withhold=None,
                made_by=None, held_for="", asked=None) -> Declaration:
        if model in self.declarations or model in self.none:
            raise ValueError(f"{model._meta.label} is declared twice in the data map.")
        if not isinstance(recipients, dict):
            recipients = dict.fromkeys(recipients)
        if isinstance(on_erasure, Keep) and on_erasure.lock_field:
            if subject.locked not in ("", on_erasure.lock_field):
                raise ValueError(f"{model._meta.label}: the subject's lock field differs "
                                 "from the one the Keep action stamps.")
            subject = replace(subject, locked=on_erasure.lock_field)
        declaration = Declaration(
            model=model, title=title, subject=subject, fields=dict(fields), uses=list(uses),
            retention=retention, on_erasure=on_erasure,
            recipients={k: tuple(v) if v is not None else None for k, v in recipients.items()},
            not_personal=tuple(not_personal), withhold=withhold,
            made_by={link: tuple(labels) for link, labels in (made_by or {}).items()},
            held_for=held_for, asked=asked,
        )
        self.declarations[model] = declaration
        return declaration

    def no_personal_data(self, model, reason: str, *,
                         not_personal: dict[str, str] | None = None) -> None:
        """Mark ``model`` as holding no personal data because of ``reason``.

        ``not_personal``: the columns whose names look personal but are not, each with
        its reason (``{"name": "names a product"}``). Raises ``ValueError`` without a reason.
        """
        if model in self.declarations or model in self.none:
            raise ValueError(f"{model._meta.label} is declared twice in the data map.")
        if not reason:
            raise ValueError("Say why the model holds no personal data.")
        allowances = dict(not_personal or {})
        if not all(isinstance(why, str) and why.strip() for why in allowances.values()):
            raise ValueError(f"{model._meta.label}: say why each column listed in "
                             f"not_personal holds no personal data.")
        self.none[model] = NoPersonalData(reason, allowances)

    def __iter__(self) -> Iterable[Declaration]:
        return iter(sorted(self.declarations.values(), key=lambda d: d.label))

    def own(self) -> list[Declaration]:
        """The shop's own processing: every declaration but those held for another
        controller (``held_for``), which the policy, the record and the export leave out."""
        return [d for d in self if not d.held_for]

    def get(self, model) -> Declaration | None:
        return self.declarations.get(model)


registry = Registry()
declare = registry.declare
no_personal_data = registry.no_personal_data
words = registry.words


def autodiscover() -> None:
    """Import every installed app's ``privacy`` module so it can register its models."""
    autodiscover_modules("privacy")
