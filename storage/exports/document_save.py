"""Storing the pieces an export built, in a short write transaction of its own (best effort).

Kept apart from ``storage.units.document_store``, which every write uses to keep the stored pieces
true, because storing needs a connection of its own: a Store, or the database driver alone.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from storage.units.document_store import Pending, store_in

if TYPE_CHECKING:
    from storage.units.store import Store

log = logging.getLogger(__name__)

SQLITE_BUSY_S = 1.0  # how long storing waits for another writer before it gives up


def save(target: Store | str, pending: Pending) -> int:
    """Store ``pending`` in its own write transaction, through ``target`` (a Store, or a URL that
    ``storage.reading.rows.direct_reader`` reads); best effort: 0 when it could not (logged at debug)."""
    if not pending:
        return 0
    try:
        if isinstance(target, str):
            return _save_url(target, pending)
        return _save_store(target, pending)
    except Exception as exc:  # read-only file, a busy database, a lost race: the export is done anyway
        log.debug("export documents not stored: %s: %s", type(exc).__name__, exc)
        return 0


def _save_url(url: str, pending: Pending) -> int:
    from storage.direct import fastread, fastread_pg

    path = fastread.sqlite_file(url)
    if path is not None:
        import sqlite3

        conn = sqlite3.connect(str(path), timeout=SQLITE_BUSY_S, isolation_level=None)
        try:
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("BEGIN IMMEDIATE")
            try:
                n = store_in(conn, "sqlite", pending)
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            return n
        finally:
            conn.close()
    info = fastread_pg.conninfo(url)
    if info is None:
        return 0
    import psycopg

    with psycopg.connect(info, connect_timeout=fastread_pg.CONNECT_TIMEOUT_S) as pg:
        pg.isolation_level = psycopg.IsolationLevel.SERIALIZABLE
        with pg.transaction():
            return store_in(pg, "postgresql", pending)


def _save_store(store: Store, pending: Pending) -> int:
    from storage.schema.engine import WRITE

    with store.engine.execution_options(**{WRITE: True}).connect() as conn:
        driver: Any = conn.connection.dbapi_connection
        sqlite = store.backend == "sqlite"
        if sqlite:
            driver.execute(f"PRAGMA busy_timeout = {int(SQLITE_BUSY_S * 1000)}")
        try:
            with conn.begin():
                return store_in(driver, store.backend, pending)
        finally:
            if sqlite:
                from storage.schema.engine import BUSY_TIMEOUT_MS

                driver.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
