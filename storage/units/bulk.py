"""Bulk inserts straight to the driver, and the import of a whole validated portfolio.

Core ``insert()`` with a list of dicts still runs SQLAlchemy's per-value processing (JSON and
datetime columns); at an import of 400,000 rows that was about 70 % of the time. Here the rows
are tuples; the values of each column that the database stores differently from Python (instants,
dates, JSON) are converted column by column, as the dialect itself stores them, with the JSON
text of repeated lists made once. SQLite then takes the rows in one ``executemany``, PostgreSQL
in one ``COPY`` per table (psycopg's ``executemany`` sends them one statement at a time).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import cache
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, Connection, Date, DateTime, Table, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from cycles.errors import NotFoundError, TransitionError
from storage.schema.tables import CycleRow, EventRow, IterationRow, LinkRow, NoteRow

if TYPE_CHECKING:
    from cycles.portfolio import Portfolio

_CYCLES: Table = CycleRow.__table__  # type: ignore[attr-defined]
_ITERATIONS: Table = IterationRow.__table__  # type: ignore[attr-defined]
_NOTES: Table = NoteRow.__table__  # type: ignore[attr-defined]
_LINKS: Table = LinkRow.__table__  # type: ignore[attr-defined]
_EVENTS: Table = EventRow.__table__  # type: ignore[attr-defined]


Column = Sequence[Any]
ColumnConverter = Callable[[Column], Column]


@cache
def _instant_serializer() -> Any:
    from pydantic import TypeAdapter

    return TypeAdapter(list[datetime | None])


def _instant_texts(column: Column) -> list[str | None]:
    """Aware datetimes as ISO 8601 UTC text, ``YYYY-MM-DDTHH:MM:SS[.ffffff]Z``: formatted by
    pydantic-core (about twice as fast as ``isoformat`` for 700,000 of them), the few with
    another offset moved to UTC first; a naive datetime is refused."""
    texts: list[str | None] = _instant_serializer().dump_python(list(column), mode="json")
    for i in [i for i, t in enumerate(texts) if t is not None and t[-1] != "Z"]:
        value = column[i]
        if not isinstance(value, datetime) or value.utcoffset() is None:
            raise ValueError(f"datetime must be timezone-aware: {value!r}")
        texts[i] = _instant_serializer().dump_python([value.astimezone(UTC)], mode="json")[0]
    return texts


# SQLAlchemy's SQLite DateTime storage format (``YYYY-MM-DD HH:MM:SS.ffffff``, in UTC like
# sqlmodel's UTCDateTime) of the text ``_instant_texts`` gives for parameter ``?{n}``.
_SQLITE_INSTANT = (
    "CASE WHEN length(?{n}) = 27 THEN replace(substr(?{n}, 1, 26), 'T', ' ') "
    "ELSE replace(substr(?{n}, 1, 19), 'T', ' ') || '.000000' END"
)


def _date_texts(column: Column) -> list[str | None]:
    return [None if v is None else v.isoformat() for v in column]


def _json_texts(column: Column) -> list[str | None]:
    """JSON text as ``json.dumps`` (SQLAlchemy's JSON type) writes it, made once per distinct
    list of texts: the same stakeholder and level lists repeat across 100,000 iterations. A
    tuple must hold texts only (the flat records of ``cycles.portfolio``); a list may hold any."""
    made: dict[tuple[str, ...], str] = {}
    out: list[str | None] = []
    add = out.append
    dumps = json.dumps
    for value in column:
        if value.__class__ is tuple:
            try:
                add(made[value])
            except KeyError:
                made[value] = text = dumps(value)
                add(text)
        elif value is None:
            add(None)
        elif value.__class__ is list and all(item.__class__ is str for item in value):
            key = tuple(value)
            text = made.get(key) or made.setdefault(key, dumps(value))
            add(text)
        else:
            add(dumps(value))
    return out


def _kind(table: Table, name: str) -> str:
    kind = table.c[name].type
    impl = getattr(kind, "impl", kind)  # a TypeDecorator stores as its impl
    if isinstance(kind, JSON) or isinstance(impl, JSON):
        return "json"
    if isinstance(impl, DateTime):
        return "instant"
    if isinstance(impl, Date):
        return "date"
    return "plain"


def insert_tuples(
    session: Session, table: Table, names: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    """Insert ``rows`` (tuples of the columns ``names``) into ``table`` in the session's
    transaction. Instants must be aware datetimes."""
    if not rows:
        return
    conn = session.connection()
    sqlite = conn.dialect.name == "sqlite"
    kinds = [_kind(table, name) for name in names]
    converters: dict[str, ColumnConverter] = {"json": _json_texts}  # COPY takes JSON as text too
    if sqlite:
        converters |= {"instant": _instant_texts, "date": _date_texts}
    else:
        converters["instant"] = _aware
    if any(kind in converters for kind in kinds):
        # column by column, the rows taken apart and rebuilt with zip (in C)
        columns: list[Column] = list(zip(*rows, strict=True))
        for i, kind in enumerate(kinds):
            if kind in converters:
                columns[i] = converters[kind](columns[i])
        rows = list(zip(*columns, strict=True))
    quoted = ", ".join(f'"{n}"' for n in names)
    if not sqlite:
        _copy(conn, f'COPY "{table.name}" ({quoted}) FROM STDIN', rows)
        return
    marks = ", ".join(
        _SQLITE_INSTANT.format(n=n) if kind == "instant" else f"?{n}" for n, kind in enumerate(kinds, start=1)
    )
    conn.exec_driver_sql(f'INSERT INTO "{table.name}" ({quoted}) VALUES ({marks})', list(rows))


def _copy(conn: Connection, statement: str, rows: Sequence[Sequence[Any]]) -> None:
    """PostgreSQL's COPY through psycopg, on the session's connection (so in its transaction);
    a refusal is raised as SQLAlchemy raises the driver's errors (``Store.write`` retries or
    reports it)."""
    import psycopg

    driver: Any = conn.connection.dbapi_connection
    try:
        with driver.cursor() as cursor, cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row(row)
    except psycopg.Error as exc:
        raise DBAPIError.instance(statement, None, exc, psycopg.Error) from exc


def _aware(column: Column) -> Column:
    if any(v is not None and v.utcoffset() is None for v in column):
        raise ValueError("datetime must be timezone-aware")
    return column


def insert_rows(session: Session, table: Table, rows: Iterable[dict[str, Any]]) -> None:
    """Insert ``rows`` (dicts with the same keys) into ``table`` in the session's transaction."""
    rows = list(rows)
    if not rows:
        return
    names = list(rows[0])
    insert_tuples(session, table, names, [tuple(row[n] for n in names) for row in rows])


