"""A read path for ``cycles list`` on the embedded SQLite default that needs no ORM.

Importing SQLAlchemy and SQLModel costs more than half a second, most of a quick ``cycles list``.
For a SQLite file already at the current schema, this module answers the board query with the
standard library's sqlite3 and the same SQL text as ``SqlCycleRepository.summaries``
(``storage.direct.queries``; a property test keeps the answers equal). Anything else (another database,
an older schema, a missing file) returns None and the caller takes the full path, which also
migrates.

``first_rows`` reads only what the board's first frame shows: the first cycles of each lane's
columns in the board's default order, and how many cycles each lane and column holds.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import date
from typing import TYPE_CHECKING, Any

from cycles.kinds import Phase, Status
from storage.schema.location import sqlite_path as sqlite_file
from storage.schema.revision import HEAD

if TYPE_CHECKING:  # the models (pydantic) are imported by what needs them, not by the first frame
    from cycles.model import CycleSummary
    from cycles.repository import CycleFilter

from storage.direct.queries import COLUMNS, summary_query


def _connect(url: str) -> sqlite3.Connection | None:
    """A read-only connection to the SQLite file of ``url`` at the current schema, else None."""
    path = sqlite_file(url)
    if path is None or not path.is_file():
        return None
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=15)
    except sqlite3.Error:
        return None
    try:
        revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.Error:
        conn.close()
        return None
    if revision is None or revision[0] != HEAD:
        conn.close()
        return None
    return conn


def summaries(url: str, flt: CycleFilter, today: date) -> list[CycleSummary] | None:
    """The cycles matching ``flt``, or None when this path cannot answer (see the module doc)."""
    conn = _connect(url)
    if conn is None:
        return None
    try:
        sql, params = summary_query(flt, today)
        rows = conn.execute(sql, params).fetchall()
    finally:
        conn.close()
    from cycles.model import CycleSummary

    return [CycleSummary.from_row(r) for r in rows]


Counts = dict[tuple[str, str, str], int]  # (scale, status, phase) -> cycles


Rows = list[tuple[Any, ...]]  # in ``cycles.kinds.SUMMARY_FIELDS`` order


def first_rows(url: str, per_phase: int) -> tuple[Rows, Counts] | None:
    """At least the first ``per_phase`` active cycles of each scale and phase in the board's
    default order (due date, undated last, then name as ``str.lower`` folds it), and how many
    cycles there are of each scale, status and phase; None when this path cannot answer (see the
    module doc). The cycles come in the order of ``summaries``, so that equal sort keys keep it.

    SQLite's ``lower`` folds ASCII only, and a Python function would hold the interpreter once per
    row; so names with other letters are all taken (the board sorts them): a superset of the first
    cycles of each column, read with the board index and no Python code per row."""
    conn = _connect(url)
    if conn is None:
        return None
    phases = [p.value for p in Phase]
    active = Status.ACTIVE.value
    plain = "length(name) = length(CAST(name AS BLOB))"  # no letters beyond ASCII
    sums = ", ".join(f"sum(phase = '{p}')" for p in phases)
    first = f"SELECT {COLUMNS} FROM cycle WHERE status = ? AND scale = ? AND phase = ? AND {plain} AND "
    try:
        counts: Counts = {}
        for status, scale, *numbers in _rows_at_once(
            conn, f"SELECT status, scale, {sums} FROM cycle GROUP BY status, scale", ()
        ):
            for phase, n in zip(phases, numbers, strict=True):
                if n:
                    counts[scale, status, phase] = n
        rows = []
        for scale, status, phase in counts:
            if status != active:
                continue
            args = (active, scale, phase, per_phase)
            part = _rows_at_once(
                conn, first + "due_on IS NOT NULL ORDER BY due_on, lower(name), name LIMIT ?", args
            )
            if len(part) < per_phase:
                part += _rows_at_once(conn, first + "due_on IS NULL ORDER BY lower(name), name LIMIT ?", args)
            rows += part
        rows += _rows_at_once(
            conn, f"SELECT {COLUMNS} FROM cycle WHERE status = ? AND NOT {plain}", (active,)
        )
    finally:
        conn.close()
    order = {scale: i for i, scale in enumerate(sorted({r[3] for r in rows}))}
    rows.sort(key=lambda r: (order[r[3]], r[9] is None, r[9] or "", r[1]))  # as ``summaries`` orders
    return rows, counts


def _rows_at_once(conn: sqlite3.Connection, sql: str, args: tuple[object, ...]) -> Rows:
    """The rows of ``sql`` as one JSON text from SQLite: one step back into Python rather than one
    per row. (Each step takes the interpreter's lock again, and while the board's first frame is
    being built each wait for it can last a switch interval: per row, that was most of the read.)
    The rows come in the query's order; values are text, integers or NULL."""
    columns = sql.split(" FROM ", 1)[0].removeprefix("SELECT ")
    names = [c.strip() for c in columns.split(",")]
    aggregated = (
        f"SELECT json_group_array(json_array({', '.join(f'c{i}' for i in range(len(names)))})) FROM ("
    )
    numbered = sql.replace(columns, ", ".join(f"{c} AS c{i}" for i, c in enumerate(names)), 1)
    (text,) = conn.execute(aggregated + numbered + ")", args).fetchone()
    return [tuple(r) for r in json.loads(text)]
