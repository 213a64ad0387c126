"""The CSV export as a concatenation of stored cycle pieces.

A cycle's piece (format "csv" in ``cycle_document``, kept true by ``storage.document_store``) is
its rows of the CSV export's tables as written (``storage.formats.tabular.cells``), UTF-8 CSV text
compressed: its row of ``cycles.csv`` in two parts around the ``scale`` cell, which follows the
community's configuration rather than the cycle and is filled in at export; its rows of
``iterations.csv``, ``notes.csv`` and ``evaluations.csv``; and its history in ``events.csv``.
Every table lists cycles in key order and a cycle's rows together, so each file is the cycles'
parts in key order: the same bytes as the export built from rows. The links and the history of
cycles no longer stored are small and always built from rows. As for the JSON export
(``storage.documents``), stale or missing pieces are built from rows and stored after the file is
written, on a best-effort basis.
"""

from __future__ import annotations

import csv
import io
import struct
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cycles.errors import ConfigError
from storage.document_store import Counts, Pending
from storage.documents import export_with, orphan_rows, stale_rows
from storage.formats import portfolio_csv
from storage.formats.safety import FIRST_RISKY, neutralise
from storage.formats.tabular import cells
from storage.reading import ALL, Reader, Rows, Selection, read_links

if TYPE_CHECKING:
    from cycles.community import Community
    from storage.store import Store

FORMAT = "csv"
# the parts of a piece, in order; a piece is their lengths (``_HEAD``) and then their bytes
PARTS = ("cycle_before_scale", "cycle_after_scale", "iterations", "notes", "evaluations", "events")
_HEAD = struct.Struct(f"<{len(PARTS)}I")
BATCH = 1000  # cycles' parts joined into one piece of a file


@dataclass
class CsvExport:
    """What an export read: each cycle's piece (``packed``: as stored, compressed) and activity
    type, the links and the history of cycles no longer stored (as CSV text), the counts, and
    the pieces built from rows that are worth storing."""

    pieces: list[bytes] = field(default_factory=list)
    packed: list[bool] = field(default_factory=list)
    types: list[str] = field(default_factory=list)
    links: bytes = b""
    orphans: bytes = b""
    counts: dict[str, int] = field(default_factory=dict)
    pending: Pending = field(default_factory=lambda: Pending(format=FORMAT))


def read_export(reader: Reader, community: Community, selection: Selection = ALL) -> CsvExport:
    """The selected cycles' CSV export, read in the reader's one snapshot."""
    r = reader
    where, params = selection.where("c")
    found = r.all(
        'SELECT c.id, c."key", c.activity_type, d.body, d.n_iterations, d.n_notes, d.n_evaluations, '
        "d.n_events FROM cycle c LEFT JOIN cycle_document d "
        f'ON d.cycle_id = c.id AND d.format = \'{FORMAT}\' AND d."key" = c."key" AND d.version = c.version '
        f'WHERE {where} ORDER BY c."key"',
        params,
        binary=True,
    )
    out = CsvExport()
    stale = [(row[0], row[1]) for row in found if row[3] is None]
    built = _build(r, community, selection, stale, out.pending) if stale else {}
    totals = [0, 0, 0, 0]
    for _, key, kind, body, *numbers in found:
        if body is None:
            piece, numbers = built[key]
            out.pieces.append(piece)
            out.packed.append(False)
        else:
            out.pieces.append(bytes(body))
            out.packed.append(True)
        out.types.append(kind)
        for i, n in enumerate(numbers):
            totals[i] += n
    links = cells(Rows(links=read_links(r, selection)), community)["links"]
    out.links = _text(links)
    orphans = orphan_rows(r, {row[1] for row in found}) if selection.everything else []
    if orphans:
        out.orphans = _text(cells(Rows(events=orphans), community)["events"])
    its, notes, evaluations, events = totals
    out.counts = {
        "cycles": len(found),
        "iterations": its,
        "notes": notes,
        "evaluations": evaluations,
        "links": len(links),
        "events": events + len(orphans),
    }
    return out


