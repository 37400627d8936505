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
    config._promise_results = _Results()
    config.pluginmanager.register(config._promise_results, "tillit-promise-results")


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
        # fail early on a malformed id; make test runs serial tests without the report
        if _promises_of(item) and item.get_closest_marker("serial"):
            raise pytest.UsageError(f"{item.nodeid}: a serial test runs outside the promise "
                                    "report (make test): prove the requirement elsewhere")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    # Runs where the test runs (a pytest-xdist worker, or the one process): the report
    # carries the test's requirements to pytest_runtest_logreport, which runs where the
    # results file is written.
    outcome = yield
    ids = _promises_of(item)
    if ids:
        outcome.get_result().user_properties.append(("promises", ids))


class _Results:
    """Collects the outcome of each marked test from its reports (phases setup, call and
    teardown; a failure or skip in any phase is the test's outcome)."""

    def __init__(self):
        self.by_test: dict[str, dict] = {}

    def pytest_runtest_logreport(self, report):
        ids = dict(report.user_properties).get("promises")
        if not ids:
            return
        previous = self.by_test.get(report.nodeid, {"outcome": "passed"})["outcome"]
        if report.when == "call" or report.failed or report.skipped:
            state = "failed" if report.failed else "skipped" if report.skipped else "passed"
            if previous in ("failed", "skipped"):
                state = previous
            self.by_test[report.nodeid] = {"nodeid": report.nodeid, "promises": list(ids),
                                           "outcome": state}


def pytest_sessionfinish(session, exitstatus):
    path = session.config.getoption("--promise-report")
    if not path or hasattr(session.config, "workerinput"):  # an xdist worker writes nothing
        return
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(sorted(session.config._promise_results.by_test.values(),
                         key=lambda r: r["nodeid"]), fh, indent=2)
