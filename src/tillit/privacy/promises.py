"""The privacy policy's promises (POLICY-PROMISES.md), as data: ID and a one-line summary.

``tillit promises`` runs the tests marked ``@pytest.mark.promise("Pxx")`` and reports each
ID as failing (a marked test failed), proven (at least one passed and none failed; a test
skipped here, such as a PostgreSQL-only one on SQLite, proves nothing either way) or
unproven (no marked test passed).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

PROMISES: dict[str, str] = {
    "P01": "Every consumer price is shown incl. VAT; the VAT part on cart, receipt, invoice.",
    "P02": "Every order has a visible delivery status and a tracking link once shipped.",
    "P03": "The controller's identity comes from one setting and shows on policy, receipts, mail.",
    "P04": "The rights can be used without contacting staff where the law allows.",
    "P05": "Guests can buy without an account; only needed fields; policy version recorded.",
    "P06": "An account stores exactly name, e-mail, phone, user ID, password hash and company.",
    "P07": "Problem reports (support cases) can be tied to an order or a product.",
    "P08": "Sign-ups for services (licences, cloud services) are recorded with what was given.",
    "P09": "Activity in the shop is logged per session/customer with a short declared retention.",
    "P10": "IP addresses are kept raw only as long as declared, then as a keyed one-way hash.",
    "P11": "Every successful login is logged with time, IP and user agent.",
    "P12": "Carts and the address book persist, each with a retention rule.",
    "P13": "Failed logins are logged per account and IP; abuse is throttled and blocked.",
    "P14": "Vendor-sourced records (licences, cloud accounts) are stored with their source.",
    "P15": "Every cookie is declared, the cookie page generated, no optional cookie pre-consent.",
    "P16": "Third-party records keep their source and, for marketing, the consent proof.",
    "P17": "Each contract purpose is implemented and tagged 'contract' in the data map.",
    "P18": "Aggregate statistics, IP blocking, security log and legal holds (legitimate interest).",
    "P19": "Offers to existing customers follow the existing-customer rule with opt-out.",
    "P20": "Marketing only with consent per channel; one-click unsubscribe in every message.",
    "P21": "Disclosures to authorities are registered with their legal ground.",
    "P22": "Personalised marketing only for people with marketing consent.",
    "P23": "Every category has a retention rule a scheduled sweep enforces; books kept 7 years.",
    "P24": "Each declared use names its legal basis; the policy page is generated from that.",
    "P25": "Every disclosure to suppliers, carriers and partners is logged in a ledger.",
    "P26": "Disclosures for legal and security reasons are recorded and shown in access reports.",
    "P27": "A processor register (name, service, data, location, agreement) is on the policy.",
    "P28": "Klarna runs the checkout; data goes to Klarna when the checkout loads, and is logged.",
    "P29": "Self-service access export (JSON and HTML) of every item, purpose, recipient, source.",
    "P30": "Rectification is self-service or by staff, logged and passed on to recipients.",
    "P31": "Erasure is previewed, atomic, confirmed by e-mail and passed on to recipients.",
    "P32": "Erasure keeps only legally required accounting records, locked, deleted when due.",
    "P33": "A privacy desk shows requests with deadlines, retention, promises and the audit log.",
    "P34": "Production forces HTTPS: HSTS, secure cookies, redirect; check --deploy clean.",
    "P35": "Passwords are Argon2id hashes; identifiers kept past their raw retention are hashed.",
}


@dataclass
class PromiseStatus:
    id: str
    summary: str
    status: str  # proven | unproven | failing
    tests: list[str]

    def as_dict(self) -> dict:
        return {"id": self.id, "summary": self.summary, "status": self.status,
                "tests": self.tests}


def summarise(results: list[dict]) -> list[PromiseStatus]:
    """Fold per-test results (from the pytest plugin) into one status per promise."""
    by_id: dict[str, list[dict]] = {pid: [] for pid in PROMISES}
    for result in results:
        for pid in result["promises"]:
            # A requirement (P15.c) counts toward its promise.
            by_id.setdefault(pid.split(".", 1)[0], []).append(result)
    report = []
    for pid, tests in sorted(by_id.items()):
        outcomes = {t["outcome"] for t in tests}
        if "failed" in outcomes:
            status = "failing"
        elif "passed" in outcomes:
            status = "proven"
        else:
            status = "unproven"
        summary = PROMISES.get(pid, "(not a promise of the policy)")
        report.append(PromiseStatus(pid, summary, status, sorted(t["nodeid"] for t in tests)))
    return report


def default_tests_dir() -> Path:
    """The project's tests/ folder: beside src/ in a checkout, else ./tests."""
    here = Path(__file__).resolve()
    for parent in here.parents:
        if (parent / "tests").is_dir() and (parent / "pyproject.toml").is_file():
            return parent / "tests"
    return Path.cwd() / "tests"


def run_marked_tests(tests_dir: Path, extra_args: list[str] | None = None) -> list[dict]:
    """Run pytest on the promise-marked tests in a child process; return per-test results."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "promises.json"
        cmd = [
            sys.executable, "-m", "pytest", str(tests_dir), "-m", "promise", "-q",
            "-p", "no:cacheprovider", f"--promise-report={out}", *(extra_args or []),
        ]
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tillit.settings.test"}
        proc = subprocess.run(cmd, cwd=tests_dir.parent, env=env, capture_output=True,
                              text=True, check=False)
        # 0: all passed, 1: some failed (reported per promise), 5: nothing marked. Anything
        # else (a collection or import error, a usage error) would hide promises: refuse.
        if proc.returncode not in (0, 1, 5) or not out.exists():
            raise RuntimeError(
                f"pytest stopped with exit code {proc.returncode}:\n" +
                proc.stdout[-3000:] + proc.stderr[-3000:]
            )
        return json.loads(out.read_text(encoding="utf-8"))
