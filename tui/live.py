"""A board that follows its colleagues: other processes' changes, shown without a keypress.

A thread of its own waits on the database's watch (``Workspace.watch``: SQLite's data version,
PostgreSQL's LISTEN/NOTIFY), reads what changed from the event log (``Workspace.changes_since``:
the changed cycles only, never the whole portfolio) and posts it to the app, which moves the
cards, keeps the cursor, reloads an open cycle and says who changed what. Not a Textual worker:
it runs as long as the app, and stops at once when the app closes.
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from cycles.i18n import N_, _

if TYPE_CHECKING:
    from textual.app import App

    from storage.records import Changes, Watch
    from storage.workspace import Workspace

log = logging.getLogger(__name__)

WAIT_S = 1.0  # one wait on the watch; a change shows within about this (SQLite polls 4 times a second)
RETRY_S = 5.0  # after a lost connection or a failed start, the next try
SLACK = timedelta(seconds=5)  # clocks of the processes on one database differ a little

# What a colleague did, by the event's action.
DONE_BY = {
    "create": N_("{actor} added {name}"),
    "edit": N_("{actor} edited {name}"),
    "collect": N_("{actor} recorded what {name} needs"),
    "start": N_("{actor} started the run of {name}"),
    "note": N_("{actor} added a note to {name}"),
    "evaluate": N_("{actor} evaluated {name}"),
    "decide-next": N_("{actor} decided the next step of {name}"),
    "decide-route": N_("{actor} chose another route for {name}"),
    "decide-drop": N_("{actor} dropped {name}"),
    "link": N_("{actor} linked {name}"),
    "undo": N_("{actor} undid a change of {name}"),
    "import": N_("{actor} imported {name}"),
}
SHOWN = 3  # lines of who changed what in one notification


class Live:
    """Follows ``workspace``'s database for ``app`` (which receives ``ColleaguesChanged``)."""

    def __init__(self, app: App[Any], workspace: Workspace) -> None:
        self.app = app
        self.workspace = workspace
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._watch: Watch | None = None

    def start(self, since: datetime | None = None) -> None:
        """Follow from now; ``since``: when the board began reading what it shows, so that a
        change made while it read is shown too."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, args=(since,), name="cycles-live", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        watch = self._watch
        if watch is not None:
            watch.close()

    def _run(self, since: datetime | None) -> None:
        from storage.records import Changes
        from tui.messages import ColleaguesChanged

        ws = self.workspace
        if ws.error is not None:  # the database could not be used: the board says so already
            return
        seen: set[int] = set()
        marker: int | None = None
        watch: Watch | None = None
        while not self._stop.is_set():
            if watch is None or watch.broken:  # the first watch, or a new one after a lost connection
                if watch is not None:
                    watch.close()
                try:
                    if not ws.try_open():
                        raise RuntimeError("the database cannot be opened now")
                    watch = self._watch = ws.watch()
                    if marker is None:
                        marker = ws.marker(seen)
                        # A change made while the board read what it shows: read everything again.
                        caught_up = since is None or not ws.activity(since=since - SLACK, most=1)[0]
                    else:
                        caught_up = False  # changes may have been missed while disconnected
                except Exception as exc:  # not followed for now; tried again in a while
                    log.info("not following other processes' changes: %s", exc)
                    watch = None
                    self._stop.wait(RETRY_S)
                    continue
                if not caught_up:
                    self.app.post_message(ColleaguesChanged(Changes(marker=marker, everything=True)))
                continue
            if not watch.wait(WAIT_S):
                continue
            try:
                if watch.everything:
                    watch.everything = False
                    changes = Changes(marker=ws.marker(seen), everything=True)
                else:
                    assert marker is not None  # taken with the first watch
                    changes = ws.changes_since(marker, seen)
            except Exception as exc:  # unreachable for a moment: the next commit tries again
                log.info("changes not read: %s", exc)
                continue
            marker = changes.marker
            if changes.notes or changes.everything:
                self.app.post_message(ColleaguesChanged(changes))
        if watch is not None:
            watch.close()


def who_did_what(changes: Changes, me: str) -> str:
    """The quiet line for changes by others than ``me``: "Femke evaluated Open Coffee Bouw",
    at most a few, then how many more; empty when every change was one's own."""
    names = {s.key: s.name for s in changes.summaries}
    lines = []
    for note in changes.notes:
        if note.actor == me:
            continue
        text = DONE_BY.get(note.action, N_("{actor} changed {name}"))
        lines.append(_(text).format(actor=note.actor or _("someone"), name=names.get(note.cycle, note.cycle)))
    lines = list(dict.fromkeys(lines))
    if len(lines) > SHOWN:
        more = len(lines) - SHOWN
        lines = [*lines[:SHOWN], _("and {n} more changes").format(n=more)]
    return "\n".join(lines)