# -- a whole portfolio ----------------------------------------------------------------------------


def _ids(session: Session) -> dict[str, int]:
    """Every stored cycle's id by key: one query (for 10,000 keys, faster than asking for them)."""
    return {str(k): int(i) for k, i in session.execute(select(_CYCLES.c.key, _CYCLES.c.id))}


def add_portfolio(session: Session, portfolio: Portfolio) -> None:
    """Insert a validated portfolio (all new cycles) in the session's transaction; refuses, before
    writing anything, when a cycle key is in use already."""
    from cycles.portfolio import CYCLE_FIELDS, EVENT_FIELDS, ITERATION_FIELDS, NOTE_FIELDS

    entries, event_rows = portfolio.entries, portfolio.event_rows
    keys = [e.cycle[0] for e in entries]
    if not keys and not portfolio.links and not event_rows:
        return
    stored = _ids(session)
    taken = sorted(k for k in keys if k in stored)
    if taken:
        raise TransitionError(
            f"cycle key already in use: {', '.join(taken[:5])}"
            + (f" and {len(taken) - 5} more" if len(taken) > 5 else "")
        )
    with _tuned(session):
        insert_tuples(session, _CYCLES, (*CYCLE_FIELDS, "version"), [(*e.cycle, 1) for e in entries])
        ids = _ids(session)
        iterations: list[tuple[Any, ...]] = []
        notes: list[tuple[Any, ...]] = []
        for e in entries:
            cid = ids[e.cycle[0]]
            iterations += [(cid, *it) for it in e.iterations]
            notes += [(cid, *n) for n in e.notes]
        insert_tuples(session, _ITERATIONS, ("cycle_id", *ITERATION_FIELDS), iterations)
        del iterations
        insert_tuples(session, _NOTES, ("cycle_id", *NOTE_FIELDS), notes)
        del notes
        for end in sorted({k for lk in portfolio.links for k in (lk.source, lk.target)} - set(ids)):
            raise NotFoundError(f"no cycle {end!r} to link")
        links = [
            (ids[lk.source], ids[lk.target], lk.kind.value, lk.created_at, lk.note) for lk in portfolio.links
        ]
        insert_tuples(session, _LINKS, ("source_id", "target_id", "kind", "created_at", "note"), links)
        insert_tuples(session, _EVENTS, EVENT_FIELDS, event_rows)
        # History of cycles stored before (the file's events of cycles not in it): their stored
        # export documents no longer hold all of it (``storage.units.document_store``).
        others = {row[0] for row in event_rows} - set(keys)
        if others:
            from storage.units.document_store import forget_keys

            forget_keys(session, others)


@contextmanager
def _tuned(session: Session) -> Iterator[None]:
    """SQLite: a page cache large enough that the transaction's pages stay in memory until the
    commit writes them (to the WAL) once, instead of spilling and rewriting them on the way.
    Atomicity and durability are those of any commit."""
    conn = session.connection()
    if conn.dialect.name != "sqlite":
        yield
        return
    (before,) = conn.exec_driver_sql("PRAGMA cache_size").one()
    conn.exec_driver_sql("PRAGMA cache_size = -262144")  # KiB: up to 256 MiB, taken as needed
    try:
        yield
    finally:
        conn.exec_driver_sql(f"PRAGMA cache_size = {int(before)}")
