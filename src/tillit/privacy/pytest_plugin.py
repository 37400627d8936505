"""The pytest side of the promise report: the ``promise`` marker and a results file.

Loaded by the project's pytest configuration. A test is marked with the requirements it
proves (``@pytest.mark.promise("P15.c")``); a bare promise ID (``"P15"``) proves nothing and
is refused, as is an ID ``privacy/promises.py`` does not hold. With
``--promise-report=FILE`` every marked test is written to FILE as JSON
(``[{"nodeid", "promises", "outcome"}]``), which ``tillit promises`` reads.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tillit.privacy.promises import REQUIREMENTS

_BARE = re.compile(r"^P\d{2}$")


def pytest_addoption(parser):
    parser.addoption("--promise-report", default=None,
                     help="write the results of promise-marked tests to this JSON file")


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "promise(*ids): the test proves these requirements of the policy's "
                   "promises (P15.c)")
    config._promise_results = {}


def _promises_of(item) -> list[str]:
    ids = []
    for mark in item.iter_markers("promise"):
        for pid in mark.args:
            if isinstance(pid, str) and _BARE.match(pid):
                raise pytest.UsageError(
                    f"{item.nodeid}: {pid!r} is a promise, not a requirement: mark the "
                    f"requirement the test proves ({pid}.a, {pid}.b, ...)")
            if pid not in REQUIREMENTS:
                raise pytest.UsageError(f"{item.nodeid}: {pid!r} is not a requirement of the "
                                        f"policy's promises (see privacy/promises.py)")
            ids.append(pid)
    return ids


def pytest_collection_modifyitems(config, items):
    for item in items:
        _promises_of(item)  # fail early on a malformed id


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    ids = _promises_of(item)
    if not ids:
        return
    results = item.config._promise_results
    previous = results.get(item.nodeid, {"outcome": "passed"})["outcome"]
    if report.when == "call" or report.failed or report.skipped:
        state = "failed" if report.failed else "skipped" if report.skipped else "passed"
        if previous in ("failed", "skipped"):
            state = previous
        results[item.nodeid] = {"nodeid": item.nodeid, "promises": ids, "outcome": state}


def pytest_sessionfinish(session, exitstatus):
    path = session.config.getoption("--promise-report")
    if not path:
        return
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(sorted(session.config._promise_results.values(), key=lambda r: r["nodeid"]),
                  fh, indent=2)
