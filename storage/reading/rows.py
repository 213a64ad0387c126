"""Reading the portfolio's rows through the database driver, in one read-only snapshot.

One query per table (cycles, iterations, notes, links, events), whatever the number of cycles,
through the driver's own cursor: no ORM objects and no per-value result processing, which for
100,000 iterations cost seconds. Both backends return the same plain values: instants as UTC text
``YYYY-MM-DD HH:MM:SS.ffffff`` (SQLite stores them so; PostgreSQL formats them in the query, see
:meth:`Reader.instant`), dates as ``YYYY-MM-DD``, JSON columns as their stored text.
:func:`instant_text` and :func:`instant_datetime` turn those instants into ISO text or datetimes.

A command that only reads can skip the ORM altogether (importing SQLAlchemy costs about half a
second): :func:`direct_reader` opens a SQLite file or a PostgreSQL database that is already at
the current schema with the driver alone; anything else is read through ``Store`` (which
migrates), with :func:`snapshot`. ``storage.reading.export`` makes the portfolio document and the review's
records of the rows, ``storage.formats.tabular`` the CSV and XLSX tables.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from cycles.errors import StorageError

if TYPE_CHECKING:
    from storage.units.store import Store


@dataclass(frozen=True)
class Selection:
    """Which cycles to export: any of ``scales`` and any of ``types``; empty means all."""

    scales: tuple[str, ...] = ()
    types: tuple[str, ...] = ()

    @property
    def everything(self) -> bool:
        return not self.scales and not self.types

    def where(self, alias: str = "c") -> tuple[str, list[Any]]:
        """An SQL condition on the cycle table (as ``alias``) and its parameters; ``1 = 1`` for all."""
        conditions: list[str] = []
        params: list[Any] = []
        if self.scales:
            conditions.append(f"{alias}.scale IN ({', '.join('?' * len(self.scales))})")
            params += self.scales
        if self.types:
            conditions.append(f"{alias}.activity_type IN ({', '.join('?' * len(self.types))})")
            params += self.types
        return (" AND ".join(conditions) or "1 = 1"), params


ALL = Selection()


# -- reading through the driver ---------------------------------------------------------------------


class Reader:
    """Queries in one read-only snapshot, through a DBAPI connection; rows are plain tuples."""

    def __init__(self, connection: Any, backend: str, *, owned: bool = False, url: str | None = None) -> None:
        self.connection = connection
        self.backend = backend
        self.owned = owned  # close the connection with the reader
        self.url = url  # the URL it was opened on by ``direct_reader`` (a writer may open it again)

    def all(self, sql: str, params: Sequence[Any] = (), *, binary: bool = False) -> list[Any]:
        """The rows of ``sql``, whose parameters are written ``?`` (any driver). ``binary``: on
        PostgreSQL in the binary format (bytea arrives as it is, not as hex text to decode)."""
        if self.backend != "sqlite":
            sql = sql.replace("%", "%%").replace("?", "%s")
        cursor = (
            self.connection.cursor(binary=True)
            if binary and self.backend == "postgresql"
            else self.connection.cursor()
        )
        try:
            cursor.execute(sql, tuple(params))
            return cursor.fetchall()
        finally:
            cursor.close()

    def instant(self, column: str) -> str:
        """An instant column as text for :func:`instant_text`: on PostgreSQL formatted as
        :func:`iso` writes it (``2026-06-01T09:00:00Z``,
        ``2026-06-01T09:00:00.123456Z``), which is cheaper there than converting datetimes in
        Python; on SQLite the stored text, which :func:`instant_text` converts (cheaper than in SQL)."""
        if self.backend == "postgresql":
            utc = f"({column} AT TIME ZONE 'UTC')"
            return (
                f"to_char({utc}, 'YYYY-MM-DD\"T\"HH24:MI:SS') || CASE WHEN to_char({utc}, 'US') = '000000' "
                f"THEN '' ELSE '.' || to_char({utc}, 'US') END || 'Z'"
            )
        return column  # SQLite: the stored text, YYYY-MM-DD HH:MM:SS.ffffff (UTC), see instant_text

    def day(self, column: str) -> str:
        """A date column as ``YYYY-MM-DD`` text."""
        if self.backend == "postgresql":
            return f"to_char({column}, 'YYYY-MM-DD')"
        return column

    def json(self, column: str) -> str:
        """A JSON column as its stored text."""
        if self.backend == "postgresql":
            return f"CAST({column} AS TEXT)"
        return column

    def close(self) -> None:
        if self.owned:
            try:
                self.connection.rollback()
            finally:
                self.connection.close()


@contextmanager
def snapshot(store: Store) -> Iterator[Reader]:
    """A :class:`Reader` on ``store``: one transaction (REPEATABLE READ on PostgreSQL, so that
    the five queries see one state), rolled back at the end."""
    from sqlalchemy.exc import OperationalError

    try:
        with store.engine.connect() as conn:
            if store.backend == "postgresql":
                conn = conn.execution_options(isolation_level="REPEATABLE READ")
            conn.begin()
            try:
                yield Reader(conn.connection.dbapi_connection, store.backend)
            finally:
                conn.rollback()
    except OperationalError as exc:
        first = str(exc.orig or exc).strip().splitlines()
        raise StorageError(f"cannot use the database {store.url}: {first[0] if first else exc}") from exc


def direct_reader(url: str) -> Reader | None:
    """A :class:`Reader` on ``url`` opened with the driver alone, or None when this path cannot
    read it (not a plain SQLite file or PostgreSQL URL, a missing file, an older schema): then
    open the ``Store``, which creates or migrates the schema. Close the reader after use."""
    from storage.direct import fastread, fastread_pg
    from storage.schema.revision import HEAD

    path = fastread.sqlite_file(url)
    reader: Reader | None = None
    if path is not None:
        if not path.is_file():
            return None
        import sqlite3

        try:
            conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=15, isolation_level=None)
            conn.execute("BEGIN")  # one snapshot for all the queries (WAL)
        except sqlite3.Error:
            return None
        reader = Reader(conn, "sqlite", owned=True, url=url)
    else:
        pg = fastread_pg.connect(url)  # at the current schema, else None
        if pg is None:
            return None
        import psycopg

        pg.autocommit = False  # one snapshot for all the queries
        pg.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        pg.read_only = True
        reader = Reader(pg, "postgresql", owned=True, url=url)
    try:
        revision = reader.all("SELECT version_num FROM alembic_version")
    except Exception:  # no schema yet: the Store creates it
        reader.close()
        return None
    if not revision or revision[0][0] != HEAD:
        reader.close()
        return None
    return reader


@contextmanager
def reading(store_or_url: Reader | Store | str) -> Iterator[Reader]:
    """A reader on a Store, or on a URL (directly when possible, else through a Store); a Reader
    is used as it is."""
    if isinstance(store_or_url, Reader):
        yield store_or_url
        return
    if not isinstance(store_or_url, str):
        with snapshot(store_or_url) as reader:
            yield reader
        return
    direct = direct_reader(store_or_url)
    if direct is not None:
        try:
            yield direct
        finally:
            direct.close()
        return
    from storage.units.store import Store

    store = Store.open(store_or_url)
    try:
        with snapshot(store) as reader:
            yield reader
    finally:
        store.close()


# -- the rows -------------------------------------------------------------------------------------

# Column positions in the rows of :func:`read_rows`.
CYCLE_COLUMNS = (
    "key", "name", "activity_type", "level", "cadence_days", "owner", "owner_email", "stakeholders",
    "description", "created_at", "scale", "ended_at",
)  # fmt: skip
ITERATION_COLUMNS = (
    "cycle_key", "number", "opened_at", "due_on", "need", "stakeholders_involved",
    "stakeholders_needed", "preconditions", "resources", "context", "started_at", "evaluated_at",
    "findings", "value_levels", "outcome_levels", "principles", "decision", "rationale",
    "decided_at", "route_to",
)  # fmt: skip
_INSTANTS = {"created_at", "ended_at", "opened_at", "started_at", "evaluated_at", "decided_at"}
_JSON = {"stakeholders", "stakeholders_involved", "stakeholders_needed", "value_levels", "outcome_levels",
         "principles"}  # fmt: skip


@dataclass
class Rows:
    """The raw rows of one selection, each list in export order (columns: ``CYCLE_COLUMNS``,
    ``ITERATION_COLUMNS``; notes: key, iteration, id, at, author, text; links: source, target,
    kind, created_at, note; events: cycle, at, actor, action, summary, before, after)."""

    cycles: Sequence[Any] = ()
    iterations: Sequence[Any] = ()
    notes: Sequence[Any] = ()
    links: Sequence[Any] = ()
    events: Sequence[Any] = ()


def _columns(reader: Reader, alias: str, names: Iterable[str]) -> str:
    out = []
    for name in names:
        column = f"{alias}.{name}"
        if name in _INSTANTS:
            out.append(reader.instant(column))
        elif name in _JSON:
            out.append(reader.json(column))
        elif name == "due_on":
            out.append(reader.day(column))
        elif name == "key":
            out.append('c."key"')
        else:
            out.append(column)
    return ", ".join(out)


def read_rows(
    source: Reader | Store,
    selection: Selection = ALL,
    *,
    notes: bool = True,
    events: bool = True,
    only: Sequence[int] | None = None,
) -> Rows:
    """All rows of the selected cycles, in five queries and one snapshot; without their notes or
    history events when told. With ``only`` (cycle ids), just those of the selected cycles, their
    notes and events (no orphan events), and no links."""
    if not isinstance(source, Reader):
        with snapshot(source) as reader:
            return read_rows(reader, selection, notes=notes, events=events, only=only)
    r = source
    where, params = selection.where("c")
    if only is not None:
        where += f" AND c.id IN ({', '.join('?' * len(only))})" if only else " AND 1 = 0"
        params = params + list(only)
    rows = Rows()
    rows.cycles = r.all(
        f'SELECT {_columns(r, "c", CYCLE_COLUMNS)} FROM cycle c WHERE {where} ORDER BY c."key"', params
    )
    rows.iterations = r.all(
        f'SELECT c."key", {_columns(r, "i", ITERATION_COLUMNS[1:])} FROM iteration i '
        f'JOIN cycle c ON c.id = i.cycle_id WHERE {where} ORDER BY c."key", i.number',
        params,
    )
    if notes:
        rows.notes = r.all(
            f'SELECT c."key", n.iteration, n.id, {r.instant("n.at")}, n.author, n.text FROM note n '
            f'JOIN cycle c ON c.id = n.cycle_id WHERE {where} ORDER BY c."key", n.iteration, n.at, n.id',
            params,
        )
    if only is None:
        rows.links = read_links(r, selection)
    if events:
        history = (
            f"SELECT e.cycle, {r.instant('e.at')}, e.actor, e.action, e.summary, "
            f"{r.json('e.before')}, {r.json('e.after')} FROM event e"
        )
        narrowed = only is not None or not selection.everything
        if narrowed:
            history += f' WHERE e.cycle IN (SELECT c."key" FROM cycle c WHERE {where})'
        rows.events = r.all(history + " ORDER BY e.id", params if narrowed else ())
    return rows


def read_links(r: Reader, selection: Selection = ALL) -> list[Any]:
    """The links among the selected cycles (see :class:`Rows`)."""
    where, params = selection.where("c")
    links = (
        f'SELECT s."key", t."key", l.kind, {r.instant("l.created_at")}, l.note FROM link l '
        "JOIN cycle s ON s.id = l.source_id JOIN cycle t ON t.id = l.target_id"
    )
    link_params: list[Any] = []
    if not selection.everything:
        links += f" WHERE l.source_id IN (SELECT c.id FROM cycle c WHERE {where})"
        links += f" AND l.target_id IN (SELECT c.id FROM cycle c WHERE {where})"
        link_params = params + params
    return r.all(links + ' ORDER BY s."key", t."key", l.kind', link_params)


def read_orphan_events(r: Reader) -> list[Any]:
    """The history events of cycles no longer stored (columns as :class:`Rows` events), in order."""
    return r.all(
        f"SELECT e.cycle, {r.instant('e.at')}, e.actor, e.action, e.summary, "
        f"{r.json('e.before')}, {r.json('e.after')} FROM event e "
        'WHERE NOT EXISTS (SELECT 1 FROM cycle c WHERE c."key" = e.cycle) ORDER BY e.id'
    )


# -- raw values -----------------------------------------------------------------------------------


def instant_text(value: Any) -> str | None:
    """An instant as the queries return it (:meth:`Reader.instant`) as ISO 8601 UTC text
    (``iso``): fast for SQLite's stored ``YYYY-MM-DD HH:MM:SS.ffffff`` and for the text
    PostgreSQL formats, exact for anything else."""
    if value.__class__ is str:
        n = len(value)
        if n == 26 and value[19] == "." and value[10] == " ":  # SQLite's stored UTC
            if value.endswith(".000000"):
                return value[:10] + "T" + value[11:19] + "Z"
            return value[:10] + "T" + value[11:] + "Z"
        if (
            value[-1:] == "Z"
            and value[10:11] == "T"
            and (n == 20 or (n == 27 and value[19] == "." and not value.endswith(".000000Z")))
        ):
            return value  # type: ignore[no-any-return]  # already as iso() writes it
    if value is None:
        return None
    return iso(_dt(value))


def _dt(value: Any) -> Any:
    """A stored instant as an aware UTC datetime."""
    if value is None or isinstance(value, datetime):
        return value.astimezone(UTC) if value is not None else None
    parsed = datetime.fromisoformat(value)
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def instant_datetime(value: Any) -> Any:
    """An instant as the queries return it (:meth:`Reader.instant`) as an aware UTC datetime."""
    if value.__class__ is str and len(value) == 26 and value[19] == ".":  # SQLite's stored UTC
        return datetime.fromisoformat(value + "+00:00")
    return _dt(value)


# -- counts and keys -------------------------------------------------------------------------------


def event_count(reader: Reader, selection: Selection = ALL) -> int:
    """How many history events an export of ``selection`` holds (see ``storage.reading.export.counts``)."""
    if selection.everything:
        return int(reader.all("SELECT count(*) FROM event")[0][0])
    where, params = selection.where("c")
    sql = f'SELECT count(*) FROM event e WHERE e.cycle IN (SELECT c."key" FROM cycle c WHERE {where})'
    return int(reader.all(sql, params)[0][0])


def taken_keys(store: Store, keys: Iterable[str]) -> list[str]:
    """Those of ``keys`` that are cycles in the database already, sorted."""
    wanted = list(keys)
    taken: list[str] = []
    with snapshot(store) as reader:
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ", ".join("?" * len(chunk))
            taken += [r[0] for r in reader.all(f'SELECT "key" FROM cycle WHERE "key" IN ({marks})', chunk)]
    return sorted(taken)


def iso(value: datetime | date | None) -> str | None:
    """ISO 8601: datetimes in UTC with a ``Z``, dates as ``YYYY-MM-DD``; None stays None."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    return value.isoformat()
