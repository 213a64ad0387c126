"""Dutch users find Dutch words: every marked string has a Dutch translation, compiled."""

from __future__ import annotations

import gettext
import re
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from cycles.i18n import LOCALE_DIR, _, set_language

REPO = Path(__file__).resolve().parents[1]
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}
IN_FSTRING = re.compile(r"""\{_\((['"])((?:(?!\1).)+)\1\)""")


def source_messages() -> set[str]:
    found: set[str] = set()
    for package in ("cycles", "storage", "tui"):
        for _file, _line, message, _comments, _ctx in extract_from_dir(
            REPO / package, method_map=[("**.py", "python")], keywords=KEYWORDS
        ):
            found.add(message[0] if isinstance(message, tuple) else message)
        # Babel cannot see into f-strings on Python 3.11: find _("...") there by pattern too.
        for path in (REPO / package).rglob("*.py"):
            for match in IN_FSTRING.finditer(path.read_text("utf-8")):
                found.add(match.group(2))
    return found


def dutch_catalog() -> dict[str, str]:
    with (LOCALE_DIR / "nl" / "LC_MESSAGES" / "cycles.po").open("rb") as fh:
        catalog = read_po(fh)
    return {
        str(m.id if isinstance(m.id, str) else m.id[0]): str(
            m.string if isinstance(m.string, str) else m.string[0]
        )
        for m in catalog
        if m.id
    }


def test_every_marked_string_has_a_dutch_translation() -> None:
    catalog = dutch_catalog()
    missing = sorted(m for m in source_messages() if not catalog.get(m))
    assert not missing, (
        f"{len(missing)} strings lack Dutch (run scripts/update-translations.sh): {missing[:10]}"
    )


def test_compiled_catalog_matches_the_po_file() -> None:
    with (LOCALE_DIR / "nl" / "LC_MESSAGES" / "cycles.mo").open("rb") as fh:
        compiled = gettext.GNUTranslations(fh)
    stale = [m for m, text in dutch_catalog().items() if compiled.gettext(m) != text]
    assert not stale, f"cycles.mo is out of date with cycles.po: {stale[:5]}"


def test_language_switch_translates_and_falls_back() -> None:
    set_language("nl")
    assert _("overdue") == "te laat"
    assert set_language("fr") == "en"
    assert _("overdue") == "overdue"


def test_counts_agree_with_their_number_in_dutch() -> None:
    from tui.labels import due_count

    set_language("nl")
    try:
        assert due_count("upcoming", 1, "1") == "1 komt eraan"
        assert due_count("upcoming", 4, "4") == "4 komen eraan"
        assert due_count("overdue", 11, "11") == "11 te laat"
    finally:
        set_language("en")
    assert due_count("upcoming", 4, "4") == "4 upcoming"
