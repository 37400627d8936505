"""Swedish first: every user-facing string has a Swedish translation, compiled."""

import ast
from pathlib import Path

import polib

import tillit
from tillit.core.management.commands.compiletranslations import catalogues


def test_there_is_a_swedish_catalogue():
    assert any(p.parts[-3] == "sv" for p in catalogues())


def test_every_message_is_translated_and_none_is_fuzzy():
    for po_path in catalogues():
        catalogue = polib.pofile(str(po_path))
        missing = [e.msgid for e in catalogue.untranslated_entries()]
        fuzzy = [e.msgid for e in catalogue.fuzzy_entries()]
        assert missing == [], f"{po_path}: untranslated {missing[:10]}"
        assert fuzzy == [], f"{po_path}: fuzzy {fuzzy[:10]}"


def test_compiled_catalogue_matches_its_source():
    for po_path in catalogues():
        mo_path = Path(po_path).with_suffix(".mo")
        assert mo_path.exists(), f"{mo_path} missing: run `make messages`"
        source = {(e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural
                  for e in polib.pofile(str(po_path)).translated_entries()}
        compiled = {(e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural
                    for e in polib.mofile(str(mo_path)) if e.msgid}
        assert compiled == source, "the .mo file is stale: run `make messages`"


_GETTEXT = {"_", "gettext", "gettext_lazy", "ngettext", "ngettext_lazy", "pgettext",
            "pgettext_lazy", "npgettext", "npgettext_lazy"}


def test_no_message_hides_inside_an_f_string():
    """xgettext does not read the expressions of an f-string, so a message written there
    never reaches the catalogue and shows in English on a Swedish page."""
    hidden = []
    for path in Path(tillit.__file__).parent.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.JoinedStr):
                hidden += [f"{path.name}:{call.lineno}" for call in ast.walk(node)
                           if isinstance(call, ast.Call) and isinstance(call.func, ast.Name)
                           and call.func.id in _GETTEXT]
    assert hidden == []
