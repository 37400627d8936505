"""The pytest side of the promise report: the ``promise`` marker and a results file.

Loaded by the project's pytest configuration. With ``--promise-report=FILE`` every test
marked ``@pytest.mark.promise("Pxx")`` is written to FILE as JSON
(``[{"nodeid", "promises", "outcome"}]``), which ``tillit promises`` reads.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

# A promise (P15) or one of its requirements (P15.c).
_ID = re.compile(r"^P\d{2}(\.[a-z])?$")


def pytest_addoption(parser):
    parser.addoption("--promise-report", default=None,
                     help="write the results of promise-marked tests to this JSON file")


def pytest_configure(config):
    config.addinivalue_line("markers", "promise(*ids): the test proves these policy promises")
    config._promise_results = {}


def _promises_of(item) -> list[str]:
    ids = []
    for mark in item.iter_markers("promise"):
        for pid in mark.args:
            if not isinstance(pid, str) or not _ID.match(pid):
                raise pytest.UsageError(f"{item.nodeid}: bad promise id {pid!r} (want 'P01.a')")
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
