"""The JSON export as a concatenation of stored cycle documents.

Each cycle's line of the JSON export (``portfolio_json._encode`` of its part of
``storage.reading.export.document``) is kept in the table ``cycle_document``, compressed, with the cycle's
key and version when it was made (``storage.units.document_store`` keeps it true on every write). An
export reads, in one snapshot: the selected cycles with their stored line where key and version
still match; the rows of the other cycles only, from which their lines are built exactly as
before; the links and the history events of cycles no longer stored (small, always from rows);
and the counts. The file is then the same bytes as the export built from rows. The lines built from rows are
stored afterwards, in a short write transaction of their own (best effort).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from storage.exports.document_save import save
from storage.formats import portfolio_json
from storage.reading.export import FORMAT_VERSION, document, event_documents, link_documents, orphan_documents
from storage.reading.rows import (
    ALL,
    Reader,
    Rows,
    Selection,
    direct_reader,
    read_links,
    read_orphan_events,
    read_rows,
    snapshot,
)
from storage.units.document_store import Counts, Pending, marks

if TYPE_CHECKING:
    from cycles.community import Community
    from storage.units.store import Store

MAX_ONLY = 2000  # more cycles to build than this: read the whole selection's rows instead


@dataclass
class JsonExport:
    """What an export read: each cycle's line (``packed``: as stored, compressed), the links, the
    top-level events, the counts, and the lines built from rows that are worth storing."""

    community: str
    lines: list[bytes] = field(default_factory=list)
    packed: list[bool] = field(default_factory=list)
    links: list[dict[str, Any]] = field(default_factory=list)
    orphans: list[dict[str, Any]] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    pending: Pending = field(default_factory=Pending)


def read_export(reader: Reader, community: str, selection: Selection = ALL) -> JsonExport:
    """The selected cycles' export, read in the reader's one snapshot (see the module docstring)."""
    r = reader
    found = stored_pieces(r, "json", selection)
    out = JsonExport(community)
    stale = [(row[0], row[1]) for row in found if row[3] is None]
    built = _build(r, community, selection, stale, out.pending) if stale else {}
    out.lines, out.packed, totals = collect(found, built)
    out.links = link_documents(read_links(r, selection))
    if selection.everything:
        out.orphans = _orphans(r, {row[1] for row in found})
    out.counts = export_counts(len(found), totals, len(out.links), len(out.orphans))
    return out


def stored_pieces(r: Reader, fmt: str, selection: Selection) -> list[Any]:
    """The selected cycles in key order: id, key, activity type, and their stored piece of format
    ``fmt`` where it is current (its body and the four counts of ``Counts``), else None five times."""
    where, params = selection.where("c")
    return r.all(
        'SELECT c.id, c."key", c.activity_type, d.body, d.n_iterations, d.n_notes, d.n_evaluations, '
        "d.n_events FROM cycle c LEFT JOIN cycle_document d "
        'ON d.cycle_id = c.id AND d.format = ? AND d."key" = c."key" AND d.version = c.version '
        f'WHERE {where} ORDER BY c."key"',
        [fmt, *params],
        binary=True,
    )


def collect(
    found: list[Any], built: dict[str, tuple[bytes, Counts]]
) -> tuple[list[bytes], list[bool], list[int]]:
    """The pieces of ``stored_pieces``' rows in order, the stored ones as stored (compressed:
    ``packed``) and the others as ``built``, and the totals of their counts."""
    pieces: list[bytes] = []
    packed: list[bool] = []
    totals = [0, 0, 0, 0]
    for _, key, _kind, body, *numbers in found:
        if body is None:
            piece, numbers = built[key]
            pieces.append(piece)
            packed.append(False)
        else:
            pieces.append(bytes(body))
            packed.append(True)
        for i, n in enumerate(numbers):
            totals[i] += n
    return pieces, packed, totals


def export_counts(cycles: int, totals: list[int], links: int, orphans: int) -> dict[str, int]:
    """How many records of each kind an export holds (``storage.reading.export.counts``)."""
    its, notes, evaluations, events = totals
    return {
        "cycles": cycles,
        "iterations": its,
        "notes": notes,
        "evaluations": evaluations,
        "links": links,
        "events": events + orphans,
    }


def _orphans(r: Reader, keys: set[str]) -> list[dict[str, Any]]:
    """The top-level events: the history of cycles no longer stored."""
    found = orphan_rows(r, keys)
    return orphan_documents(event_documents(Rows(events=found))) if found else []


def orphan_rows(r: Reader, keys: set[str]) -> list[Any]:
    """The history events of cycles no longer stored (not in ``keys``, all the cycles), as rows.
    Their keys are found in the index of the event table first: usually there are none."""
    if all(row[0] in keys for row in r.all("SELECT DISTINCT e.cycle FROM event e")):
        return []
    return read_orphan_events(r)


def _build(
    r: Reader, community: str, selection: Selection, stale: list[tuple[int, str]], pending: Pending
) -> dict[str, tuple[bytes, Counts]]:
    """The lines of the ``stale`` cycles (id, key) built from their rows, with their counts, by
    key; noted in ``pending`` with the marks that storing them checks."""
    rows = stale_rows(r, selection, stale, pending)
    built = {}
    for c in document(rows, community, orphans=False)["cycles"]:
        its = c["iterations"]
        numbers = (
            len(its),
            sum(len(it["notes"]) for it in its),
            sum(1 for it in its if "evaluation" in it),
            len(c["events"]),
        )
        built[c["key"]] = (portfolio_json.encode(c), numbers)
    pending.lines = {cid: built[key] for cid, key in stale}
    return built


def stale_rows(r: Reader, selection: Selection, stale: list[tuple[int, str]], pending: Pending) -> Rows:
    """The rows of the ``stale`` cycles (id, key) of the selection, with their notes and events;
    their marks, which storing their pieces checks, noted in ``pending``."""
    ids = [cid for cid, _ in stale]
    pending.marks = marks(r.connection, r.backend, ids)
    if len(stale) <= MAX_ONLY:
        return read_rows(r, selection, only=ids)
    return _only(read_rows(r, selection), {key for _, key in stale})


def _only(rows: Rows, keys: set[str]) -> Rows:
    """``rows`` of the cycles ``keys`` only (their notes and events; no links)."""
    return Rows(
        cycles=[c for c in rows.cycles if c[0] in keys],
        iterations=[i for i in rows.iterations if i[0] in keys],
        notes=[n for n in rows.notes if n[0] in keys],
        events=[e for e in rows.events if e[0] in keys],
    )


# -- writing -----------------------------------------------------------------------------------------


def parts(lines: Sequence[bytes], packed: Sequence[bool]) -> Iterator[bytes]:
    """The lines joined by ``,\\n`` in batches, the stored ones decompressed. (On worker threads it
    was no faster on two busy cores: the writer waits on the disk, not on the interpreter.)"""
    from lz4.block import decompress as inflate

    size = portfolio_json.BATCH
    for start in range(0, len(lines), size):
        end = min(start + size, len(lines))
        yield b",\n".join([inflate(lines[i]) if packed[i] else lines[i] for i in range(start, end)])


def document_of(made: JsonExport) -> dict[str, Any]:
    """The portfolio document of ``made`` for ``portfolio_json.chunks`` (cycles pre-encoded)."""
    doc: dict[str, Any] = {
        "community": made.community,
        "cycles": portfolio_json.Encoded(len(made.lines), lambda: parts(made.lines, made.packed)),
        "links": made.links,
        "version": FORMAT_VERSION,
    }
    if made.orphans:
        doc["events"] = made.orphans
    return doc


def write(made: JsonExport, path: Path) -> None:
    portfolio_json.write(document_of(made), path)


def export_json(
    source: Reader | Store | str, community: str, path: Path, selection: Selection = ALL
) -> dict[str, int]:
    """Write the JSON export of the selected cycles to ``path`` (see the module docstring), then
    store the lines built from rows; how many records of each kind it holds. ``source`` as for
    :func:`export_with`."""
    made = export_with(source, lambda r: read_export(r, community, selection), lambda m: write(m, path))
    return made.counts


class Made(Protocol):
    """What an export read: at least the pieces built from rows that are worth storing."""

    pending: Pending


M = TypeVar("M", bound=Made)


def export_with(source: Reader | Store | str, read: Callable[[Reader], M], write: Callable[[M], None]) -> M:
    """``read`` the export in one snapshot of ``source``, ``write`` it, then store the pieces it
    built from rows (best effort); what it read. ``source`` is a URL (read with the driver alone
    when it can, else through a Store, which migrates), a Store, or a Reader (pieces are stored
    only when it was opened on a URL by ``direct_reader``)."""
    target: Store | str | None
    if isinstance(source, str):
        reader = direct_reader(source)
        if reader is None:
            from storage.units.store import Store

            store = Store.open(source)
            try:
                return export_with(store, read, write)
            finally:
                store.close()
        try:
            made = read(reader)
        finally:
            reader.close()
        target = source
    elif isinstance(source, Reader):
        made = read(source)
        target = source.url
    else:
        with snapshot(source) as reader:
            made = read(reader)
        target = source
    write(made)
    if target is not None:
        save(target, made.pending)
    return made


def export(
    source: Reader | Store | str, community: Community, path: Path, selection: Selection = ALL
) -> dict[str, int]:
    """:func:`export_json` for ``community``."""
    return export_json(source, community.name, path, selection)
