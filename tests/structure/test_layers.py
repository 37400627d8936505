"""The layers point down (issue 10): core → the privacy core → the domain apps → the rights
pages and the privacy desk, and the site's URLs on top. The privacy core imports no domain
app (a domain registers what the core needs in its own ``privacy.py``), and nothing below
the top imports the rights pages or the desk."""

from __future__ import annotations

import ast
from pathlib import Path

import tillit

PACKAGE = Path(tillit.__file__).resolve().parent
TOP = {"rights", "desk"}
BELOW_DOMAINS = {"core", "privacy"}


def _apps() -> set[str]:
    return {p.name for p in PACKAGE.iterdir() if (p / "apps.py").is_file()}


def _imports(path: Path) -> set[str]:
    """The ``tillit.<app>`` names a module imports, at any depth of its code."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        found |= {n.split(".")[1] for n in names if n.startswith("tillit.") and "." in n}
    return found


def _modules(app: str):
    for path in sorted((PACKAGE / app).rglob("*.py")):
        if "migrations" not in path.parts:
            yield path


def test_the_privacy_core_imports_no_domain_app():
    domains = _apps() - BELOW_DOMAINS
    wrong = {f"{path.relative_to(PACKAGE)} imports tillit.{name}"
             for path in _modules("privacy") for name in _imports(path) & domains}
    assert not wrong, sorted(wrong)


def test_nothing_below_the_top_imports_the_rights_pages_or_the_desk():
    wrong = {f"{path.relative_to(PACKAGE)} imports tillit.{name}"
             for app in _apps() - TOP for path in _modules(app)
             for name in _imports(path) & TOP}
    assert not wrong, sorted(wrong)


def test_the_privacy_cores_templates_load_no_domain_tags():
    wrong = [str(p.relative_to(PACKAGE)) for p in (PACKAGE / "privacy").rglob("*.html")
             if "security_tags" in p.read_text(encoding="utf-8")]
    assert not wrong


def test_orders_use_shipping_and_shipping_knows_nothing_of_orders():
    """Shipping knows carriers and the carrier file's layout; the orders app picks the
    orders, writes the files and records the hand-overs."""
    wrong = [str(path.relative_to(PACKAGE)) for path in _modules("shipping")
             if "orders" in _imports(path)]
    assert not wrong


# Demo data is a catalogue, not logic; migrations are generated.
LONG_ALLOWED = {"catalog/demo.py"}


def test_no_module_is_over_400_lines():
    long = {str(path.relative_to(PACKAGE)): lines
            for path in PACKAGE.rglob("*.py")
            if "migrations" not in path.parts
            and (lines := len(path.read_text(encoding="utf-8").splitlines())) > 400}
    assert {k: v for k, v in long.items() if k not in LONG_ALLOWED} == {}
