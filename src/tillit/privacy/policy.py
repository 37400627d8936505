"""The privacy policy, generated from the data map, the recipient register and the
controller setting. Nothing here lists categories, purposes or periods by hand: add a field
to a declaration and the policy changes.

:func:`build` returns a plain structure in the active language; the template renders it.
:func:`current_version` stores each distinct text once (``PolicyVersion``) so an order can
say exactly which policy the buyer was shown (P05).
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.template.loader import get_template
from django.utils import translation
from django.utils.text import get_text_list
from django.utils.translation import gettext as _

from . import restrictions, taxonomy
from .datamap import Declaration, registry


@dataclass
class CategoryEntry:
    key: str
    label: str
    records: list[str]


@dataclass
class PurposeEntry:
    key: str
    purpose: str
    basis_key: str
    basis: str
    article: str
    descriptions: list[str]
    categories: list[str]


@dataclass
class RetentionEntry:
    record: str
    model: str
    categories: list[str]
    period: str
    on_erasure: str
    basis_kept: str = ""
    # Fields kept raw for less time than the row: "Public IP address: replaced by ...".
    field_rules: list[str] = field(default_factory=list)


@dataclass
class CompanyEntry:
    """A company of the recipient register, in its role: a processor with the date of its
    art. 28 agreement, or a controller with a link to its own privacy notice."""

    name: str
    role: str
    role_text: str
    service: str
    data: str
    location: str
    outside_eea: bool
    safeguard: str
    agreement_date: str
    privacy_notice_url: str


@dataclass
class RecipientEntry:
    key: str
    label: str
    categories: list[str]
    companies: list[CompanyEntry]


@dataclass
class AskedEntry:
    """One situation's required and optional data, why, and what happens without it."""

    situation: str
    required: list[str]
    optional: list[str]
    why: str
    without: str

    @property
    def required_text(self) -> str:
        return get_text_list(self.required, _("and"))

    @property
    def optional_text(self) -> str:
        return get_text_list(self.optional, _("and"))


@dataclass
class Policy:
    language: str
    controller: dict
    collected: dict[str, list[CategoryEntry]]
    source_labels: dict[str, str]
    purposes: list[PurposeEntry]
    retention: list[RetentionEntry]
    recipients: list[RecipientEntry]
    processors: list[CompanyEntry]
    controllers: list[CompanyEntry]
    data_subjects: list[str]
    asked: list[AskedEntry] = field(default_factory=list)
    # What a restriction of processing stops (GDPR art. 18): the map's stoppable uses.
    stopped: list[str] = field(default_factory=list)
    version: str = field(default="")

    def as_dict(self) -> dict:
        return asdict(self)


def _declarations() -> list[Declaration]:
    return registry.own()


def build(language: str | None = None) -> Policy:
    """The policy as data, in ``language`` (default: the active language): one function
    per section of the page."""
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    with translation.override(language):
        decls = _declarations()
        recipients, companies = _recipients(decls, language)
        policy = Policy(
            language=language,
            controller=dict(settings.TILLIT_CONTROLLER),
            collected=_collected(decls),
            source_labels={k: str(v) for k, v in taxonomy.SOURCES.items()},
            purposes=_purposes(decls),
            retention=_retention(decls),
            recipients=recipients,
            processors=[c for c in companies if c.role == taxonomy.PROCESSOR],
            controllers=[c for c in companies if c.role == taxonomy.CONTROLLER],
            data_subjects=_data_subjects(decls),
            asked=_asked(decls),
            stopped=restrictions.stopped_texts(),
        )
    policy.version = digest(policy)
    return policy


def _collected(decls) -> dict[str, list[CategoryEntry]]:
    """Per source (from you, from others, generated), the categories and their records."""
    collected: dict[str, dict[str, set[str]]] = {s: defaultdict(set) for s in taxonomy.SOURCES}
    for d in decls:
        for spec in d.fields.values():
            collected[spec.source][spec.category].add(str(d.title))

    def by_label(item):
        return str(taxonomy.CATEGORIES[item[0]])

    return {
        source: [CategoryEntry(key, str(taxonomy.CATEGORIES[key]), sorted(records))
                 for key, records in sorted(cats.items(), key=by_label)]
        for source, cats in collected.items()
    }


def _purposes(decls) -> list[PurposeEntry]:
    """Each purpose under each legal basis, with what it is for and the categories used."""
    purposes: dict[tuple[str, str], PurposeEntry] = {}
    for d in decls:
        for use in d.uses:
            entry = purposes.get((use.purpose, use.basis))
            if entry is None:
                label, article = taxonomy.BASES[use.basis]
                entry = purposes[(use.purpose, use.basis)] = PurposeEntry(
                    use.purpose, str(taxonomy.PURPOSES[use.purpose]), use.basis,
                    str(label), article, [], [],
                )
            if use.description and str(use.description) not in entry.descriptions:
                entry.descriptions.append(str(use.description))
            for cat in d.use_categories(use):
                label = str(taxonomy.CATEGORIES[cat])
                if label not in entry.categories:
                    entry.categories.append(label)
    purpose_order, basis_order = list(taxonomy.PURPOSES), list(taxonomy.BASES)
    ordered = sorted(purposes.values(), key=lambda p: (basis_order.index(p.basis_key),
                                                       purpose_order.index(p.key)))
    for p in ordered:
        p.categories.sort()
    return ordered


