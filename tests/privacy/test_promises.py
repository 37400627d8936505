"""`tillit promises`: every requirement of every promise with its tests and result."""

import json
import re
import textwrap
from pathlib import Path

import pytest
from django.core.management import call_command

from tillit.privacy.promises import PROMISES, REQUIREMENTS, run_marked_tests, summarise

SHARED = Path(__file__).resolve().parents[3] / "shared" / "POLICY-PROMISES.md"


def test_all_35_promises_and_their_requirements_are_kept_as_data_in_two_languages():
    assert list(PROMISES) == [f"P{n:02d}" for n in range(1, 36)]
    assert all(p.requirements for p in PROMISES.values())
    for r in REQUIREMENTS.values():
        assert re.fullmatch(r"P\d{2}\.[a-z]", r.id)
        assert r.en.strip() and r.sv.strip() and r.en != r.sv
        assert r in PROMISES[r.promise].requirements
    assert sum(len(p.requirements) for p in PROMISES.values()) == len(REQUIREMENTS)


@pytest.mark.skipif(not SHARED.exists(), reason="the shared promise list is not beside the "
                                                "project here")
def test_the_requirements_are_those_of_the_shared_promise_list():
    listed, promise = [], None
    for line in SHARED.read_text(encoding="utf-8").splitlines():
        if m := re.match(r"- \*\*(P\d\d)\*\*", line):
            promise = m.group(1)
        elif m := re.match(r"\s+- ([a-z]): (.+)$", line):
            listed.append(f"{promise}.{m.group(1)}")
    assert listed == list(REQUIREMENTS)


def _results(*rows):
    return [{"nodeid": nodeid, "promises": list(ids), "outcome": outcome}
            for nodeid, ids, outcome in rows]


def test_a_requirement_is_proven_failing_or_unproven_and_a_promise_partial_between():
    report = {p.id: p for p in summarise(_results(
        ("t.py::a", ["P01.a"], "passed"),
        ("t.py::b", ["P01.b", "P02.a"], "failed"),
        ("t.py::c", ["P02.b"], "passed"),
        ("t.py::d", ["P03.a"], "passed"),
        ("t.py::e", ["P04.a"], "skipped"),
        ("t.py::f", ["P05.a"], "passed"),
        ("t.py::g", ["P05.a"], "passed"),
    ))}
    requirements = {r.id: r for p in report.values() for r in p.requirements}
    assert requirements["P01.a"].status == "proven"
    assert requirements["P01.b"].status == "failing"
    assert report["P01"].status == "failing"
    assert report["P02"].status == "failing"
    assert report["P03"].status == "proven"  # its one requirement is proven
    assert report["P04"].status == "unproven"  # a skipped test proves nothing
    assert report["P05"].status == "partial"  # a proven, b and c not
    assert requirements["P05.a"].tests == ["t.py::f", "t.py::g"]
    assert requirements["P05.b"].status == "unproven" and requirements["P05.b"].tests == []
    assert report["P01"].tests == ["t.py::a", "t.py::b"]
    assert len(report) == 35 and len(requirements) == len(REQUIREMENTS)


def test_a_bare_promise_id_or_an_unknown_one_proves_nothing():
    report = {p.id: p for p in summarise(_results(("t.py::a", ["P03", "P03.z"], "passed")))}
    assert report["P03"].status == "unproven"
    assert report["P03"].tests == []


def test_the_texts_follow_the_language():
    swedish = {p.id: p for p in summarise([], "sv")}
    assert swedish["P01"].summary == "Alla priser inkl. moms"
    assert swedish["P01"].requirements[0].text == REQUIREMENTS["P01.a"].sv
    english = {p.id: p for p in summarise([], "en")}
    assert english["P01"].requirements[0].text == REQUIREMENTS["P01.a"].en


def _write(tmp_path, results):
    path = tmp_path / "results.json"
    path.write_text(json.dumps(results))
    return path


