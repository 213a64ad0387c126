"""``Workspace``: every user action as one unit of work, for the command line and the board alike.

Each action reads the cycle, applies a domain transition and writes the change in one transaction.
An action given ``expected_version`` (what the user saw) refuses with ConflictError when the
cycle has changed since; without it, the version read inside the transaction is used, so two
processes acting at once are serialized and neither update is lost.
"""

from __future__ import annotations

import builtins  # ``Workspace.list`` shadows ``list`` inside the class
import threading
from collections.abc import Callable, Collection, Iterable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cycles.errors import ConflictError, CyclesError, TransitionError
from cycles.i18n import _
from cycles.kinds import local_date
from storage.files import EXPORT_FORMATS, REVIEW_FORMATS, Step, read_portfolio, start_import
from storage.files import nothing as _nothing

if TYPE_CHECKING:
    from cycles.community import Community
    from cycles.lineage import LineStep
    from cycles.model import Change, Cycle, CycleSummary, DecisionKind, Event, Iteration, Link, LinkKind
    from cycles.portfolio import Portfolio
    from cycles.reminders import Policy
    from cycles.repository import CycleFilter
    from cycles.review import Period, Review
    from storage.direct.fastread import Counts, Rows
    from storage.direct.watch import ChangeNote, Changes, Watch
    from storage.imports.import_fast import Started
    from storage.reading.rows import Selection
    from storage.reminders.claims import ReminderStore
    from storage.units.repository import SqlCycleRepository
    from storage.units.store import Store

# This module is the door the interface comes through, and the board's first frame comes through
# it before SQLAlchemy, SQLModel or pydantic are imported: they are imported where they are used.

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    return datetime.now(UTC)


def served(url: str) -> bool:
    """Whether ``url`` names a database server (PostgreSQL) rather than a file."""
    from storage.direct import fastread_pg

    return fastread_pg.conninfo(url) is not None


def first_rows(url: str, rows: int) -> tuple[Rows, Counts] | None:
    """The first ``rows`` cards of each column and the counts of all, as plain rows, read with the
    database driver alone (no ORM, no pydantic): for the board's first frame. None when the driver
    cannot answer for this database (not at the current schema): then the Workspace reads."""
    from storage.direct import fastread, fastread_pg

    if fastread_pg.conninfo(url) is not None:
        return fastread_pg.first_rows(url, rows)
    return fastread.first_rows(url, rows)


def default_url() -> str:
    """The embedded SQLite database in the user's data directory."""
    from storage.schema.location import default_url as url

    return url()


__all__ = [
    "EXPORT_FORMATS",
    "REVIEW_FORMATS",
    "Workspace",
    "default_url",
    "first_rows",
    "read_portfolio",
    "served",
    "start_import",
]


