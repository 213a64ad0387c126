"""The CSV and XLSX exports as concatenations of stored cycle pieces.

A cycle's piece (format "csv" or "xlsx" in ``cycle_document``, kept true by
``storage.units.document_store``) is its rows of the export's tables as written
(``storage.formats.tabular.cells``), compressed: its row of the cycles table in two parts around
the ``scale`` cell, which follows the community's configuration rather than the cycle and is
filled in at export; its rows of the iterations, notes and evaluations tables; and, for CSV, its
history events. CSV rows are UTF-8 CSV text; XLSX rows are sheet XML with a placeholder for the
row number, which the writer fills in (``xlsx_writer.Rendered``). Every table lists cycles in
key order and a cycle's rows together, so each file is the cycles' parts in key order: the same
bytes as the export built from rows. The links, and the history of cycles no longer stored, are
small and always built from rows. As for the JSON export (``storage.exports.documents``), stale or
missing pieces are built from rows and stored after the file is written, on a best-effort basis.
"""

from __future__ import annotations

import csv
import io
import struct
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cycles.errors import ConfigError
from storage.exports.documents import (
    collect,
    export_counts,
    export_with,
    orphan_rows,
    stale_rows,
    stored_pieces,
)
from storage.formats import portfolio_csv, xlsx_writer
from storage.formats.safety import FIRST_RISKY, atomic_path, neutralise
from storage.formats.tabular import COLUMNS, Table, cells
from storage.reading.rows import ALL, Reader, Rows, Selection, read_links
from storage.units.document_store import Counts, Pending

if TYPE_CHECKING:
    from cycles.community import Community
    from storage.units.store import Store

SCALE = COLUMNS["cycles"].index("scale")
BATCH = 1000  # cycles' parts joined into one piece of a file


# -- the two formats' rows as written ----------------------------------------------------------------


def csv_rows(rows: Sequence[Sequence[Any]]) -> list[bytes]:
    """Each row as the CSV export writes it (``portfolio_csv``), UTF-8."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    out = []
    for row in rows:
        writer.writerow(row)
        out.append(buffer.getvalue().encode("utf-8"))
        buffer.seek(0)
        buffer.truncate()
    return out


def csv_cycle_parts(rows: Table) -> list[tuple[bytes, bytes]]:
    """Each row of the cycles table as CSV up to the scale cell (its comma included) and after it."""
    before = csv_rows([row[:SCALE] for row in rows])
    after = csv_rows([row[SCALE + 1 :] for row in rows])
    return [(b[:-2] + b",", b"," + a) for b, a in zip(before, after, strict=True)]


def csv_scale(scale: str) -> bytes:
    return csv_rows([[scale]])[0][:-2] if scale else b""


def xlsx_rows(name: str, rows: Table) -> list[bytes]:
    """Each row of table ``name`` as sheet XML, the row number left as a placeholder."""
    return [xlsx_writer.ROW_OPEN.encode() + b"".join(c) + b"</row>" for c in _xlsx_cells(name, rows)]


def _xlsx_cells(name: str, rows: Table) -> list[list[bytes]]:
    kinds = xlsx_writer.cell_kinds(len(COLUMNS[name]))
    out = []
    for start in range(0, len(rows), xlsx_writer.BATCH):
        for row in xlsx_writer.row_cells(kinds, rows[start : start + xlsx_writer.BATCH]):
            out.append([c.encode() for c in row])
    return out


def xlsx_cycle_parts(rows: Table) -> list[tuple[bytes, bytes]]:
    open_row = xlsx_writer.ROW_OPEN.encode()
    return [
        (open_row + b"".join(c[:SCALE]), b"".join(c[SCALE + 1 :]) + b"</row>")
        for c in _xlsx_cells("cycles", rows)
    ]


def xlsx_scale(scale: str) -> bytes:
    return b"".join(_xlsx_cells("cycles", [[""] * SCALE + [scale]])[0])


@dataclass(frozen=True)
class Layout:
    """How one format's pieces are made and put together."""

    format: str
    tables: tuple[str, ...]  # a cycle's tables after its row of the cycles table
    rows: Callable[[str, Table], list[bytes]]  # each row of a table as written
    cycle_parts: Callable[[Table], list[tuple[bytes, bytes]]]
    scale: Callable[[str], bytes]  # the scale cell as written

    @property
    def head(self) -> struct.Struct:
        """The lengths of a piece's parts (the cycle's two, then one per table), before them."""
        return struct.Struct(f"<{2 + len(self.tables)}I")


