"""The XLSX export: one sheet per entity, the columns of ``storage.formats.tabular``.

Cycles, iterations, notes, evaluations and links; not the history events, whose before/after
snapshots are JSON that no one reads in a spreadsheet and that can exceed a spreadsheet cell's
32,767 characters (the JSON and CSV exports carry them).

Numbers are numbers, dates and times ISO 8601 text (a spreadsheet's own dates have no time zone),
lists JSON text. Text cells are neutralised against formulas like the CSV export's; characters
that XML cannot hold (control characters other than tab, line feed and carriage return) are
replaced by U+FFFD, so this export is for reading, not for importing back. Written by
``storage.formats.xlsx_writer``, which streams the sheets' XML: openpyxl's write-only mode needs
minutes for the millions of cells of a large portfolio.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from cycles.community import Community
from storage.export import ALL, Selection, counts, read_document
from storage.formats import xlsx_writer
from storage.formats.safety import atomic_path, neutralise
from storage.formats.tabular import COLUMNS, Table, flatten, spreadsheet_rows
from storage.store import Store

SHEETS = ("cycles", "iterations", "notes", "evaluations", "links")


def text_cell(value: object) -> object:
    """A cell value that no spreadsheet runs and XML can hold."""
    if not isinstance(value, str):
        return value
    value = neutralise(value)
    return ILLEGAL_CHARACTERS_RE.sub("\ufffd", value) if ILLEGAL_CHARACTERS_RE.search(value) else value


def write(tables: dict[str, Table], path: Path) -> None:
    sheets = [(name, COLUMNS[name], spreadsheet_rows(name, tables[name])) for name in SHEETS]
    with atomic_path(path) as tmp:
        xlsx_writer.write(tmp, sheets)


def export(store: Store, community: Community, path: Path, selection: Selection = ALL) -> dict[str, int]:
    doc = read_document(store, community.name, selection)
    write(flatten(doc, community), path)
    return counts(doc)
