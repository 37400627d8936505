"""Swedish first: every user-facing string has a Swedish translation, compiled."""

from pathlib import Path

import polib

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
