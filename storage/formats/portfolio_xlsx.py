"""The XLSX export: one sheet per entity, the columns of ``storage.formats.tabular``.

Written in openpyxl's write-only mode (rows streamed, not kept as cell objects). Numbers are
numbers, dates and times ISO 8601 text (a spreadsheet's own dates have no time zone), lists JSON
text. Text cells are neutralised against formulas like the CSV export's; characters that XML
cannot hold (control characters other than tab, line feed and carriage return) are replaced by
U+FFFD, so this export is for reading, not for importing back.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from cycles.community import Community
from storage.export import ALL, Selection, counts, read_document
from storage.formats.safety import atomic_path, neutralise
from storage.formats.tabular import COLUMNS, Table, cell_text, flatten
from storage.store import Store


def text_cell(value: object) -> object:
    """A cell value that no spreadsheet runs and XML can hold."""
    if not isinstance(value, str):
        return value
    value = neutralise(value)
    return ILLEGAL_CHARACTERS_RE.sub("\ufffd", value) if ILLEGAL_CHARACTERS_RE.search(value) else value


def write(tables: dict[str, Table], path: Path) -> None:
    workbook = Workbook(write_only=True)
    for name, columns in COLUMNS.items():
        sheet = workbook.create_sheet(name)
        sheet.freeze_panes = "A2"
        sheet.append(list(columns))
        for row in tables[name]:
            sheet.append([text_cell(cell_text(c, row.get(c))) for c in columns])
    with atomic_path(path) as tmp:
        workbook.save(tmp)


def export(store: Store, community: Community, path: Path, selection: Selection = ALL) -> dict[str, int]:
    doc = read_document(store, community.name, selection)
    write(flatten(doc, community), path)
    return counts(doc)
