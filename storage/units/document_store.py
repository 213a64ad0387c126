"""Keeping the stored export documents (table ``cycle_document``) true, and storing new ones.

A stored document is a cycle's piece of an export, compressed (LZ4 block): its line of the JSON
export (format "json", ``storage.exports.documents``) or its rows of the CSV or XLSX tables ("csv",
"xlsx": ``storage.exports.table_pieces``). It is valid while its ``key`` and ``version`` equal
the cycle's (the
exports read it so). Every write keeps that true:

- a change through ``SqlCycleRepository.apply`` bumps the changed cycle's version;
- history events written for any *other* cycle (a link's target, an import's events of a cycle
  already stored) change that cycle's line without a new version: :func:`forget_keys` deletes its
  document in the same transaction;
- a deleted cycle loses its document (``ON DELETE CASCADE``, and :func:`forget_ids` as well), so a
  cycle made later under the same key, or on SQLite with the same id, never finds it.

New documents are stored after an export's read, in a short write transaction of their own
(``storage.exports.document_save.save``), and only for the cycles that are still as the export read
them: same key, same version, same latest history event (:func:`marks`). On PostgreSQL that transaction is
SERIALIZABLE, so a change committed meanwhile makes it fail rather than store a stale line.
Storing is best effort: the export has its file already; a failure is logged at debug level.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

log = logging.getLogger(__name__)

# LZ4 rather than zlib: larger bodies, but inflated several times faster (docs/PERFORMANCE.md).
CHUNK = 500  # ids per IN (...) list

Mark = tuple[str, int, int | None]  # key, version, id of the cycle's latest history event

Counts = tuple[int, int, int, int]  # iterations, notes, evaluations, history events in a line

UPSERT = (
    'INSERT INTO cycle_document (cycle_id, format, "key", version, body, n_iterations, n_notes, '
    "n_evaluations, n_events) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
    'ON CONFLICT (cycle_id, format) DO UPDATE SET "key" = excluded."key", version = excluded.version, '
    "body = excluded.body, n_iterations = excluded.n_iterations, n_notes = excluded.n_notes, "
    "n_evaluations = excluded.n_evaluations, n_events = excluded.n_events"
)


@dataclass
class Pending:
    """Pieces (``format`` "json": lines; "csv": table rows) built from rows by an export, to be
    stored: by cycle id, with the marks read in the export's snapshot."""

    format: str = "json"
    lines: dict[int, tuple[bytes, Counts]] = field(default_factory=dict)
    marks: dict[int, Mark] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.lines)


# -- keeping documents true, inside the writer's transaction ---------------------------------------


def forget_keys(session: Session, keys: Iterable[str]) -> None:
    """Delete the stored documents of the cycles ``keys`` (those that exist)."""
    _forget(session, 'cycle_id IN (SELECT id FROM cycle WHERE "key" IN ({}))', keys)


def forget_ids(session: Session, ids: Iterable[int]) -> None:
    """Delete the stored documents of the cycle ids ``ids``."""
    _forget(session, "cycle_id IN ({})", ids)


def _forget(session: Session, condition: str, values: Iterable[Any]) -> None:
    """Delete the stored documents where ``condition`` holds for one chunk of ``values`` at a time
    (``{}`` in it stands for the chunk's parameters)."""
    from sqlalchemy import text

    wanted = sorted(set(values))
    for start in range(0, len(wanted), CHUNK):
        chunk = wanted[start : start + CHUNK]
        names = ", ".join(f":v{i}" for i in range(len(chunk)))
        session.execute(
            text(f"DELETE FROM cycle_document WHERE {condition.format(names)}"),
            {f"v{i}": v for i, v in enumerate(chunk)},
        )


def _sql(backend: str, sql: str) -> str:
    return sql if backend == "sqlite" else sql.replace("%", "%%").replace("?", "%s")


def marks(connection: Any, backend: str, ids: Sequence[int]) -> dict[int, Mark]:
    """Key, version and latest history event of the cycles ``ids`` (those that exist)."""
    out: dict[int, Mark] = {}
    cursor = connection.cursor()
    try:
        for start in range(0, len(ids), CHUNK):
            chunk = list(ids[start : start + CHUNK])
            sql = (
                'SELECT c.id, c."key", c.version, (SELECT max(e.id) FROM event e WHERE e.cycle = c."key") '
                f"FROM cycle c WHERE c.id IN ({', '.join('?' * len(chunk))})"
            )
            cursor.execute(_sql(backend, sql), tuple(chunk))
            for cid, key, version, last in cursor.fetchall():
                out[int(cid)] = (key, int(version), None if last is None else int(last))
    finally:
        cursor.close()
    return out


def compress(lines: Sequence[bytes]) -> list[bytes]:
    """The lines compressed (LZ4 blocks, each with its size, for ``lz4.block.decompress``)."""
    from lz4.block import compress as pack

    return [pack(line) for line in lines]


def store_in(connection: Any, backend: str, pending: Pending) -> int:
    """Store the pending lines of the cycles still as the export read them, in the caller's open
    write transaction on the DBAPI ``connection``; how many were stored."""
    now = marks(connection, backend, sorted(pending.lines))
    ids = [cid for cid in sorted(pending.lines) if now.get(cid) == pending.marks.get(cid)]
    if not ids:
        return 0
    bodies = compress([pending.lines[cid][0] for cid in ids])
    rows = [
        (cid, pending.format, pending.marks[cid][0], pending.marks[cid][1], body, *pending.lines[cid][1])
        for cid, body in zip(ids, bodies, strict=True)
    ]
    cursor = connection.cursor()
    try:
        cursor.executemany(_sql(backend, UPSERT), rows)
    finally:
        cursor.close()
    return len(ids)