CSV = Layout(
    "csv",
    ("iterations", "notes", "evaluations", "events"),
    lambda _name, rows: csv_rows(rows),
    csv_cycle_parts,
    csv_scale,
)
XLSX = Layout("xlsx", ("iterations", "notes", "evaluations"), xlsx_rows, xlsx_cycle_parts, xlsx_scale)


# -- reading -----------------------------------------------------------------------------------------


@dataclass
class TableExport:
    """What an export read: each cycle's piece (``packed``: as stored, compressed) and activity
    type, the links and the history of cycles no longer stored (as cells), the counts, and the
    pieces built from rows that are worth storing."""

    layout: Layout
    pieces: list[bytes] = field(default_factory=list)
    packed: list[bool] = field(default_factory=list)
    types: list[str] = field(default_factory=list)
    links: Table = field(default_factory=list)
    orphans: Table = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    pending: Pending = field(default_factory=Pending)


def read_export(
    reader: Reader, community: Community, selection: Selection = ALL, layout: Layout = CSV
) -> TableExport:
    """The selected cycles' export in ``layout``, read in the reader's one snapshot."""
    r = reader
    found = stored_pieces(r, layout.format, selection)
    out = TableExport(layout, pending=Pending(format=layout.format))
    stale = [(row[0], row[1]) for row in found if row[3] is None]
    built = _build(r, community, selection, stale, out.pending, layout) if stale else {}
    out.pieces, out.packed, totals = collect(found, built)
    out.types = [row[2] for row in found]
    out.links = cells(Rows(links=read_links(r, selection)), community)["links"]
    orphans = orphan_rows(r, {row[1] for row in found}) if selection.everything else []
    if orphans and "events" in layout.tables:
        out.orphans = cells(Rows(events=orphans), community)["events"]
    out.counts = export_counts(len(found), totals, len(out.links), len(orphans))
    return out


def _build(
    r: Reader,
    community: Community,
    selection: Selection,
    stale: list[tuple[int, str]],
    pending: Pending,
    layout: Layout,
) -> dict[str, tuple[bytes, Counts]]:
    """The pieces of the ``stale`` cycles (id, key) built from their rows, with their counts, by
    key; noted in ``pending`` with the marks that storing them checks."""
    rows = stale_rows(r, selection, stale, pending)
    events = Counter(e[0] for e in rows.events)
    tables = cells(rows, community, events="events" in layout.tables)
    grouped = {name: _by_cycle(tables[name], layout.rows(name, tables[name])) for name in layout.tables}
    its, notes, evaluations = (
        Counter(row[0] for row in tables[n]) for n in ("iterations", "notes", "evaluations")
    )
    keys = {_shown(key): key for _, key in stale}
    built: dict[str, tuple[bytes, Counts]] = {}
    for row, (before, after) in zip(tables["cycles"], layout.cycle_parts(tables["cycles"]), strict=True):
        shown = row[0]
        parts = [before, after, *(b"".join(grouped[name].get(shown, ())) for name in layout.tables)]
        key = keys[shown]
        numbers = (its[shown], notes[shown], evaluations[shown], events[key])
        built[key] = (layout.head.pack(*map(len, parts)) + b"".join(parts), numbers)
    pending.lines = {cid: built[key] for cid, key in stale}
    return built


def _shown(key: str) -> str:
    """A cycle's key as its tables write it (neutralised against formulas, an injective map)."""
    return neutralise(key) if key[:1] in FIRST_RISKY else key


def _by_cycle(table: Table, written: list[bytes]) -> dict[str, list[bytes]]:
    """The written rows of a table grouped by the first cell of its rows (the cycle's key)."""
    out: dict[str, list[bytes]] = {}
    for row, text in zip(table, written, strict=True):
        out.setdefault(row[0], []).append(text)
    return out


# -- writing -----------------------------------------------------------------------------------------


