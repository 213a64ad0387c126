"""A read path for ``cycles list`` on the embedded SQLite default that needs no ORM.

Importing SQLAlchemy and SQLModel costs more than half a second, most of a quick ``cycles list``.
For a SQLite file already at the current schema, this module answers the board query with the
standard library's sqlite3 and the same SQL as ``SqlCycleRepository.summaries`` (a test keeps the
two equal). Anything else (another database, an older schema, a missing file) returns None and
the caller takes the full path, which also migrates.
"""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path
from urllib.parse import unquote

from cycles.model import CycleSummary, DueState, Status
from cycles.repository import CycleFilter
from storage.revision import HEAD

COLUMNS = (
    "key, name, activity_type, scale, level, owner, status, iteration, phase, due_on, cadence_days, version"
)


def sqlite_file(url: str) -> Path | None:
    """The file of a plain ``sqlite:///path`` URL (no driver, no query), else None."""
    prefix = "sqlite:///"
    if not url.startswith(prefix) or "?" in url:
        return None
    path = unquote(url[len(prefix) :])
    if not path or path == ":memory:":
        return None
    return Path(path)


def summaries(url: str, flt: CycleFilter, today: date) -> list[CycleSummary] | None:
    """The cycles matching ``flt``, or None when this path cannot answer (see the module doc)."""
    path = sqlite_file(url)
    if path is None or not path.is_file():
        return None
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=15)
    except sqlite3.Error:
        return None
    try:
        try:
            revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        except sqlite3.Error:
            return None
        if revision is None or revision[0] != HEAD:
            return None
        sql, params = _query(flt, today)
        rows = conn.execute(sql, params).fetchall()
    finally:
        conn.close()
    return [CycleSummary.from_row(r) for r in rows]


def _query(flt: CycleFilter, today: date, mark: str = "?") -> tuple[str, list[object]]:
    """The board query and its parameters; ``mark`` is the driver's placeholder."""
    where: list[str] = []
    params: list[object] = []
    if not flt.include_ended:
        where.append("status = ?")
        params.append(Status.ACTIVE.value)
    if flt.scale:
        where.append("scale = ?")
        params.append(flt.scale)
    if flt.activity_type:
        where.append("activity_type = ?")
        params.append(flt.activity_type)
    if flt.phase:
        where.append("phase = ?")
        params.append(flt.phase.value)
    if flt.owner:
        where.append("lower(owner) = ?")
        params.append(flt.owner.lower())
    day = today.isoformat()
    if flt.due is DueState.DUE:
        where.append("due_on <= ?")
        params.append(day)
    elif flt.due is DueState.OVERDUE:
        where.append("due_on < ?")
        params.append(day)
    elif flt.due is DueState.UPCOMING:
        where.append("due_on > ?")
        params.append(day)
    if flt.text:
        text = flt.text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        where.append("(lower(name) LIKE ? ESCAPE '\\' OR lower(key) LIKE ? ESCAPE '\\')")
        params += [f"%{text}%", f"%{text}%"]
    clause = f" WHERE {' AND '.join(where)}" if where else ""
    if mark != "?":
        clause = clause.replace("?", mark)
    order = " ORDER BY scale, due_on IS NULL, due_on, name"
    return f"SELECT {COLUMNS} FROM cycle{clause}{order}", params
