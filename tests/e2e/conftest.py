"""A real ``tillit demo`` process, started once for the browser and smoke tests."""

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.conftest import free_port

PROJECT = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def demo_server(tmp_path_factory):
    """Start ``tillit demo`` on a free port with its own database and the production
    Content-Security-Policy; yield its base URL."""
    var = tmp_path_factory.mktemp("demo-var")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    # TILLIT_CSP=1: the browser meets the production Content-Security-Policy, nonces and the
    # checkout provider's origins included (settings/demo.py).
    env.update(DJANGO_SETTINGS_MODULE="tillit.settings.demo", TILLIT_VAR_DIR=str(var),
               TILLIT_CSP="1")
    log = (var / "demo.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "tillit", "demo", "--port", str(port),
         "--db", str(var / "demo.sqlite3"), "--workers", "1"],
        cwd=var, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 120
    try:
        while True:
            if proc.poll() is not None:
                pytest.fail(f"tillit demo exited early:\n{(var / 'demo.log').read_text()}")
            try:
                if httpx.get(url, timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"tillit demo did not answer:\n{(var / 'demo.log').read_text()}")
            time.sleep(0.3)
        yield {"url": url, "var": var, "log": var / "demo.log", "port": port}
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
        log.close()


@pytest.fixture(scope="session")
def chromium_path():
    """Debian's Chromium; a missing browser skips outside CI and fails in CI."""
    if CHROMIUM:
        return CHROMIUM
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail("Chromium is not installed, and CI must run the browser tests "
                    "(apt-get install chromium).")
    pytest.skip("Chromium is not installed (apt-get install chromium) - browser test skipped.")


@pytest.fixture(scope="session")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=chromium_path, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync"],
        )
        yield b
        b.close()
