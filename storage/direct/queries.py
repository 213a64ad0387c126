"""SQL texts that more than one read path runs: one text each, whichever path serves the read.

The cycle list (``cycles list``, the board) is read by the database driver alone where it can
answer (``storage.direct.fastread``, ``storage.direct.fastread_pg``) and otherwise through the
ORM's connection
(``SqlCycleRepository.summaries``); all three run :func:`summary_query`.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from cycles.kinds import DueState, Status

if TYPE_CHECKING:
    from cycles.repository import CycleFilter

# In ``cycles.kinds.SUMMARY_FIELDS`` order.
COLUMNS = (
    "key, name, activity_type, scale, level, owner, status, iteration, phase, due_on, cadence_days, version"
)


def summary_query(flt: CycleFilter, today: date, mark: str = "?") -> tuple[str, list[object]]:
    """The cycle list's SQL text and its parameters, in the driver's placeholder ``mark``
    ("?" for sqlite3, "%s" for psycopg): what every path that lists cycles runs."""
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
