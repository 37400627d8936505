"""The rights benchmark named in the README still runs against the current models (it
loads PostgreSQL with COPY, which applies no model defaults, so a new required field
breaks it silently unless something runs it): a tiny shop, measured once."""

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

PROJECT = Path(__file__).resolve().parents[2]
DATABASE_URL = os.environ.get("DATABASE_URL", "")


# Its target is a time: measured alone, not beside the other xdist worker (make test).
@pytest.mark.serial
@pytest.mark.skipif(not DATABASE_URL.startswith(("postgres://", "postgresql://")),
                    reason="the benchmark needs PostgreSQL (it loads with COPY)")
def test_the_rights_benchmark_loads_and_measures_a_small_shop():
    bench_db = urlunsplit(urlsplit(DATABASE_URL)._replace(path="/tillit_bench_smoke"))
    result = subprocess.run(
        [sys.executable, "bench/rights_benchmark.py", "--customers", "40", "--runs", "2",
         "--db", bench_db],
        cwd=PROJECT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, (result.stdout + result.stderr)[-3000:]
    assert "Target: each under 1 s: met" in result.stdout
