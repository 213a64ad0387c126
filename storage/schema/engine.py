"""Connecting to the database: the SQLite default in the user's data directory, or any URL.

SQLite is opened so that two processes can write one file safely: WAL journal, a busy timeout,
and write transactions that begin IMMEDIATE (a deferred BEGIN that later wants to write fails with
SQLITE_BUSY whatever the timeout). The driver's own transaction handling is switched off so that
BEGIN is emitted by us, also before DDL, which makes a failing migration roll back.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from cycles.errors import StorageError
from storage.schema.location import safe_text

WRITE = "cycles_write"  # execution option that marks a write transaction
BUSY_TIMEOUT_MS = 15_000


def parse_url(url: str) -> URL:
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError) as exc:  # ValueError: a port that is not a number
        raise StorageError(f"not a database URL: {safe_text(url)!r}") from exc
    if parsed.drivername == "postgresql":
        # Name psycopg 3 explicitly: it is the driver we ship, whatever the default becomes.
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def display(url: URL | str) -> str:
    """A URL fit to show: never the password."""
    parsed = url if isinstance(url, URL) else parse_url(url)
    return parsed.render_as_string(hide_password=True)


def _create_private_file(path: Path) -> None:
    """Create the database file readable by its owner only; WAL and SHM files inherit the mode.
    Its folder exists (``storage.schema.location.prepare_folder``)."""
    if not path.exists():
        fd = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_EXCL, 0o600)
        os.close(fd)


def make_engine(url: str | URL) -> Engine:
    """An engine for ``url`` with the connection discipline described in this module."""
    parsed = url if isinstance(url, URL) else parse_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return _sqlite_engine(parsed)
    kwargs: dict[str, Any] = {"pool_pre_ping": True}
    if backend == "postgresql":
        kwargs["connect_args"] = {"connect_timeout": 5}
    try:
        engine = create_engine(parsed, **kwargs)
    except Exception as exc:  # a missing driver or a bad option
        raise StorageError(f"cannot use database {display(parsed)}: {exc}") from exc
    if backend == "postgresql":

        @event.listens_for(engine, "begin")
        def _pg_begin(conn: Any) -> None:
            # Read-modify-write under READ COMMITTED loses updates; SERIALIZABLE plus a retry
            # on SQLSTATE 40001 (Store.write) loses none.
            if conn.get_execution_options().get(WRITE):
                conn.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL SERIALIZABLE")

    return engine


def _sqlite_engine(url: URL) -> Engine:
    database = url.database or ""
    if database and database != ":memory:" and not database.startswith("file:"):
        path = Path(database).expanduser()
        try:
            _create_private_file(path)
        except OSError as exc:
            raise StorageError(f"cannot create the database file {path}: {exc.strerror}") from exc
    engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we emit BEGIN ourselves (see "begin" below)
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA journal_mode = WAL")
        cur.execute("PRAGMA synchronous = NORMAL")
        cur.execute("PRAGMA foreign_keys = ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        write = conn.get_execution_options().get(WRITE)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine
