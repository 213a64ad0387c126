#!/usr/bin/env bash
# Extract the marked strings, merge them into the Dutch catalog, and compile it.
# After running, translate the new entries in cycles/locale/nl/LC_MESSAGES/cycles.po and run again.
set -euo pipefail
cd "$(dirname "$0")/.."
pybabel extract -F babel.cfg -k _ -k N_ -k ngettext:1,2 --no-location --sort-output \
  --project=learning-cycles -o cycles/locale/cycles.pot cycles storage tui
if [ -f cycles/locale/nl/LC_MESSAGES/cycles.po ]; then
  pybabel update -i cycles/locale/cycles.pot -d cycles/locale -D cycles -l nl --no-fuzzy-matching --ignore-obsolete
else
  pybabel init -i cycles/locale/cycles.pot -d cycles/locale -D cycles -l nl
fi
pybabel compile -d cycles/locale -D cycles --statistics