def _retention(decls) -> list[RetentionEntry]:
    """Per record, how long it is kept, what erasure does, and the periods of its fields."""
    return [
        RetentionEntry(
            record=str(d.title), model=d.label,
            categories=sorted({str(taxonomy.CATEGORIES[c]) for c in d.categories()}),
            period=str(d.retention.describe()), on_erasure=str(d.on_erasure.describe()),
            basis_kept=str(taxonomy.BASES[d.on_erasure.basis][0])
            if hasattr(d.on_erasure, "basis") else "",
            field_rules=d.field_rule_texts(),
        )
        for d in sorted(decls, key=lambda d: str(d.title))
    ]


def _recipients(decls, language: str) -> tuple[list[RecipientEntry], list[CompanyEntry]]:
    """Each kind of recipient with the categories it receives and the named companies
    from the recipient register; and the register's companies in one list."""
    from .models import Recipient

    companies_by_kind: dict[str, list[CompanyEntry]] = defaultdict(list)
    companies = []
    for p in Recipient.objects.filter(is_active=True).order_by("recipient_kind", "name"):
        entry = company_entry(p, language)
        companies_by_kind[p.recipient_kind].append(entry)
        companies.append(entry)
    categories_by_kind: dict[str, set[str]] = defaultdict(set)
    for d in decls:
        for kind in d.recipients:
            categories_by_kind[kind] |= {
                str(taxonomy.CATEGORIES[c]) for c in d.recipient_categories(kind)}
    recipients = [
        RecipientEntry(kind, str(label), sorted(categories_by_kind[kind]),
                       companies_by_kind.get(kind, []))
        for kind, label in taxonomy.RECIPIENTS.items()
        if kind in categories_by_kind or kind in companies_by_kind
    ]
    return recipients, companies


def company_entry(p, language: str) -> CompanyEntry:
    """One row of the recipient register as the policy, the record and the access report
    show it (in ``language``)."""
    with translation.override(language):
        role_text = str(taxonomy.ROLES[p.role])
    return CompanyEntry(
        p.display_name, p.role, role_text, p.text("service", language),
        p.text("data_description", language), p.text("location", language), p.outside_eea,
        p.text("safeguard", language),
        p.agreement_date.isoformat() if p.agreement_date else "", p.privacy_notice_url)


def _asked(decls) -> list[AskedEntry]:
    """Per situation, the data the person must give (and why, and what happens without
    it) and the data they may leave out: from each declaration's ``asked``."""
    entries = []
    for d in decls:
        if d.asked is None:
            continue
        given = [n for n, f in d.fields.items() if f.source == "given"]
        required = _category_labels(d, d.asked.required)
        optional = [x for x in _category_labels(d, [n for n in given
                                                    if n not in d.asked.required])
                    if x not in required]
        entries.append(AskedEntry(str(d.asked.situation), required, optional,
                                  str(d.asked.why), str(d.asked.without)))
    return entries


def _category_labels(d: Declaration, names) -> list[str]:
    """The kinds of data of ``d``'s fields ``names``, each once, in order."""
    out: list[str] = []
    for name in names:
        label = str(taxonomy.CATEGORIES[d.fields[name].category])
        label = label[:1].lower() + label[1:]  # it stands inside a sentence
        if label not in out:
            out.append(label)
    return out


def _data_subjects(decls) -> list[str]:
    kinds = {k for d in decls for k in d.subject.kinds}
    return [str(label) for k, label in taxonomy.DATA_SUBJECTS.items() if k in kinds]


TEMPLATE = "rights/policy.html"


def digest(policy: Policy) -> str:
    """A short, stable fingerprint of the policy as a reader sees it: the content from the
    map, the template's own sentences, and the translations of the policy's language."""
    body = policy.as_dict()
    body.pop("version", None)
    sha = hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False).encode("utf-8"))
    sha.update(Path(get_template(TEMPLATE).origin.name).read_bytes())
    for root in settings.LOCALE_PATHS:
        catalogue = Path(root) / policy.language / "LC_MESSAGES" / "django.mo"
        if catalogue.exists():
            sha.update(catalogue.read_bytes())
    return sha.hexdigest()[:16]


CACHE_SECONDS = 60


def _cache_key(language: str) -> str:
    return f"tillit:privacy-policy:{language}"


def current_version(language: str | None = None):
    """The policy as it reads now and its stored ``PolicyVersion`` (created when new).

    Cached per language for a minute, so pages that show the version (checkout) cost no
    queries; a change to the recipient register clears the cache at once (signals.py), and
    a change to the data map or the controller setting comes with a restart.
    """
    from .models import PolicyVersion

    language = language or translation.get_language() or settings.LANGUAGE_CODE
    cached = cache.get(_cache_key(language))
    if cached is not None:
        return cached
    policy = build(language)
    version, _ = PolicyVersion.objects.get_or_create(
        digest=policy.version,
        defaults={"language": policy.language,
                  "content": json.dumps(policy.as_dict(), ensure_ascii=False)},
    )
    cache.set(_cache_key(language), (policy, version), CACHE_SECONDS)
    return policy, version


def forget_current_version() -> None:
    cache.delete_many([_cache_key(code) for code, _name in settings.LANGUAGES])
