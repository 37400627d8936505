"""The privacy policy's promises and their requirements (POLICY-PROMISES.md), as data.

Each promise (P01-P35) is split into requirements (P15.a, P15.c, ...), each with its text in
English and Swedish. Tests prove requirements: ``@pytest.mark.promise("P15.c")``; a bare
promise ID proves nothing and is refused by the pytest plugin, as is an ID that is not
here.

``tillit promises`` runs the marked tests (or reads a results file written by
``pytest --promise-report=FILE``) and reports each requirement as ``failing`` (a marked
test failed), ``proven`` (at least one passed and none failed; a test skipped here, such as
a PostgreSQL-only one on SQLite, proves nothing either way) or ``unproven`` (no marked test
passed), and each promise as ``proven`` (every requirement proven), ``partial`` (some),
``failing`` (a requirement failing) or ``unproven`` (none). Nothing is hidden: a
requirement whose feature is not built yet shows as unproven.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .promise_texts import PROMISE_TEXTS, REQUIREMENT_TEXTS


@dataclass(frozen=True)
class Requirement:
    id: str
    en: str
    sv: str

    @property
    def promise(self) -> str:
        return self.id.split(".", 1)[0]

    def text(self, language: str = "en") -> str:
        return self.sv if language.startswith("sv") else self.en


@dataclass(frozen=True)
class Promise:
    id: str
    en: str
    sv: str
    requirements: tuple[Requirement, ...] = ()

    def text(self, language: str = "en") -> str:
        return self.sv if language.startswith("sv") else self.en


_REQUIREMENTS = [Requirement(rid, en, sv) for rid, en, sv in REQUIREMENT_TEXTS]

PROMISES: dict[str, Promise] = {
    pid: Promise(pid, en, sv, tuple(r for r in _REQUIREMENTS if r.promise == pid))
    for pid, en, sv in PROMISE_TEXTS
}
REQUIREMENTS: dict[str, Requirement] = {r.id: r for r in _REQUIREMENTS}


@dataclass
class RequirementStatus:
    id: str
    text: str
    status: str  # proven | unproven | failing
    tests: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"id": self.id, "text": self.text, "status": self.status, "tests": self.tests}


@dataclass
class PromiseStatus:
    id: str
    summary: str
    status: str  # proven | partial | unproven | failing
    requirements: list[RequirementStatus] = field(default_factory=list)

    @property
    def tests(self) -> list[str]:
        return sorted({t for r in self.requirements for t in r.tests})

    def as_dict(self) -> dict:
        return {"id": self.id, "summary": self.summary, "status": self.status,
                "requirements": [r.as_dict() for r in self.requirements]}


def _requirement_status(outcomes: set[str]) -> str:
    if "failed" in outcomes:
        return "failing"
    return "proven" if "passed" in outcomes else "unproven"


def _promise_status(statuses: list[str]) -> str:
    if "failing" in statuses:
        return "failing"
    if statuses and all(s == "proven" for s in statuses):
        return "proven"
    return "partial" if "proven" in statuses else "unproven"


def summarise(results: list[dict], language: str = "en") -> list[PromiseStatus]:
    """Fold per-test results (from the pytest plugin: ``{"nodeid", "promises",
    "outcome"}``) into one status per requirement and per promise. IDs that name no
    requirement (a bare promise ID, an unknown one) prove nothing."""
    tests: dict[str, list[dict]] = {rid: [] for rid in REQUIREMENTS}
    for result in results:
        for rid in result["promises"]:
            if rid in tests:
                tests[rid].append(result)
    report = []
    for promise in PROMISES.values():
        rows = [RequirementStatus(r.id, r.text(language),
                                  _requirement_status({t["outcome"] for t in tests[r.id]}),
                                  sorted(t["nodeid"] for t in tests[r.id]))
                for r in promise.requirements]
        report.append(PromiseStatus(promise.id, promise.text(language),
                                    _promise_status([r.status for r in rows]), rows))
    return report


def counts(report: list[PromiseStatus]) -> dict[str, dict[str, int]]:
    """How many promises and requirements stand in each status."""
    requirements = [r for p in report for r in p.requirements]
    return {
        "promises": {s: sum(1 for p in report if p.status == s)
                     for s in ("proven", "partial", "unproven", "failing")},
        "requirements": {s: sum(1 for r in requirements if r.status == s)
                         for s in ("proven", "unproven", "failing")},
    }


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