@pytest.mark.promise("P33.a")
def test_json_format_lists_every_promise_with_its_requirements_and_their_tests(
        tmp_path, capsys):
    path = _write(tmp_path, _results(("t.py::a", ["P06.a"], "passed"),
                                     ("t.py::b", ["P06.b"], "passed"),
                                     ("t.py::c", ["P15.c"], "passed")))
    call_command("promises", "--format", "json", "--results", str(path))
    report = json.loads(capsys.readouterr().out)
    assert [p["id"] for p in report] == list(PROMISES)
    p06 = next(p for p in report if p["id"] == "P06")
    assert p06["status"] == "proven"
    assert [(r["id"], r["status"], r["tests"]) for r in p06["requirements"]] == [
        ("P06.a", "proven", ["t.py::a"]), ("P06.b", "proven", ["t.py::b"])]
    p15 = next(p for p in report if p["id"] == "P15")
    assert p15["status"] == "partial"
    assert {r["id"]: r["status"] for r in p15["requirements"]} == {
        "P15.a": "unproven", "P15.b": "unproven", "P15.c": "proven", "P15.d": "unproven"}


@pytest.mark.promise("P33.a")
def test_the_text_report_shows_every_requirement_and_the_totals(tmp_path, capsys):
    path = _write(tmp_path, _results(("t.py::a", ["P17.a"], "passed")))
    call_command("promises", "--results", str(path))
    out = capsys.readouterr().out
    assert "P17    partial" in out
    assert "  P17.a  proven    Order, delivery and invoice information is sent." in out
    assert "           - t.py::a" in out
    assert "  P17.b  unproven" in out
    assert f"Requirements: 1 proven, {len(REQUIREMENTS) - 1} unproven, 0 failing" in out
    assert "Promises: 0 proven, 1 partial, 34 unproven, 0 failing, of 35." in out


def test_the_report_speaks_swedish_when_asked(tmp_path, capsys):
    call_command("promises", "--results", str(_write(tmp_path, [])), "--language", "sv")
    assert "Alla priser inkl. moms" in capsys.readouterr().out


def test_a_failing_marked_test_makes_the_report_exit_non_zero(tmp_path, capsys):
    path = _write(tmp_path, _results(("t.py::a", ["P10.b"], "failed")))
    with pytest.raises(SystemExit) as exit_info:
        call_command("promises", "--results", str(path))
    assert exit_info.value.code == 1
    assert "P10.b  failing" in capsys.readouterr().out


def test_the_report_runs_the_marked_tests_for_real(tmp_path):
    tests = tmp_path / "tests"
    tests.mkdir()
    (tests / "test_sample.py").write_text(textwrap.dedent("""
        import pytest

        @pytest.mark.promise("P01.a")
        def test_kept():
            assert 1 + 1 == 2

        @pytest.mark.promise("P02.a", "P03.a")
        def test_broken():
            assert 1 + 1 == 3

        def test_unmarked_is_not_run():
            raise AssertionError("should be deselected")
    """))
    results = run_marked_tests(tests)
    by_id = {p.id: p for p in summarise(results)}
    assert by_id["P01"].requirements[0].status == "proven"
    assert by_id["P02"].status == by_id["P03"].status == "failing"
    assert by_id["P04"].status == "unproven"
    assert {r["nodeid"].split("::")[1] for r in results} == {"test_kept", "test_broken"}


@pytest.mark.parametrize(("mark", "says"), [
    ("P01", "is a promise, not a requirement"),
    ("P01.z", "is not a requirement of the policy's promises"),
])
def test_a_bare_or_unknown_id_on_a_test_stops_the_run(tmp_path, mark, says):
    tests = tmp_path / "tests"
    tests.mkdir()
    (tests / "test_bare.py").write_text(
        f"import pytest\n\n@pytest.mark.promise({mark!r})\ndef test_x():\n    pass\n")
    with pytest.raises(RuntimeError, match=says):
        run_marked_tests(tests)


def test_a_broken_test_module_is_an_error_not_unproven_promises(tmp_path):
    tests = tmp_path / "tests"
    tests.mkdir()
    (tests / "test_broken.py").write_text(
        "import pytest\nimport no_such_module\n\n"
        "@pytest.mark.promise('P01.a')\ndef test_x():\n    pass\n")
    with pytest.raises(RuntimeError, match="exit code 2"):
        run_marked_tests(tests)
