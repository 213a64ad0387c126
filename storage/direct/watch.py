"""Noticing that another process changed the database, cheaply, without reading any table.

SQLite: ``PRAGMA data_version`` on a connection of the watcher's own changes whenever another
connection commits; one query per poll. PostgreSQL: ``LISTEN cycles_changed`` on an autocommit
psycopg connection; every write transaction sends ``NOTIFY cycles_changed`` (``Store.write``, the
import), which is delivered when it commits. What changed is then read from the event log
(``Workspace.changes_since``), never the whole portfolio.
"""

from __future__ import annotations

import contextlib
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from storage.direct import fastread_pg
from storage.schema.location import sqlite_path

if TYPE_CHECKING:
    from cycles.model import CycleSummary

CHANNEL = "cycles_changed"
EVERYTHING = "everything"  # the payload of a notification about a change too large to read in pieces
POLL_S = 0.25  # SQLite: how often the data version is asked (one cheap query)


@dataclass(frozen=True)
class ChangeNote:
    """One change in the event log: which cycle, who, what (the event's action), when."""

    id: int
    cycle: str
    actor: str
    action: str
    at: datetime


@dataclass
class Changes:
    """What changed since a marker: the notes, the changed cycles as they are now, the keys of
    cycles that are gone, and the new marker. ``everything``: too much changed to read piece by
    piece; read the whole portfolio again."""

    marker: int
    notes: list[ChangeNote] = field(default_factory=list)
    summaries: list[CycleSummary] = field(default_factory=list)
    gone: list[str] = field(default_factory=list)
    everything: bool = False


class Watch:
    """Waits for another process's commit. ``wait`` blocks up to ``timeout`` seconds and says
    whether something may have changed; ``close`` (from any thread) ends a wait at once."""

    def __init__(self, url: str) -> None:
        self._closed = threading.Event()
        self._sqlite: Any = None
        self._pg: Any = None
        self._version: int | None = None
        self._waiting = False
        self.broken = False  # the connection was lost: make a new watch
        self.everything = False  # a change too large to read piece by piece was announced
        path = sqlite_path(url)
        if path is not None:
            import sqlite3
            from urllib.parse import quote

            uri = f"file:{quote(str(path))}?mode=ro"
            self._sqlite = sqlite3.connect(uri, uri=True, check_same_thread=False)
            self._version = self._data_version()
            return
        info = fastread_pg.conninfo(url)
        if info is not None:
            import psycopg

            self._pg = psycopg.connect(info, autocommit=True, connect_timeout=fastread_pg.CONNECT_TIMEOUT_S)
            self._pg.execute(f"LISTEN {CHANNEL}")

    @property
    def supported(self) -> bool:
        return self._sqlite is not None or self._pg is not None

    def _data_version(self) -> int:
        return int(self._sqlite.execute("PRAGMA data_version").fetchone()[0])

    def wait(self, timeout: float) -> bool:
        if self._closed.is_set() or self.broken:
            return False
        self._waiting = True
        try:
            return self._wait(timeout)
        finally:
            self._waiting = False
            if self._closed.is_set():
                self._release()

    def _wait(self, timeout: float) -> bool:
        if self._pg is not None:
            try:
                for notice in self._pg.notifies(timeout=timeout, stop_after=1):
                    self.everything = self.everything or notice.payload == EVERYTHING
                    return True
                return False
            except Exception:  # the server went away: this watch is done
                self.broken = True
                return False
        if self._sqlite is None:
            self._closed.wait(timeout)
            return False
        deadline = time.monotonic() + timeout
        while True:
            try:
                now = self._data_version()
            except Exception:  # closed meanwhile
                return False
            if now != self._version:
                self._version = now
                return True
            left = deadline - time.monotonic()
            if left <= 0 or self._closed.wait(min(POLL_S, left)):
                return False

    def close(self) -> None:
        """Stop: a wait in progress ends at its next check and closes the connections in its own
        thread (one connection is never closed under another thread's feet)."""
        self._closed.set()
        if not self._waiting:
            self._release()

    def _release(self) -> None:
        for connection in (self._pg, self._sqlite):
            if connection is not None:
                with contextlib.suppress(Exception):
                    connection.close()
