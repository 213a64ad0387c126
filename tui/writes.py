"""The interface's writes: one at a time, in the order the user gave them, never dropped.

Textual's exclusive workers cancel the other workers of their group, and a write whose task was
created but had not run yet then never runs, silently. So writes do not run as workers: the app
hands each one to a ``WriteQueue``, whose one thread takes them first in, first out. Every write
ends in exactly one message to the app: what it stored (the write's ``report``), a conflict, or
why it failed (any exception, not only the ones the domain raises). Closing the queue (the app
quitting) waits for what is queued; what could not be done by then is returned, so that the caller
can say so.

A write carries the version of its cycle that the user saw. When the user acts on a cycle again
before their previous write on it is stored (``u`` twice, two quick notes), the later write was
given the version from before the earlier one; the queue rebases it on the version that the
earlier write, this user's own, produced. A colleague's change in between is still a conflict.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cycles.errors import ConflictError, CyclesError
from cycles.i18n import _

if TYPE_CHECKING:
    from textual.message import Message

    from tui.messages import ActionFailed

# The app makes its queue before its first frame: the messages (and pydantic, which they import)
# are imported by the writer thread, when the first write runs.

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Write:
    """One change the user asked for.

    ``call`` stores it; with ``seen`` (the version of cycle ``key`` the user saw) it is called
    with ``expected_version=``. ``report`` turns what ``call`` returned into the message that says
    it was stored."""

    action: str
    key: str | None
    call: Callable[..., Any]
    report: Callable[[Any], Message]
    seen: int | None = None
    typed: tuple[str, dict[str, Any]] | None = None  # the form and what the user typed in it

    def describe(self) -> str:
        return f"{self.action} {self.key}" if self.key else self.action


_STOP = object()


class WriteQueue:
    """Runs writes one at a time on a thread of its own, in the order they were submitted."""

    def __init__(self, post: Callable[[Message], object]) -> None:
        self._post = post
        self._queue: queue.Queue[Any] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._closed = False
        self._own: dict[tuple[str, int], int] = {}  # (key, version before) -> version after
        self._current: Write | None = None
        self._abandoned = False  # closing gave up waiting: the thread takes no more writes
        self._left: list[Write] = []  # what closing reports as not done

    def submit(self, write: Write) -> None:
        """Queue ``write`` behind every write submitted before it. Called on the UI thread: it
        never waits."""
        with self._lock:
            if self._closed:
                self._post(self._failed(write, _("the application is closing")))
                return
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="cycles-writes", daemon=True)
                self._thread.start()
            self._queue.put(write)

    @property
    def pending(self) -> int:
        """Writes submitted and not yet reported (the one running included)."""
        return self._queue.unfinished_tasks

    def wait(self, timeout: float | None = None) -> bool:
        """Block until every write submitted so far is reported (for tests and closing)."""
        done = threading.Event()

        def waiter() -> None:
            self._queue.join()
            done.set()

        threading.Thread(target=waiter, daemon=True).start()
        return done.wait(timeout)

    def close(self, timeout: float = 30.0) -> list[Write]:
        """Refuse new writes, let the queued ones run, and return those not done in ``timeout``."""
        with self._lock:
            self._closed = True
            thread = self._thread
            if thread is None:
                return []
            self._queue.put(_STOP)
        thread.join(timeout)
        if not thread.is_alive():
            return []
        with self._lock:  # from here on the thread, once its write is done, takes no other
            self._abandoned = True
            if self._current is not None:
                self._left.append(self._current)  # it may yet be stored: said as not known to be
            while True:
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
                if isinstance(item, Write):
                    self._left.append(item)
        return self._left

    # -- the writer thread -------------------------------------------------------------------

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            try:
                with self._lock:
                    if item is _STOP:
                        return
                    if self._abandoned:  # taken after closing gave up: reported with the rest
                        self._left.append(item)
                        return
                    self._current = item
                self._post(self._perform(item))
            finally:
                with self._lock:
                    self._current = None
                self._queue.task_done()

    def _perform(self, write: Write) -> Message:
        from tui.messages import ActionFailed, ConflictDetected

        try:
            if write.seen is None or write.key is None:
                result = write.call()
            else:
                expected = self._rebased(write.key, write.seen)
                result = write.call(expected_version=expected)
                stored = _version(result)
                if stored is not None:
                    self._own[(write.key, expected)] = stored
            return write.report(result)
        except ConflictError as exc:
            return ConflictDetected(write.key or "", str(exc), write.typed)
        except CyclesError as exc:
            return ActionFailed(write.action, write.key, str(exc))
        except Exception as exc:  # any failure is reported: a write never ends unsaid
            log.exception("write %s failed", write.describe())
            return self._failed(write, f"{type(exc).__name__}: {exc}")

    def _rebased(self, key: str, seen: int) -> int:
        """The version a write on ``key`` seen at ``seen`` is checked against: ``seen`` moved on
        by this queue's own writes on that cycle, in their order."""
        version = seen
        while (key, version) in self._own:
            version = self._own[(key, version)]
        return version

    @staticmethod
    def _failed(write: Write, reason: str) -> ActionFailed:
        from tui.messages import ActionFailed

        text = _("Not saved ({what}): {reason}").format(what=write.describe(), reason=reason)
        return ActionFailed(write.action, write.key, text)


def _version(result: object) -> int | None:
    """The version a write left its cycle at: a ``Change``'s cycle's, or a ``Cycle``'s own."""
    version = getattr(getattr(result, "cycle", result), "version", None)
    return version if isinstance(version, int) else None
