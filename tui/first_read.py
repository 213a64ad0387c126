"""The board's first screenful, read in a thread from the moment the board is asked for.

``storage.workspace.first_rows`` (SQLite at the current schema) reads the cycles a screen shows
and the counts of every lane and column in a few milliseconds, mostly inside SQLite, where other
threads run on: started before the app's modules are imported, it is done by the time the board
mounts, whose first frame then shows the cards. On PostgreSQL it does the same with psycopg
alone, waiting on the server; on Linux in a forked child process, so that importing psycopg does
not hold up the app's imports.
Light to import (no Textual, no ORM, no pydantic; psycopg only once a PostgreSQL URL is read): the
rows are kept as the database gave them, and become ``CycleSummary`` models (pydantic) only when
``result`` is first asked for; the quick first frame (``tui.first_board``) draws ``light()``.
"""

from __future__ import annotations

import os
import pickle
import sys
import threading
from typing import TYPE_CHECKING

from cycles.errors import CyclesError
from cycles.kinds import SummaryRow
from storage.workspace import first_rows, served

if TYPE_CHECKING:
    from cycles.model import CycleSummary
    from storage.records import Counts, SummaryRows
    from storage.workspace import Workspace

CARD_LINES = 3  # tui.widgets.board_model.CARD_HEIGHT (not imported: it brings the board's modules)
LINES = 60  # at least: a taller terminal than this reads its own first screenful
# PostgreSQL's first read in a forked child (see ``FirstRead._fork``); fork without exec is safe
# on Linux before any thread starts, not on macOS (system frameworks) nor on Windows (no fork).
FORK = sys.platform == "linux"


def first_screen(url: str, rows: int) -> tuple[list[CycleSummary], Counts] | None:
    """The first screenful read by the database driver alone (``storage.workspace.first_rows``),
    or None when it cannot answer."""
    head = first_rows(url, rows)
    if head is None:
        return None
    from cycles.model import CycleSummary

    return [CycleSummary.from_row(r) for r in head[0]], head[1]


def _answer(url: str, rows: int) -> bytes:
    """What a forked first read sends its parent: ("rows", the rows), ("error", a CyclesError) or
    ("none", None) when the fast path cannot answer."""
    try:
        return pickle.dumps(("rows", first_rows(url, rows)))
    except CyclesError as exc:
        try:
            return pickle.dumps(("error", exc))
        except Exception:
            return pickle.dumps(("error", CyclesError(str(exc))))
    except BaseException:
        return pickle.dumps(("none", None))


def rows_for(lines: int) -> int:
    """Cards per column that fill ``lines`` lines of board, and one more."""
    return lines // CARD_LINES + 1


class FirstRead:
    """``result`` is None when the fast path cannot answer (the board then reads every cycle the
    usual way); ``rows`` is how many cards of each column it holds at least."""

    def __init__(self, url: str, lines: int = 0, *, fork: bool = False) -> None:
        self.rows = rows_for(max(lines, LINES))
        self.head: tuple[SummaryRows, Counts] | None = None  # the rows as read
        self._result: tuple[list[CycleSummary], Counts] | None = None
        self.error: CyclesError | None = None  # the database said no: the board reports it
        self.done = threading.Event()
        self._url = url
        # ``fork``: the caller knows this process holds no database connection (a child would
        # share its socket). Forked only while this is the process's one thread: a lock another
        # thread holds (imports, logging) would stay held in the child for ever.
        self.forked = fork and FORK and threading.active_count() == 1 and served(url)
        if self.forked:
            self._fork()
        else:
            threading.Thread(target=self._read, name="board-first-read", daemon=True).start()

    @classmethod
    def of(cls, workspace: Workspace, lines: int) -> FirstRead:
        return cls(workspace.url, lines)

    def _read(self) -> None:
        try:
            self.head = first_rows(self._url, self.rows)
        except CyclesError as exc:  # e.g. an unreachable server: reported, not tried again
            self.error = exc
        except Exception:  # any other trouble: the usual path reads again and reports it
            self.head = None
        finally:
            self.done.set()

    def _fork(self) -> None:
        """Read in a child process: importing psycopg takes CPU that a thread would take from the
        interpreter importing the app; the child runs on another core. Forked
        while this is the process's one thread; a thread here waits for the child's answer."""
        reading, writing = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: read, answer through the pipe, and leave without cleaning up
            try:
                os.close(reading)
                with os.fdopen(writing, "wb") as out:
                    out.write(_answer(self._url, self.rows))
            finally:
                os._exit(0)
        os.close(writing)
        threading.Thread(
            target=self._receive, args=(reading, pid), name="board-first-read", daemon=True
        ).start()

    def _receive(self, reading: int, pid: int) -> None:
        try:
            with os.fdopen(reading, "rb") as answer:
                data = answer.read()
            os.waitpid(pid, 0)
            kind, value = pickle.loads(data) if data else ("none", None)
            if kind == "rows":
                self.head = value
            elif kind == "error":
                self.error = value
        except Exception:  # the child failed: the usual path reads again and reports it
            self.head = None
        finally:
            self.done.set()

    @property
    def result(self) -> tuple[list[CycleSummary], Counts] | None:
        """The first screenful as validated summaries (once read; None when it cannot answer)."""
        if self._result is None and self.head is not None:
            from cycles.model import CycleSummary

            try:
                self._result = [CycleSummary.from_row(r) for r in self.head[0]], self.head[1]
            except Exception:  # rows the models refuse: the usual path reads again and reports it
                self.head = None
        return self._result

    def light(self) -> tuple[list[SummaryRow], Counts] | None:
        """The first screenful as plain tuples, for the first frame (None as ``result``)."""
        if self.head is None:
            return None
        try:
            return [SummaryRow.of(r) for r in self.head[0]], self.head[1]
        except (ValueError, TypeError):
            return None

    def covers(self, rows: int) -> bool:
        return self.rows >= rows
