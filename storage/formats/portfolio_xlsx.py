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
from typing import TYPE_CHECKING

from storage.formats import xlsx_writer
from storage.formats.safety import atomic_path, neutralise
from storage.formats.tabular import COLUMNS, Table, cells, spreadsheet_rows
from storage.reading.export import row_counts
from storage.reading.rows import ALL, Reader, Selection, event_count, read_rows, reading

if TYPE_CHECKING:
    from cycles.community import Community
    from storage.units.store import Store

SHEETS = ("cycles", "iterations", "notes", "evaluations", "links")


def text_cell(value: object) -> object:
    """A cell value that no spreadsheet runs and XML can hold."""
    if not isinstance(value, str):
        return value
    value = neutralise(value)
    return xlsx_writer.ILLEGAL.sub("\ufffd", value) if xlsx_writer.ILLEGAL.search(value) else value


def write(tables: dict[str, Table], path: Path) -> None:
    """Write tables of :func:`storage.formats.tabular.flatten` to the workbook ``path``."""
    write_cells({name: spreadsheet_rows(name, tables[name]) for name in SHEETS}, path)  # type: ignore[misc]


def write_cells(tables: dict[str, Table], path: Path) -> None:
    """Write tables of cells as written (:func:`storage.formats.tabular.cells`) to ``path``."""
    sheets = [(name, COLUMNS[name], tables[name]) for name in SHEETS]
    with atomic_path(path) as tmp:
        xlsx_writer.write(tmp, sheets)


def export_from_rows(
    source: Reader | Store, community: Community, path: Path, selection: Selection = ALL
) -> dict[str, int]:
    """:func:`export` built from the rows alone (the stored pieces are neither read nor made)."""
    with reading(source) as reader:
        rows = read_rows(reader, selection, events=False)
        events = event_count(reader, selection)
    write_cells(cells(rows, community, events=False), path)
    return row_counts(rows, orphans=False) | {"events": events}
