#!/usr/bin/env bash
# Extract the marked strings, merge them into the Dutch catalog, and compile it.
# After running, translate the new entries in cycles/locale/nl/LC_MESSAGES/cycles.po and run again.
set -euo pipefail
cd "$(dirname "$0")/.."
pybabel extract -F babel.cfg -k _ -k N_ -k ngettext:1,2 --no-location --sort-output \
  --project=learning-cycles -o cycles/locale/cycles.pot cycles storage tui
# Babel cannot see _("...") inside f-strings on Python 3.11; add those by pattern.
python - <<'PY'
import re
from pathlib import Path

from babel.messages.pofile import read_po, write_po

pattern = re.compile(r"""\{_\((['"])((?:(?!\1).)+)\1\)""")
pot = Path("cycles/locale/cycles.pot")
with pot.open("rb") as fh:
    catalog = read_po(fh)
for package in ("cycles", "storage", "tui"):
    for path in sorted(Path(package).rglob("*.py")):
        for match in pattern.finditer(path.read_text("utf-8")):
            if match.group(2) not in catalog:
                catalog.add(match.group(2))
with pot.open("wb") as fh:
    write_po(fh, catalog, omit_header=False, sort_output=True, no_location=True)
PY
if [ -f cycles/locale/nl/LC_MESSAGES/cycles.po ]; then
  pybabel update -i cycles/locale/cycles.pot -d cycles/locale -D cycles -l nl --no-fuzzy-matching --ignore-obsolete
else
  pybabel init -i cycles/locale/cycles.pot -d cycles/locale -D cycles -l nl
fi
pybabel compile -d cycles/locale -D cycles --statistics
