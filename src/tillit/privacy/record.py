"""The record of processing activities (GDPR Art. 30(1)), generated from the data map.

One activity per purpose: who it concerns, what data, on which legal basis, who receives
it, transfers outside the EU/EEA, how long it is kept, and the security measures.
"""

from __future__ import annotations

from dataclasses import asdict

from django.conf import settings
from django.utils import timezone, translation

from . import taxonomy
from .datamap import registry

SECURITY_MEASURES = [
    "TLS for all traffic in production (HTTPS redirect, HSTS, secure cookies)",
    "Passwords stored only as Argon2id hashes",
    "Identifiers kept past their raw retention replaced by keyed one-way hashes (HMAC-SHA256)",
    "Personal data declared per field in a data map that a start-up check enforces",
    "Retention rules enforced by a scheduled sweep",
    "Staff access through personal accounts with permissions; staff actions logged",
]


def build(language: str = "en") -> dict:
    from .models import Recipient
    from .policy import company_entry

    with translation.override(language):
        companies = list(Recipient.objects.filter(is_active=True))
        activities: dict[str, dict] = {}
        for d in registry.own():
            for use in d.uses:
                _add_use(activities, d, use, companies, language)
        for act in activities.values():
            act["recipients"] = [
                {"recipient": label, "data_categories": sorted(cats)}
                for label, cats in act.pop("_flows").items()]
        return {
            "generated_at": timezone.now().isoformat(timespec="seconds"),
            "controller": dict(settings.TILLIT_CONTROLLER),
            "activities": [activities[k] for k in taxonomy.PURPOSES if k in activities],
            "recipients": [
                {**asdict(company_entry(p, language)), "recipient_kind": p.recipient_kind}
                for p in companies
            ],
            "security_measures": SECURITY_MEASURES,
        }


def _add_use(activities: dict, d, use, companies, language: str) -> None:
    """One declared use of one record into its purpose's activity. A recipient counts for
    the activity only with the categories of this use that it receives (a carrier gets the
    order's address, not the IP address kept on the same row for security)."""
    act = activities.setdefault(use.purpose, {
        "purpose": use.purpose,
        "description": str(taxonomy.PURPOSES[use.purpose]),
        "legal_bases": [], "data_subjects": [], "data_categories": [],
        "_flows": {}, "transfers_outside_eea": [], "records": [],
    })
    basis = f"{taxonomy.BASES[use.basis][0]} ({taxonomy.BASES[use.basis][1]})"
    _add(act["legal_bases"], basis)
    for kind in d.subject.kinds:
        _add(act["data_subjects"], str(taxonomy.DATA_SUBJECTS[kind]))
    used = d.use_categories(use)
    for cat in used:
        _add(act["data_categories"], cat)
    for kind in d.recipients:
        flowing = set(used) & set(d.recipient_categories(kind))
        if not flowing:
            continue
        act["_flows"].setdefault(str(taxonomy.RECIPIENTS[kind]), set()).update(flowing)
        for p in companies:
            if p.recipient_kind == kind and p.outside_eea:
                _add(act["transfers_outside_eea"],
                     f"{p.display_name}, {p.text('location', language)}: "
                     f"{p.text('safeguard', language) or 'safeguard missing'}")
    act["records"].append({
        "model": d.label, "title": str(d.title),
        "retention": "; ".join([str(d.retention.describe()), *d.field_rule_texts()]),
        "on_erasure": str(d.on_erasure.describe()),
        "use": str(use.description),
    })


def _add(items: list, value) -> None:
    if value not in items:
        items.append(value)


def to_markdown(record: dict) -> str:
    c = record["controller"]
    out = [
        "# Record of processing activities (GDPR Art. 30)",
        "",
        f"Generated {record['generated_at']} from the data map.",
        "",
        f"**Controller:** {c['name']}, org.nr {c['org_nr']}, {c['street']}, "
        f"{c['postal_code']} {c['city']}, {c['email']}",
        "",
    ]
    for act in record["activities"]:
        out += [
            f"## {act['description']} (`{act['purpose']}`)",
            "",
            f"- Legal basis: {'; '.join(act['legal_bases'])}",
            f"- Data subjects: {', '.join(act['data_subjects'])}",
            f"- Data categories: {', '.join(f'`{x}`' for x in act['data_categories'])}",
            "- Recipients: " + ("; ".join(
                f"{r['recipient']} ({', '.join(f'`{c}`' for c in r['data_categories'])})"
                for r in act["recipients"]) or "none"),
            f"- Transfers outside the EU/EEA: "
            f"{'; '.join(act['transfers_outside_eea']) or 'none'}",
            "",
            "| Record | Model | Kept | On erasure |",
            "|---|---|---|---|",
        ]
        out += [f"| {r['title']} | `{r['model']}` | {r['retention']} | {r['on_erasure']} |"
                for r in act["records"]]
        out.append("")
    out += ["## Recipient register", "",
            "| Name | Role | Service | Data | Location | Agreement (art. 28) | Own notice |",
            "|---|---|---|---|---|---|---|"]
    out += [f"| {p['name']} | {p['role']} | {p['service']} | {p['data']} | {p['location']} | "
            f"{p['agreement_date'] or '-'} | {p['privacy_notice_url'] or '-'} |"
            for p in record["recipients"]]
    out += ["", "## Technical and organisational security measures", ""]
    out += [f"- {m}" for m in record["security_measures"]]
    return "\n".join(out) + "\n"