def _build(
    r: Reader, community: Community, selection: Selection, stale: list[tuple[int, str]], pending: Pending
) -> dict[str, tuple[bytes, Counts]]:
    """The pieces of the ``stale`` cycles (id, key) built from their rows, with their counts, by
    key; noted in ``pending`` with the marks that storing them checks."""
    tables = cells(stale_rows(r, selection, stale, pending), community)
    rows = {name: _by_cycle(tables[name]) for name in ("iterations", "notes", "evaluations", "events")}
    built: dict[str, tuple[bytes, Counts]] = {}
    keys = {neutralise(key) if key[:1] in FIRST_RISKY else key: key for _, key in stale}
    for row in tables["cycles"]:
        shown = row[0]
        its, notes, evaluations, events = (rows[name].get(shown, []) for name in rows)
        parts = [
            _text([row[:3]])[:-2] + b",",  # up to the scale cell, its comma included
            b"," + _text([row[4:]]),
            _text(its),
            _text(notes),
            _text(evaluations),
            _text(events),
        ]
        piece = _HEAD.pack(*map(len, parts)) + b"".join(parts)
        built[keys[shown]] = (piece, (len(its), len(notes), len(evaluations), len(events)))
    pending.lines = {cid: built[key] for cid, key in stale}
    return built


def _by_cycle(table: list[list[Any]]) -> dict[str, list[list[Any]]]:
    """A table's rows grouped by their first cell (the cycle's key as written)."""
    out: dict[str, list[list[Any]]] = {}
    for row in table:
        out.setdefault(row[0], []).append(row)
    return out


def _text(rows: Sequence[Sequence[Any]]) -> bytes:
    """Rows as the CSV export writes them (``portfolio_csv``), UTF-8."""
    buffer = io.StringIO(newline="")
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode("utf-8")


# -- writing -----------------------------------------------------------------------------------------


def _scale_cell(community: Community, kind: str) -> bytes:
    """The ``scale`` cell of a cycle of activity type ``kind`` as written (empty for a type the
    community does not know, as in ``tabular.cells``)."""
    try:
        scale = community.activity_type(kind).scale
    except ConfigError:
        return b""
    if not scale:
        return b""
    return _text([[neutralise(scale) if scale[:1] in FIRST_RISKY else scale]])[:-2]


def _split(made: CsvExport) -> list[list[bytes]]:
    """Each cycle's parts (``PARTS``), the stored pieces decompressed."""
    from lz4.block import decompress as inflate

    out = []
    size = _HEAD.size
    for piece, packed in zip(made.pieces, made.packed, strict=True):
        data = inflate(piece) if packed else piece
        parts = []
        at = size
        for n in _HEAD.unpack_from(data):
            parts.append(data[at : at + n])
            at += n
        out.append(parts)
    return out


def tables(made: CsvExport, community: Community) -> dict[str, Iterator[bytes]]:
    """Each file's rows as pieces of UTF-8 CSV text, in order (for ``portfolio_csv.write_parts``)."""
    split = _split(made)
    scales: dict[str, bytes] = {}
    for kind in set(made.types):
        scales[kind] = _scale_cell(community, kind)

    def cycles() -> Iterator[bytes]:
        for start in range(0, len(split), BATCH):
            yield b"".join(
                split[i][0] + scales[made.types[i]] + split[i][1]
                for i in range(start, min(start + BATCH, len(split)))
            )

    def part(index: int, tail: bytes = b"") -> Iterator[bytes]:
        for start in range(0, len(split), BATCH):
            yield b"".join([p[index] for p in split[start : start + BATCH]])
        if tail:
            yield tail

    return {
        "cycles": cycles(),
        "iterations": part(2),
        "notes": part(3),
        "evaluations": part(4),
        "links": iter([made.links]),
        "events": part(5, made.orphans),
    }


def export_csv(
    source: Reader | Store | str, community: Community, path: Path, selection: Selection = ALL
) -> dict[str, int]:
    """Write the CSV export of the selected cycles to ``path`` (a ``.zip`` archive or a
    directory), then store the pieces built from rows; how many records of each kind it holds.
    ``source`` as for ``storage.documents.export_with``."""

    def write(made: CsvExport) -> None:
        portfolio_csv.write_parts(tables(made, community), path)

    return export_with(source, lambda r: read_export(r, community, selection), write).counts
