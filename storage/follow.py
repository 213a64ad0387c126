"""Following other processes' changes through the event log: where it stands, what changed since.

A board keeps a marker (the newest event id it has read) and the ids of the events just below it.
On PostgreSQL event ids are handed out before their transactions commit, which may come in
another order, so each read looks again at a window below the marker and skips the ids already
reported. What is read is the few event rows and the changed cycles, never the whole portfolio;
when too much changed (more cycles than ``most``, or more rows than one read holds), the caller
is told to read everything again.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from cycles.errors import NotFoundError

if TYPE_CHECKING:
    from storage.direct.watch import ChangeNote, Changes
    from storage.units.repository import SqlCycleRepository

REORDER_WINDOW = 64  # event ids below the marker read again (PostgreSQL commits out of id order)


def marker(repo: SqlCycleRepository, seen: set[int]) -> int:
    """The newest event id; ``seen`` gets the ids of the window below it, which are not news."""
    newest = repo.last_event()
    seen.update(r[0] for r in repo.events_after(max(0, newest - REORDER_WINDOW), REORDER_WINDOW))
    _trim(seen)
    return newest


def changes_since(repo: SqlCycleRepository, after: int, seen: set[int], most: int) -> Changes:
    """What changed after the marker ``after`` (``seen``: ids already reported, updated here)."""
    from cycles.model import CycleSummary
    from storage.direct.watch import ChangeNote, Changes

    limit = most + len(seen) + REORDER_WINDOW
    rows = repo.events_after(max(0, after - REORDER_WINDOW), limit)
    fresh = [r for r in rows if r[0] not in seen]
    undone = repo.undone_creations([r[0] for r in fresh if r[3] == "undo"])
    keys = list(dict.fromkeys([*(r[1] for r in fresh), *undone]))
    if len(keys) > most or len(rows) >= limit:  # too much to read piece by piece
        return Changes(marker=marker(repo, seen), everything=True)
    summaries, gone = [], []
    for key in keys:
        try:
            summaries.append(CycleSummary.of(repo.get(key)))
        except NotFoundError:
            gone.append(key)
    seen.update(r[0] for r in fresh)
    _trim(seen)
    notes = [ChangeNote(i, c, a, act, at) for i, c, a, act, at in fresh]
    newest = max([after, *(r[0] for r in rows)])
    return Changes(marker=newest, notes=notes, summaries=summaries, gone=gone)


def activity(
    repo: SqlCycleRepository, after: int | None, since: datetime | None, most: int
) -> tuple[list[ChangeNote], dict[str, str]]:
    """The changes after the event id ``after``, or from the instant ``since``, and the names of
    the cycles they name."""
    from storage.direct.watch import ChangeNote

    rows = repo.events_from(since, most) if since is not None else repo.events_after(after or 0, most)
    names = repo.names(r[1] for r in rows)
    return [ChangeNote(i, c, a, act, at) for i, c, a, act, at in rows], names


def _trim(seen: set[int], keep: int = 4 * REORDER_WINDOW) -> None:
    """Forget all but the newest ids: only those within the window can be read again."""
    if len(seen) > 2 * keep:
        for old in sorted(seen)[:-keep]:
            seen.discard(old)
