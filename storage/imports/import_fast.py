"""``cycles import`` of a JSON file in the export's layout, on both cores and in one transaction.

:func:`start` recognises the layout (``cycles.portfolio_split``) and forks the worker that reads
runs of cycles (``storage.imports.import_worker``) before the command opens the database;
:meth:`Started.store` then stores the runs in file order as they come, in one write transaction
(BEGIN IMMEDIATE on SQLite, SERIALIZABLE on PostgreSQL), checks what spans the file
(``cycles.portfolio_stream.finish``), adds the links and the history of cycles not in the file,
and commits. SQLite takes each run's rows in one ``executemany`` per table, PostgreSQL in one
``COPY`` per table, as ``storage.units.bulk`` does.

Cycle ids are given, not drawn: the file's n-th cycle gets the highest id so far plus n, which is
the id SQLite would give; on PostgreSQL the ids are those the cycle sequence would give (the table
locked against other inserts meanwhile), and the sequence is set past them at the end. Into an
empty PostgreSQL database the rows go without the foreign keys and the indexes that are not keys
of the tables they fill, which are made again from their exact definitions before the commit
(checking a foreign key row by row costs far more than checking all rows at once).

Whatever goes wrong (a file refused by a check, a key already in use, a database error) rolls
the transaction back and :meth:`Started.store` returns None: the caller then reads and stores the
file as before, which reports the error as it always has. So the result, and every message, is
that of ``portfolio.read_json`` plus ``Workspace.import_portfolio``.
"""

from __future__ import annotations

import mmap
import os
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cycles.portfolio_split import HEAD_LIMIT, looks_split
from cycles.portfolio_stream import Unsupported, finish
from storage.imports.import_rows import COLUMNS, ROWS_PER_INSERT, TABLES, shift_ids
from storage.imports.import_worker import Runs

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from cycles.community import Community
    from storage.units.store import Store

PARALLEL_FROM = 4 << 20  # bytes: smaller files are read in the command alone
KEEP_BYTES = 8 << 20  # PostgreSQL: COPY text sent at least this often
RUN_BYTES = 1 << 20  # about this much of the file is validated and stored at a time


@dataclass
class Summary:
    cycles: int
    scales: Counter[str]
    links: int


def backend_of(url: str) -> str | None:
    """The database behind ``url`` when this import supports it (without SQLAlchemy)."""
    scheme = url.split(":", 1)[0].split("+", 1)[0].lower()
    return {"sqlite": "sqlite", "postgresql": "postgresql", "postgres": "postgresql"}.get(scheme)


def start(
    path: Path, community: Community, url: str, *, parallel: bool | None = None, run_bytes: int | None = None
) -> Started | None:
    """The import of ``path`` begun (its worker started), or None when the file is not a JSON
    export in its layout, or the database is not one this import writes to."""
    from cycles.portfolio import MAX_BYTES

    backend = backend_of(url)
    if backend is None:
        return None
    try:
        with open(path, "rb") as fh:
            seen = _identity(os.fstat(fh.fileno()))
            if not 0 < seen[2] <= MAX_BYTES or not looks_split(fh.read(HEAD_LIMIT)):
                return None
            # mapped, not read: the worker shares the pages; a file changed meanwhile is noticed
            # before the commit (``Started.store``)
            raw = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
    except (OSError, ValueError):
        return None
    size = seen[2]
    if parallel is None:
        parallel = size >= PARALLEL_FROM and sys.platform.startswith("linux")
    where, bytes_ = str(path), run_bytes or RUN_BYTES
    try:
        runs = Runs(raw, community, where, backend, worker=parallel, run_bytes=bytes_)
    except (OSError, ValueError):  # no process or temporary file to be had: read it here alone
        runs = Runs(raw, community, where, backend, worker=False, run_bytes=bytes_)
    return Started(path, seen, raw, runs, community, backend)


def _identity(stat: os.stat_result) -> tuple[int, int, int, int]:
    return stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns


