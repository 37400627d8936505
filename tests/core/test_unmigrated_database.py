"""Commands run on a database nobody has migrated say so in one line, without a traceback."""

import json
import os
import subprocess
import sys

import pytest

from tillit.core.database import require_migrated


def _tillit(tmp_path, *args):
    """Run ``tillit *args`` as a real process on a fresh, empty SQLite file."""
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}",
           "TILLIT_VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "tillit.settings.demo"}
    return subprocess.run([sys.executable, "-m", "tillit", *args], env=env, cwd=tmp_path,
                          capture_output=True, text=True, timeout=120, check=False)


@pytest.mark.slow
def test_the_record_on_an_unmigrated_database_says_to_migrate_first(tmp_path):
    result = _tillit(tmp_path, "privacy", "record", "--format", "json")
    assert result.returncode != 0
    assert "Run `tillit migrate` first." in result.stderr
    assert "Traceback" not in result.stderr
    assert "no such table" not in result.stderr
    assert result.stdout == ""


@pytest.mark.slow
def test_the_promise_report_does_not_need_the_shops_database(tmp_path):
    # It reads test results (its own run uses pytest's test database), never the shop's.
    results = tmp_path / "results.json"
    results.write_text(json.dumps(
        [{"nodeid": "t.py::a", "promises": ["P01.a", "P01.b"], "outcome": "passed"}]))
    result = _tillit(tmp_path, "promises", "--results", str(results), "--format", "json")
    assert result.returncode == 0, result.stderr
    first = json.loads(result.stdout)[0]
    assert (first["id"], first["status"]) == ("P01", "proven")
    assert [(r["id"], r["tests"]) for r in first["requirements"]] == [
        ("P01.a", ["t.py::a"]), ("P01.b", ["t.py::a"])]


def test_a_migrated_database_passes(db):
    assert require_migrated() is None
