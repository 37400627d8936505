"""The campaign benchmark named in the README still runs against the current models (it
loads the consent ledger with COPY, which applies no model defaults) and still checks that
the production worker writes to every subscriber exactly once: a small list, sent once."""

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

PROJECT = Path(__file__).resolve().parents[2]
DATABASE_URL = os.environ.get("DATABASE_URL", "")


@pytest.mark.serial
@pytest.mark.skipif(not DATABASE_URL.startswith(("postgres://", "postgresql://")),
                    reason="the benchmark needs PostgreSQL (it loads with COPY)")
def test_the_campaign_benchmark_sends_a_small_list_once_each():
    bench_db = urlunsplit(urlsplit(DATABASE_URL)._replace(path="/tillit_bench_campaign_smoke"))
    result = subprocess.run(
        [sys.executable, "bench/campaign_benchmark.py", "--subscribers", "300", "1200",
         "--db", bench_db], cwd=PROJECT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, (result.stdout + result.stderr)[-3000:]
    assert "Every subscriber exactly one message: yes." in result.stdout
    assert "1,200 messages handed over, 1,200 send rows, 0 waiting, campaign sent" in (
        result.stdout)
