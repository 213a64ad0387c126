"""A Workspace for the board that opens its store on first use, in whichever worker needs it first.

Opening the store imports SQLAlchemy and SQLModel and checks (or migrates) the schema: about a
second that the board's first frame need not wait for, since the first cards come from
``storage.fastread`` where it can answer. The board and its screens only ever call the Workspace
from thread workers, so the first call opens the store there, never on the UI thread.

Nothing from ``storage`` is imported here at module level (see docs/PERFORMANCE.md, cause 1).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date, datetime
from functools import partial
from typing import TYPE_CHECKING, Any

from cycles.errors import CyclesError
from cycles.kinds import local_date

if TYPE_CHECKING:
    from cycles.community import Community
    from storage.store import Store
    from storage.workspace import Workspace

Clock = Callable[[], datetime]


class LazyWorkspace:
    """Stands in for ``storage.workspace.Workspace``: the same methods, the store opened by the
    first of them (``opener`` returns the real Workspace). ``url`` is the database URL the opener
    will use, for fast read paths that need no store. When opening fails, ``error`` keeps why and
    ``on_error`` (set by the app) is told, once."""

    def __init__(
        self, url: str, community: Community, *, actor: str, clock: Clock, opener: Callable[[], Workspace]
    ) -> None:
        self.url = url
        self.community = community
        self.actor = actor
        self.clock = clock
        self.error: CyclesError | None = None
        self.on_error: Callable[[CyclesError], object] | None = None
        self._opener = opener
        self._workspace: Workspace | None = None
        self._lock = threading.Lock()

    @property
    def is_open(self) -> bool:
        return self._workspace is not None

    def open(self) -> Workspace:
        """The real Workspace, opened now if it is not yet (blocks: call it from a worker)."""
        workspace = self._workspace
        if workspace is not None:
            return workspace
        with self._lock:
            if self._workspace is None:
                try:
                    self._workspace = self._opener()
                except CyclesError as exc:
                    self.failed(exc)
                    raise
            return self._workspace

    def failed(self, exc: CyclesError) -> None:
        """The database cannot be used (found by opening it, or by a read that needs no store)."""
        first = self.error is None
        self.error = exc
        if first and self.on_error is not None:
            self.on_error(exc)

    def now(self) -> datetime:
        return self.clock()

    def today(self) -> date:
        return local_date(self.clock(), self.community.zone)

    @property
    def store(self) -> Store:
        return self.open().store

    def __getattr__(self, name: str) -> Any:
        """Any other Workspace method: opens the store when called, not when looked up, so that
        ``partial(workspace.decide, ...)`` on the UI thread opens nothing until its worker runs."""
        if name.startswith("_"):
            raise AttributeError(name)
        workspace = self._workspace
        if workspace is not None:
            return getattr(workspace, name)
        return partial(self._call, name)

    def _call(self, name: str, *args: Any, **kwargs: Any) -> Any:
        return getattr(self.open(), name)(*args, **kwargs)