def _scale_cell(community: Community, kind: str, layout: Layout) -> bytes:
    """The ``scale`` cell of a cycle of activity type ``kind`` as written (empty for a type the
    community does not know, as in ``tabular.cells``)."""
    try:
        scale = community.activity_type(kind).scale
    except ConfigError:
        return b""
    return layout.scale(neutralise(scale) if scale[:1] in FIRST_RISKY else scale)


class _Parts:
    """Each cycle's parts, the stored pieces decompressed as they are first needed: the cycles
    table comes first and is small, so its file is being compressed while the rest inflate."""

    def __init__(self, made: TableExport) -> None:
        self.made = made
        self.split: list[list[bytes]] = []

    def upto(self, end: int) -> list[list[bytes]]:
        from lz4.block import decompress as inflate

        head = self.made.layout.head
        pieces, packed = self.made.pieces, self.made.packed
        for i in range(len(self.split), min(end, len(pieces))):
            data = inflate(pieces[i]) if packed[i] else pieces[i]
            parts = []
            at = head.size
            for n in head.unpack_from(data):
                parts.append(data[at : at + n])
                at += n
            self.split.append(parts)
        return self.split


def tables(made: TableExport, community: Community) -> dict[str, Iterator[bytes]]:
    """Each table's rows made of the pieces as written, in order (without links and orphans)."""
    parts = _Parts(made)
    count = len(made.pieces)
    scales = {kind: _scale_cell(community, kind, made.layout) for kind in set(made.types)}
    types = made.types

    def cycles() -> Iterator[bytes]:
        for start in range(0, count, BATCH):
            end = min(start + BATCH, count)
            split = parts.upto(end)
            yield b"".join(split[i][0] + scales[types[i]] + split[i][1] for i in range(start, end))

    def part(index: int) -> Iterator[bytes]:
        for start in range(0, count, BATCH):
            split = parts.upto(start + BATCH)
            yield b"".join([p[index] for p in split[start : start + BATCH]])

    out = {"cycles": cycles()}
    for index, name in enumerate(made.layout.tables, start=2):
        out[name] = part(index)
    return out


def write_csv(made: TableExport, community: Community, path: Path) -> None:
    made_tables: dict[str, Any] = tables(made, community)
    made_tables["links"] = csv_rows(made.links)
    events = made_tables["events"]
    made_tables["events"] = _then(events, b"".join(csv_rows(made.orphans)))
    portfolio_csv.write_parts(made_tables, path)


def _then(pieces: Iterator[bytes], last: bytes) -> Iterator[bytes]:
    yield from pieces
    if last:
        yield last


def write_xlsx(made: TableExport, community: Community, path: Path) -> None:
    from storage.formats.portfolio_xlsx import SHEETS

    made_tables = tables(made, community)
    sheets: list[tuple[str, Sequence[str], Any]] = [
        (name, COLUMNS[name], made.links if name == "links" else xlsx_writer.Rendered(made_tables[name]))
        for name in SHEETS
    ]
    with atomic_path(path) as tmp:
        xlsx_writer.write(tmp, sheets)


def export_tables(
    source: Reader | Store | str,
    community: Community,
    path: Path,
    selection: Selection = ALL,
    layout: Layout = CSV,
) -> dict[str, int]:
    """Write the CSV (``path`` a ``.zip`` archive or a directory) or XLSX export of the selected
    cycles, then store the pieces built from rows; how many records of each kind it holds (the
    XLSX export leaves the history events out, but counts them). ``source`` as for
    ``storage.exports.documents.export_with``."""
    writer = write_csv if layout is CSV else write_xlsx

    def read(r: Reader) -> TableExport:
        return read_export(r, community, selection, layout)

    return export_with(source, read, lambda made: writer(made, community, path)).counts


def export_csv(
    source: Reader | Store | str, community: Community, path: Path, selection: Selection = ALL
) -> dict[str, int]:
    """The CSV export (a zip archive or a directory) of the selected cycles: :func:`export_tables`."""
    return export_tables(source, community, path, selection, CSV)


def export_xlsx(
    source: Reader | Store | str, community: Community, path: Path, selection: Selection = ALL
) -> dict[str, int]:
    """The XLSX export of the selected cycles: :func:`export_tables`."""
    return export_tables(source, community, path, selection, XLSX)