class Started:
    """A begun import; :meth:`store` finishes it, :meth:`close` abandons it."""

    def __init__(
        self, path: Path, seen: tuple[int, ...], raw: Any, runs: Runs, community: Community, backend: str
    ) -> None:
        self.path = path
        self.seen = seen
        self.raw = raw
        self.runs = runs
        self.community = community
        self.backend = backend
        self.failure: str | None = None  # why ``store`` gave up, for tests and debugging

    def count(self) -> int | None:
        """How many cycles the file holds (its lines), or None when it is not the export's
        layout after all."""
        try:
            return self.runs.cycles
        except Unsupported:
            return None

    def store(self, store: Store) -> Summary | None:
        """Store the whole file in one transaction; None (nothing written) when anything is
        refused, so that the caller reads the file whole and reports why."""
        try:
            if store.backend != self.backend:
                raise ValueError(f"a {store.backend} database")
            return self._store(store)
        except Exception as exc:  # the file read whole names the error
            self.failure = f"{exc.__class__.__name__}: {exc}"
            return None
        finally:
            self.close()

    def close(self) -> None:
        self.runs.close()
        if not self.raw.closed:
            self.raw.close()

    def _store(self, store: Store) -> Summary:
        from sqlmodel import Session

        from cycles.portfolio_records import EVENT_FIELDS
        from storage.schema.engine import WRITE
        from storage.units.bulk import _EVENTS, _LINKS, insert_tuples

        with Session(store.engine.execution_options(**{WRITE: True})) as session:
            conn = session.connection()
            sink = _Sqlite(conn) if self.backend == "sqlite" else _Postgres(conn)
            try:
                base = sink.begin()
                scales: Counter[str] = Counter()
                while (item := self.runs.take()) is not None:
                    meta, values = item
                    sink.add(values)
                    scales.update(meta.scales)
                    if self.runs.waiting():
                        sink.flush()
                sink.flush()
                whole = finish(self.runs.rest, self.runs.metas, self.community)
                ids = {key: base + n for n, key in enumerate(whole.keys, start=1)}
                links = [
                    (ids[lk.source], ids[lk.target], lk.kind.value, lk.created_at, lk.note)
                    for lk in whole.links
                ]
                insert_tuples(
                    session, _LINKS, ("source_id", "target_id", "kind", "created_at", "note"), links
                )
                insert_tuples(session, _EVENTS, EVENT_FIELDS, whole.other_events)
                others = {row[0] for row in whole.other_events}
                if others:
                    from storage.units.document_store import forget_keys

                    forget_keys(session, others)
                sink.end(len(whole.keys))
                if _identity(os.stat(self.path)) != self.seen:
                    raise Unsupported("the file changed while it was read")
            finally:
                sink.close()
            if store.backend == "postgresql":
                from sqlalchemy import text

                from storage.direct.watch import CHANNEL, EVERYTHING

                # Its ids were handed out long before its commit: boards read everything again.
                session.execute(text(f"NOTIFY {CHANNEL}, '{EVERYTHING}'"))
            session.commit()
        return Summary(len(whole.keys), scales, len(whole.links))


def _columns(table: str) -> str:
    return ", ".join(_quoted(name) for name in COLUMNS[table])


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


