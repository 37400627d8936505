"""`tillit promises`: every promise ID with its tests and their result."""

import json
import textwrap

import pytest
from django.core.management import call_command

from tillit.privacy.promises import PROMISES, run_marked_tests, summarise


def test_all_35_promises_are_kept_as_data():
    assert list(PROMISES) == [f"P{n:02d}" for n in range(1, 36)]
    assert all(summary.strip() for summary in PROMISES.values())


def test_status_is_proven_unproven_or_failing():
    results = [
        {"nodeid": "t.py::a", "promises": ["P01"], "outcome": "passed"},
        {"nodeid": "t.py::b", "promises": ["P01", "P02"], "outcome": "failed"},
        {"nodeid": "t.py::c", "promises": ["P03"], "outcome": "passed"},
        {"nodeid": "t.py::d", "promises": ["P04"], "outcome": "skipped"},
    ]
    by_id = {p.id: p for p in summarise(results)}
    assert by_id["P01"].status == "failing"
    assert by_id["P02"].status == "failing"
    assert by_id["P03"].status == "proven"
    assert by_id["P04"].status == "unproven"  # a skipped test proves nothing
    assert by_id["P05"].status == "unproven" and by_id["P05"].tests == []
    assert by_id["P01"].tests == ["t.py::a", "t.py::b"]
    assert len(by_id) == 35


def _write(tmp_path, results):
    path = tmp_path / "results.json"
    path.write_text(json.dumps(results))
    return path


def test_json_format_lists_every_id_with_summary_status_and_tests(tmp_path, capsys):
    path = _write(tmp_path, [{"nodeid": "t.py::a", "promises": ["P06"], "outcome": "passed"}])
    call_command("promises", "--format", "json", "--results", str(path))
    report = json.loads(capsys.readouterr().out)
    assert [p["id"] for p in report] == list(PROMISES)
    assert set(report[0]) == {"id", "summary", "status", "tests"}
    p06 = next(p for p in report if p["id"] == "P06")
    assert p06 == {"id": "P06", "summary": PROMISES["P06"], "status": "proven",
                   "tests": ["t.py::a"]}


def test_unproven_ids_are_reported_and_exit_zero(tmp_path, capsys):
    call_command("promises", "--results", str(_write(tmp_path, [])))
    out = capsys.readouterr().out
    assert "P17  unproven" in out
    assert "0 proven, 35 unproven, 0 failing, of 35 promises." in out


def test_a_failing_marked_test_makes_the_report_exit_non_zero(tmp_path, capsys):
    path = _write(tmp_path, [{"nodeid": "t.py::a", "promises": ["P10"], "outcome": "failed"}])
    with pytest.raises(SystemExit) as exit_info:
        call_command("promises", "--results", str(path))
    assert exit_info.value.code == 1
    assert "P10  failing" in capsys.readouterr().out


def test_the_report_runs_the_marked_tests_for_real(tmp_path):
    tests = tmp_path / "tests"
    tests.mkdir()
    (tests / "test_sample.py").write_text(textwrap.dedent("""
        import pytest

        @pytest.mark.promise("P01")
        def test_kept():
            assert 1 + 1 == 2

        @pytest.mark.promise("P02", "P03")
        def test_broken():
            assert 1 + 1 == 3

        def test_unmarked_is_not_run():
            raise AssertionError("should be deselected")
    """))
    results = run_marked_tests(tests)
    by_id = {p.id: p for p in summarise(results)}
    assert by_id["P01"].status == "proven"
    assert by_id["P02"].status == by_id["P03"].status == "failing"
    assert by_id["P04"].status == "unproven"
    assert {r["nodeid"].split("::")[1] for r in results} == {"test_kept", "test_broken"}


def test_a_broken_test_module_is_an_error_not_unproven_promises(tmp_path):
    tests = tmp_path / "tests"
    tests.mkdir()
    (tests / "test_broken.py").write_text(
        "import pytest\nimport no_such_module\n\n"
        "@pytest.mark.promise('P01')\ndef test_x():\n    pass\n")
    with pytest.raises(RuntimeError, match="exit code 2"):
        run_marked_tests(tests)