class Workspace:
    """The application's one way into stored cycles: reads, every change as one unit of work, and
    which path serves each read (the database driver alone where it can answer, else the ORM).

    Made on a ``Store``, or with :meth:`at` on a URL whose store opens on first use (in whichever
    thread uses it first, never when a method is only looked up)."""

    def __init__(
        self,
        store: Store | None,
        community: Community,
        *,
        actor: str,
        clock: Clock = system_clock,
        url: str | None = None,
    ) -> None:
        self._store = store
        self.url = url if url is not None else store.url if store is not None else ""
        self._given_url = url is not None  # the URL as given keeps its password: the driver can use it
        self.community = community
        self.actor = actor
        self.clock = clock
        self.error: CyclesError | None = None
        self.on_error: Callable[[CyclesError], object] | None = None
        self.may_create = True  # whether opening may make a new SQLite file (``at``)
        self._lock = threading.Lock()

    @classmethod
    def at(
        cls, url: str, community: Community, *, actor: str, clock: Clock = system_clock, create: bool = True
    ) -> Workspace:
        """A Workspace on ``url`` whose store (SQLAlchemy, the schema check or migration) opens when
        a method first needs it. Without ``create`` nothing is made: a SQLite file that does not
        exist is an error that names it (a read, a mistyped path), not an empty portfolio."""
        workspace = cls(None, community, actor=actor, clock=clock, url=url)
        workspace.may_create = create
        return workspace

    def exists(self) -> bool:
        """Whether the database is there to read (a server's is assumed to be)."""
        from storage.schema.location import missing

        return self._store is not None or missing(self.url) is None

    @property
    def created(self) -> bool:
        """Whether opening this Workspace made a new database file."""
        return self._store is not None and self._store.created

    @property
    def is_open(self) -> bool:
        return self._store is not None

    @property
    def store(self) -> Store:
        """The store, opened now if it is not yet (blocks: from a worker, not the UI thread)."""
        store = self._store
        if store is not None:
            return store
        with self._lock:
            if self._store is None:
                from storage.units.store import Store

                try:
                    self._store = Store.open(self.url, create=self.may_create)
                except CyclesError as exc:
                    self.failed(exc)
                    raise
            return self._store

    def try_open(self) -> bool:
        """Open the store if it is not yet, without reporting a failure to ``on_error`` (for work
        the user did not ask for, such as following other processes' changes)."""
        if self._store is not None:
            return True
        from storage.units.store import Store

        with self._lock:
            if self._store is None:
                try:
                    self._store = Store.open(self.url, create=self.may_create)
                except CyclesError:
                    return False
        return True

    def failed(self, exc: CyclesError) -> None:
        """The database cannot be used (found by opening it, or by a read that needs no store):
        ``error`` keeps why, and ``on_error`` is told, once."""
        first = self.error is None
        self.error = exc
        if first and self.on_error is not None:
            self.on_error(exc)

    def close(self) -> None:
        if self._store is not None:
            self._store.close()

    def discard_if_new(self) -> bool:
        """Close, and delete the database file that opening this Workspace made, when nothing was
        stored in it (an import that gave up): nothing is left made by accident. Whether it was."""
        if not self.created:
            return False
        from storage.schema.location import sqlite_path

        with self.store.read() as repo:
            if repo.exists_any():
                return False
        self.close()
        self._store = None
        path = sqlite_path(self.url)
        if path is not None:
            for leftover in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
                leftover.unlink(missing_ok=True)
        return True

    def now(self) -> datetime:
        return self.clock()

    def today(self) -> date:
        return local_date(self.clock(), self.community.zone)

    # -- reading ----------------------------------------------------------------------------

    def list(self, flt: CycleFilter | None = None) -> builtins.list[CycleSummary]:
        """The cycles ``flt`` matches (default: the active ones). Read by the driver alone where
        it can answer: a SQLite file at the current schema (``storage.direct.fastread``), or PostgreSQL
        while the ORM has not been opened, with the URL as given (``storage.direct.fastread_pg``); else
        through the ORM. The same query text serves every path."""
        from cycles.repository import CycleFilter
        from storage.direct import fastread

        flt = flt or CycleFilter()
        today = self.today()
        found = fastread.summaries(self.url, flt, today)
        if found is None and self._given_url and not self.is_open:
            from storage.direct import fastread_pg

            try:
                found = fastread_pg.summaries(self.url, flt, today)
            except CyclesError as exc:  # the server cannot be reached: as when opening the store
                self.failed(exc)
                raise
        if found is not None:
            return found
        with self.store.read() as repo:
            return repo.summaries(flt, today)

    def get(self, key: str) -> Cycle:
        with self.store.read() as repo:
            return repo.get(key)

    def history(self, key: str) -> builtins.list[Event]:
        with self.store.read() as repo:
            repo.get(key)  # NotFoundError for an unknown key
            return repo.history(key)

    def links(self, key: str) -> builtins.list[Link]:
        with self.store.read() as repo:
            return repo.links(key)

    # -- other processes' changes (``storage.follow``) ------------------------------------------

    def marker(self, seen: set[int]) -> int:
        """Where the event log stands now: what :meth:`changes_since` reads after; ``seen`` gets
        the ids just below it, which are not news."""
        from storage import follow

        with self.store.read() as repo:
            return follow.marker(repo, seen)

    def changes_since(self, marker: int, seen: set[int], *, most: int = 500) -> Changes:
        """What changed after ``marker``, from the event log: the changed cycles' summaries,
        never the whole portfolio (``storage.follow.changes_since``)."""
        from storage import follow

        with self.store.read() as repo:
            return follow.changes_since(repo, marker, seen, most)

    def activity(
        self, *, after: int | None = None, since: datetime | None = None, most: int = 1000
    ) -> tuple[builtins.list[ChangeNote], dict[str, str]]:
        """The event log's changes after the event id ``after``, or from the instant ``since``
        (oldest first, at most ``most``), and the names of the cycles they name."""
        from storage import follow

        with self.store.read() as repo:
            return follow.activity(repo, after, since, most)

    def watch(self) -> Watch:
        """A watch for other processes' commits to this database (``storage.direct.watch``)."""
        from storage.direct.watch import Watch

        return Watch(self.url)

    def line(self, key: str) -> builtins.list[LineStep]:
        """The line of development through ``key``: every ancestor and descendant by other route
        and spawn, root first (``cycles.lineage``), read in one unit of work."""
        from cycles import lineage

        with self.store.read() as repo:
            repo.get(key)  # NotFoundError for an unknown key
            found: dict[tuple[str, str, str], Link] = {}
            seen, todo = {key}, [key]
            while todo:
                for lk in repo.links(todo.pop()):
                    if lk.kind not in lineage.LINE_KINDS:
                        continue
                    found[(lk.source, lk.target, lk.kind.value)] = lk
                    for other in (lk.source, lk.target):
                        if other not in seen:
                            seen.add(other)
                            todo.append(other)
            cycles = {k: repo.get(k) for k in seen}
        return lineage.line(key, found.values(), cycles)

    def detail(self, key: str) -> tuple[Cycle, builtins.list[Link], builtins.list[Event]]:
        """A cycle with its links and history, read in one unit of work."""
        with self.store.read() as repo:
            return repo.get(key), repo.links(key), repo.history(key)

    def taken_keys(self, keys: Iterable[str]) -> builtins.list[str]:
        """Those of ``keys`` that are cycles in the database already, sorted."""
        from storage.reading.rows import taken_keys

        return taken_keys(self.store, keys)

    # -- files ------------------------------------------------------------------------------

    def _source(self) -> Store | str:
        """What the exports read: the open store, or else the URL as given, which they read with
        the database driver alone where it serves (no ORM to import)."""
        if self._store is not None:
            return self._store
        if not self.may_create:
            from storage.schema.location import missing

            if (error := missing(self.url)) is not None:
                raise error
        return self.url

    def export(
        self,
        fmt: str,
        path: Path,
        selection: Selection | None = None,
        *,
        lang: str = "en",
        step: Step = _nothing,
    ) -> dict[str, int]:
        """Write the selected cycles to ``path`` as ``fmt`` (one of ``EXPORT_FORMATS``); how many
        records of each kind it holds (the calendar: ``{"dates": n}``). See ``storage.files``."""
        from storage import files

        return files.export(self._source(), self.community, fmt, path, selection, self.now(), lang, step)

    def review(
        self,
        fmt: str,
        path: Path,
        within: Period,
        *,
        selection: Selection | None = None,
        funding_types: Iterable[str] = (),
        lang: str = "en",
        step: Step = _nothing,
    ) -> Review:
        """The programme review of ``within`` written to ``path`` as ``fmt`` (one of
        ``REVIEW_FORMATS``), and returned. See ``storage.files``."""
        from storage import files

        return files.review(
            self._source(),
            self.community,
            fmt,
            path,
            within,
            selection,
            funding_types,
            self.now(),
            lang,
            step,
        )

    def import_started(self, started: Started) -> Any:
        """Store an import begun by :func:`start_import` (all or nothing); what it stored, or None
        when something in the file was refused (nothing is written then)."""
        return started.store(self.store)

    def reminders(self, policy: Policy) -> ReminderStore:
        """The evaluation reminders of this database under ``policy``: what is owed, the claims
        that make each reminder go out once, the inbox, acknowledgements and snoozes."""
        from storage.reminders.claims import ReminderStore

        return ReminderStore(self.store, policy)

    # -- acting -----------------------------------------------------------------------------

    def _act(
        self,
        key: str,
        expected_version: int | None,
        transition: Callable[[Cycle, SqlCycleRepository], Change],
    ) -> Change:
        """Read cycle ``key``, check the version the user saw, apply ``transition`` (given the cycle
        and the unit of work's repository) and store its change: one transaction."""

        def work(repo: SqlCycleRepository) -> Change:
            cycle = repo.get(key)
            version = cycle.version if expected_version is None else expected_version
            if cycle.version != version:
                raise ConflictError(
                    _(
                        "{key} was changed by someone else meanwhile (you read version {read}, it is now "
                        "at {now}); reload it and try again"
                    ).format(key=key, read=version, now=cycle.version)
                )
            change = transition(cycle, repo)
            saved = repo.apply(change, version)
            return change.model_copy(update={"cycle": saved})

        return self.store.write(work)

    def create(
        self,
        *,
        name: str,
        activity_type: str,
        key: str | None = None,
        owner: str = "",
        owner_email: str = "",
        stakeholders: Iterable[str] = (),
        description: str = "",
        cadence_days: int | None = None,
        level: str | None = None,
    ) -> Cycle:
        from cycles import loop

        def work(repo: SqlCycleRepository) -> Cycle:
            chosen = key or repo.free_key(loop.slugify(name))
            if repo.exists(chosen):
                raise TransitionError(_("cycle key {key!r} is already in use").format(key=chosen))
            change = loop.new_cycle(
                self.community,
                key=chosen,
                name=name,
                activity_type=activity_type,
                now=self.now(),
                actor=self.actor,
                owner=owner,
                owner_email=owner_email,
                stakeholders=stakeholders,
                description=description,
                cadence_days=cadence_days,
                level=level,
            )
            repo.add([change.cycle], [], change.events)
            return change.cycle.model_copy(update={"version": 1})

        return self.store.write(work)

    def edit(self, key: str, *, expected_version: int | None = None, **fields: Any) -> Change:
        from cycles import loop

        return self._act(
            key,
            expected_version,
            lambda c, _repo: loop.edit(c, self.community, now=self.now(), actor=self.actor, **fields),
        )

    def collect(self, key: str, *, expected_version: int | None = None, **fields: Any) -> Change:
        from cycles import loop

        return self._act(
            key,
            expected_version,
            lambda c, _repo: loop.record_collect(c, now=self.now(), actor=self.actor, **fields),
        )

    def start(self, key: str, context: str = "", *, expected_version: int | None = None) -> Change:
        from cycles import loop

        return self._act(
            key,
            expected_version,
            lambda c, _repo: loop.start_run(c, now=self.now(), actor=self.actor, context=context),
        )

    def note(self, key: str, text: str, *, expected_version: int | None = None) -> Change:
        from cycles import loop

        return self._act(
            key,
            expected_version,
            lambda c, _repo: loop.add_note(c, now=self.now(), actor=self.actor, text=text),
        )

    def evaluate(self, key: str, *, expected_version: int | None = None, **fields: Any) -> Change:
        from cycles import loop

        return self._act(
            key,
            expected_version,
            lambda c, _repo: loop.evaluate(c, self.community, now=self.now(), actor=self.actor, **fields),
        )

    def decide(
        self,
        key: str,
        kind: DecisionKind,
        why: str,
        *,
        expected_version: int | None = None,
        route_key: str | None = None,
        route_name: str | None = None,
        route_type: str | None = None,
        carry: Iterable[str] = (),
    ) -> Change:
        from cycles import loop
        from cycles.model import DecisionKind

        def transition(c: Cycle, repo: SqlCycleRepository) -> Change:
            chosen = route_key
            if kind is DecisionKind.ROUTE and chosen is None:
                chosen = repo.free_key(f"{key}-route")  # in the transaction that creates it
            return loop.decide(
                c,
                self.community,
                kind=kind,
                why=why,
                now=self.now(),
                actor=self.actor,
                route_key=chosen,
                route_name=route_name,
                route_type=route_type,
                carry=carry,
            )

        return self._act(key, expected_version, transition)

    def link(self, source: str, target: str, kind: LinkKind, note: str = "") -> Change:
        from cycles import loop

        def work(repo: SqlCycleRepository) -> Change:
            src, tgt = repo.get(source), repo.get(target)
            change = loop.link(src, tgt, kind, now=self.now(), actor=self.actor, note=note)
            repo.apply(change, src.version)
            return change

        return self.store.write(work)

    def undo(self, key: str, *, expected_version: int | None = None) -> Change:
        """Undo the cycle's latest change that has not been undone."""
        from cycles import history

        def work(repo: SqlCycleRepository) -> Change:
            cycle = repo.get(key)
            if expected_version is not None and cycle.version != expected_version:
                raise ConflictError(
                    _("{key} was changed by someone else meanwhile; reload it").format(key=key)
                )
            target = history.last_undoable(repo.history(key))
            if target is None:
                raise TransitionError(_("{key}: there is no change to undo").format(key=key))
            change = history.revert(cycle, target, actor=self.actor, at=self.now())
            saved = repo.apply(change, cycle.version)
            return change.model_copy(update={"cycle": saved})

        return self.store.write(work)

    def import_portfolio(self, portfolio: Portfolio) -> None:
        """Store a validated portfolio: all of it, or (on any refusal) nothing."""
        from storage.units.bulk import add_portfolio

        def work(repo: SqlCycleRepository) -> None:
            add_portfolio(repo.session, portfolio)
            repo.announce_everything()

        self.store.write(work)

    def iterations(self, keys: Collection[str] | None = None) -> dict[str, builtins.list[Iteration]]:
        """The iterations of every cycle (or of ``keys``) by cycle key, oldest first, without their
        monitoring notes: what a timeline of all cycles draws, read in one unit of work."""
        with self.store.read() as repo:
            return repo.iterations(keys)