class _Sqlite:
    """Rows by ``executemany`` on the session's connection; the cycle ids offset in SQL."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        self.sql: dict[str, str] = {}
        self.many: dict[str, str] = {}
        self.cache_size: int | None = None

    def begin(self) -> int:
        import sqlite3

        cursor = self.cursor
        limit = cursor.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
        if ROWS_PER_INSERT * max(map(len, COLUMNS.values())) > limit:
            raise Unsupported(f"SQLite takes {limit} parameters per statement")
        (self.cache_size,) = cursor.execute("PRAGMA cache_size").fetchone()
        # the transaction's pages stay in memory until the commit writes them once (storage.units.bulk)
        cursor.execute("PRAGMA cache_size = -262144")
        (base,) = cursor.execute("SELECT coalesce(max(id), 0) FROM cycle").fetchone()
        for table in TABLES:
            marks = ["?"] * len(COLUMNS[table])
            if table != "event":  # the first column is a cycle id: its place in the file
                marks[0] = f"? + {int(base)}"
            row = f"({', '.join(marks)})"
            head = f'INSERT INTO "{table}" ({_columns(table)}) VALUES '
            self.sql[table] = head + row
            self.many[table] = head + ", ".join([row] * ROWS_PER_INSERT)
        return int(base)

    def add(self, values: dict[str, tuple[list[list[Any]], list[tuple[Any, ...]]]]) -> None:
        for table in TABLES:
            groups, rows = values[table]
            if groups:
                self.cursor.executemany(self.many[table], groups)
            if rows:
                self.cursor.executemany(self.sql[table], rows)

    def flush(self) -> None:
        pass  # every run is stored as it comes

    def end(self, count: int) -> None:
        pass

    def close(self) -> None:
        if self.cache_size is not None:
            self.cursor.execute(f"PRAGMA cache_size = {int(self.cache_size)}")


class _Postgres:
    """COPY text on the session's connection; the cycle ids are those the cycle sequence would
    give, and it is set past them at the end."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.driver: Any = conn.connection.dbapi_connection
        self.base = 0
        self.sequence = ""
        self.kept: dict[str, list[str]] = {table: [] for table in TABLES}
        self.size = 0
        self.keys: list[tuple[str, str, str]] = []  # foreign keys set aside: table, name, definition
        self.indexes: list[tuple[str, str]] = []  # indexes set aside: name, definition

    def begin(self) -> int:
        run = self.conn.exec_driver_sql
        run("LOCK TABLE cycle IN SHARE ROW EXCLUSIVE MODE")  # no other inserts until the commit
        self.sequence = str(run("SELECT pg_get_serial_sequence('cycle', 'id')").scalar_one())
        # the ids nextval would give, read without drawing one (nothing changes on a refusal)
        last, called = run(f"SELECT last_value, is_called FROM {self.sequence}").one()
        self.base = int(last) if called else int(last) - 1
        if not run("SELECT EXISTS (SELECT 1 FROM cycle)").scalar_one():
            self._set_aside(["cycle", "iteration", "note"] + ([] if self._holds("event") else ["event"]))
        return self.base

    def _holds(self, table: str) -> bool:
        return bool(self.conn.exec_driver_sql(f'SELECT EXISTS (SELECT 1 FROM "{table}")').scalar_one())

    def _set_aside(self, tables: list[str]) -> None:
        """Into empty tables, rows load faster without the foreign keys that check each row and
        the indexes that are not keys; both are made again from their exact definitions before
        the commit (a foreign key made again checks all rows at once)."""
        run = self.conn.exec_driver_sql
        names = {"t": tables}
        self.keys = [
            (str(table), str(name), str(definition))
            for table, name, definition in run(
                "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE contype = 'f' AND conrelid = ANY(%(t)s::regclass[]) ORDER BY conrelid, conname",
                names,
            )
        ]
        self.indexes = [
            (str(name), str(definition))
            for name, definition in run(
                "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
                "WHERE i.indrelid = ANY(%(t)s::regclass[]) AND NOT i.indisunique AND NOT i.indisprimary "
                "ORDER BY 1",
                names,
            )
        ]
        for table, name, _ in self.keys:
            run(f"ALTER TABLE {table} DROP CONSTRAINT {_quoted(name)}")  # the table as regclass names it
        for name, _ in self.indexes:
            run(f"DROP INDEX {name}")

    def add(self, values: dict[str, str]) -> None:
        """Keep a run's COPY text; runs kept are sent together (one COPY per table) by
        :meth:`flush`, each COPY being a round trip to the server."""
        for table in TABLES:
            if values[table]:
                self.kept[table].append(values[table])
        self.size += sum(map(len, values.values()))
        if self.size >= KEEP_BYTES:
            self.flush()

    def flush(self) -> None:
        with self.driver.cursor() as cursor:
            for table in TABLES:
                text = "".join(self.kept[table])
                self.kept[table].clear()
                if not text:
                    continue
                if table != "event":
                    text = shift_ids(text, self.base)
                with cursor.copy(f'COPY "{table}" ({_columns(table)}) FROM STDIN') as copy:
                    copy.write(text)
        self.size = 0

    def end(self, count: int) -> None:
        run = self.conn.exec_driver_sql
        for _, definition in self.indexes:
            run(definition)
        for table, name, definition in self.keys:
            run(f"ALTER TABLE {table} ADD CONSTRAINT {_quoted(name)} {definition}")
        if count:
            run("SELECT setval(%(s)s, %(v)s)", {"s": self.sequence, "v": self.base + count})

    def close(self) -> None:
        pass  # a refused transaction takes back what ``begin`` set aside
