"""Mutation testing of the modules whose slips would break a promise without a sound
(issue 16 §7): ``make mutation`` (or ``python tools/mutation.py [module ...]``).

For each module, mutmut changes its code one small step at a time (``<`` to ``<=``, a
``+`` to a ``-``, a value dropped) and runs the tests that exercise it; a change no test
notices ("survived") is a gap in the tests. Each module runs in a scratch git worktree of
HEAD (so the checkout is never touched) against the tests that cover it, and the script
prints the score per module: killed / (killed + survived + timed out + untested).

Not part of CI: on the 2-core development machine a full run takes hours.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MODULES = {
    "src/tillit/core/money.py": ["tests/core/test_money.py",
                                 "tests/orders/test_orders_receipts.py"],
    "src/tillit/privacy/erasure.py": ["tests/privacy/test_rights.py",
                                      "tests/privacy/test_erasure_pages.py",
                                      "tests/privacy/test_waiting_erasure.py",
                                      "tests/orders/test_kept_records.py",
                                      "tests/privacy/test_erasure_everything.py",
                                      "tests/privacy/test_datamap_check.py"],
    "src/tillit/privacy/erasure_actions.py": ["tests/privacy/test_rights.py",
                                              "tests/orders/test_kept_records.py",
                                              "tests/privacy/test_erasure_everything.py"],
    "src/tillit/privacy/retention.py": ["tests/privacy/test_rights.py",
                                        "tests/privacy/test_retention_edges.py",
                                        "tests/privacy/test_erasure_pages.py",
                                        "tests/privacy/test_waiting_erasure.py",
                                        "tests/privacy/test_requests.py",
                                        "tests/orders/test_orders_retention.py",
                                        "tests/orders/test_kept_records.py",
                                        "tests/cart/test_cart_retention.py",
                                        "tests/security/test_hash_ips.py"],
    "src/tillit/privacy/export.py": ["tests/privacy/test_full_export.py",
                                     "tests/privacy/test_export_archive.py",
                                     "tests/privacy/test_rights.py"],
    "src/tillit/security/services.py": ["tests/security"],
}
CONFIG = """
[tool.mutmut]
source_paths = ["{module}"]
also_copy = ["src/"]
pytest_add_cli_args_test_selection = {tests}
pytest_add_cli_args = ["-p", "no:cacheprovider", "-q", "-m", "not slow and not browser"]
"""


def run_module(module: str, tests: list[str], children: int) -> dict:
    scratch = Path(tempfile.mkdtemp(prefix="tillit-mutation-"))
    tree = scratch / "tree"
    subprocess.run(["git", "worktree", "add", "--detach", str(tree), "HEAD"], cwd=ROOT,
                   check=True, capture_output=True)
    try:
        with open(tree / "pyproject.toml", "a", encoding="utf-8") as fh:
            fh.write(CONFIG.format(module=module, tests=json.dumps(tests)))
        mutmut = [str(Path(sys.executable).with_name("mutmut"))]
        subprocess.run([*mutmut, "run", "--max-children", str(children)], cwd=tree,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        results = subprocess.run([*mutmut, "results", "--all", "true"], cwd=tree, text=True,
                                 capture_output=True, check=False).stdout
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", str(tree)], cwd=ROOT,
                       check=False, capture_output=True)
        shutil.rmtree(scratch, ignore_errors=True)
    counts: dict[str, int] = {}
    for line in results.splitlines():
        if ": " in line and "__mutmut_" in line:
            name, status = (part.strip() for part in line.rsplit(": ", 1))
            counts[status] = counts.get(status, 0) + 1
            if status != "killed":
                print(f"  {status}: {name}", file=sys.stderr)
    return counts


def score(counts: dict) -> float | None:
    killed = counts.get("killed", 0)
    judged = killed + sum(counts.get(k, 0) for k in ("survived", "timeout", "no tests"))
    return killed / judged if judged else None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("modules", nargs="*", default=list(MODULES))
    parser.add_argument("--children", type=int, default=2)
    options = parser.parse_args()
    print(f"{'module':36} {'mutants':>7} {'killed':>7} {'survived':>8} {'untested':>8} "
          f"{'score':>6}")
    for module in options.modules:
        counts = run_module(module, MODULES[module], options.children)
        value = score(counts)
        print(f"{module.removeprefix('src/tillit/'):36} {sum(counts.values()):7d} "
              f"{counts.get('killed', 0):7d} {counts.get('survived', 0):8d} "
              f"{counts.get('no tests', 0):8d} "
              f"{'-' if value is None else f'{value:.0%}':>6}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
