"""The review's records, read with only the columns the review uses.

``cycles.review.build`` needs of each cycle its key, name, scale, type, owner and instants, and of
each iteration its number, instants, due date, levels, principles and decision: not the texts of
collect, run and evaluate, which are most of a portfolio's bytes. Reading just these columns
moves a fraction of the data (over PostgreSQL's socket especially), and the values arrive as the
records want them: PostgreSQL gives instants as UTC timestamps and dates as dates, SQLite its
stored text, parsed here once per distinct value where values repeat.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime
from operator import attrgetter
from typing import TYPE_CHECKING, Any

import orjson

from cycles.review_records import CycleRecord, DecisionRecord, EvaluationRecord, IterationRecord
from storage.reading.rows import ALL, Reader, Selection, snapshot

if TYPE_CHECKING:
    from collections.abc import Callable

    from storage.units.store import Store

NO_LEVELS: list[str] = []
_number = attrgetter("number")


def read_review_records(source: Reader | Store, selection: Selection = ALL) -> list[CycleRecord]:
    """Light records of the selected cycles that have iterations, in key order, for
    ``cycles.review.build``: plain tuples, not validated again (the rows were valid when written)."""
    if not isinstance(source, Reader):
        with snapshot(source) as reader:
            return read_review_records(reader, selection)
    r = source
    where, params = selection.where("c")
    at = _datetimes(r)
    cycles = r.all(
        'SELECT c."key", c.name, c.scale, c.activity_type, c.owner, c.created_at, c.ended_at '
        f'FROM cycle c WHERE {where} ORDER BY c."key"',
        params,
    )
    levels_sql = ", ".join(r.json(f"i.{name}") for name in ("value_levels", "outcome_levels", "principles"))
    rows = r.all(
        f'SELECT c."key", i.number, i.opened_at, i.due_on, i.evaluated_at, {levels_sql}, i.decision, '
        "i.rationale, i.decided_at, i.route_to FROM iteration i JOIN cycle c ON c.id = i.cycle_id "
        f'WHERE {where} ORDER BY c."key", i.number',
        params,
    )
    day = _dates()
    levels = _Levels()
    its: dict[str, list[IterationRecord]] = defaultdict(list)
    for key, number, opened, due, evaluated, values, outcomes, principles, decision, why, decided, to in rows:
        its[key].append(
            IterationRecord(
                number,
                at(opened),
                day(due),
                None
                if evaluated is None
                else EvaluationRecord(at(evaluated), levels[values], levels[outcomes], levels[principles]),
                None if decision is None else DecisionRecord(at(decided), decision, why, to),
            )
        )
    for iterations in its.values():
        iterations.sort(key=_number)
    return [
        CycleRecord(key, name, scale, kind, owner, at(created), at(ended), its[key])
        for key, name, scale, kind, owner, created, ended in cycles
        if its.get(key)
    ]


def _datetimes(r: Reader) -> Callable[[Any], Any]:
    """An instant as the query returns it, as an aware UTC datetime (None stays None): on
    PostgreSQL the timestamp itself, which psycopg makes an aware UTC datetime once the
    transaction's time zone is UTC; on SQLite the stored UTC text, parsed."""
    if r.backend == "postgresql":
        # For this read-only transaction only (it is rolled back): timestamps arrive in UTC,
        # made by the driver, with no conversion per value here.
        cursor = r.connection.cursor()
        try:
            cursor.execute("SET LOCAL TIME ZONE 'UTC'")
        finally:
            cursor.close()
        return _as_utc
    parse = datetime.fromisoformat

    def from_text(value: Any) -> datetime | None:
        if value.__class__ is str and len(value) == 26 and value[19] == ".":  # as SQLite stores them
            return parse(value + "+00:00")
        return _as_utc(None if value is None else value if value.__class__ is datetime else parse(value))

    return from_text


def _as_utc(value: datetime | None) -> datetime | None:
    if value is None or value.tzinfo is UTC:
        return value
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _dates() -> Callable[[Any], date]:
    """A due date as a date: PostgreSQL's already is; SQLite's text is parsed once per day."""
    seen: dict[Any, date] = {}

    def day(value: Any) -> date:
        if value.__class__ is date:
            return value  # type: ignore[no-any-return]
        found = seen.get(value)
        if found is None:
            found = seen[value] = date.fromisoformat(str(value)[:10])
        return found

    return day


class _Levels(dict[Any, list[str]]):
    """A stored JSON list of levels or principles, decoded once per distinct text; NULL, and
    anything that is not a list, counts as empty (as the review has always read them). The lists
    are shared: read-only."""

    def __missing__(self, text: Any) -> list[str]:
        value = NO_LEVELS if text is None else orjson.loads(text) if isinstance(text, str | bytes) else text
        found = self[text] = value if value.__class__ is list else NO_LEVELS
        return found
