"""``Workspace``: every user action as one unit of work, for the command line and the board alike.

Each action reads the cycle, applies a domain transition and writes the change in one transaction.
An action given ``expected_version`` (what the user saw) refuses with ConflictError when the
cycle has changed since; without it, the version read inside the transaction is used, so two
processes acting at once are serialized and neither update is lost.
"""

from __future__ import annotations

import builtins  # ``Workspace.list`` shadows ``list`` inside the class
from collections.abc import Callable, Collection, Iterable
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from cycles import history, loop
from cycles.cadence import local_date
from cycles.community import Community
from cycles.errors import ConflictError, NotFoundError, TransitionError
from cycles.i18n import _
from cycles.model import Change, Cycle, CycleSummary, DecisionKind, Event, Iteration, Link, LinkKind
from cycles.repository import CycleFilter
from storage.repository import SqlCycleRepository
from storage.store import Store

if TYPE_CHECKING:
    from cycles.portfolio import Portfolio

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    return datetime.now(UTC)


class Workspace:
    """The application's one way into stored cycles."""

    def __init__(
        self, store: Store, community: Community, *, actor: str, clock: Clock = system_clock
    ) -> None:
        self.store = store
        self.community = community
        self.actor = actor
        self.clock = clock

    def now(self) -> datetime:
        return self.clock()

    def today(self) -> date:
        return local_date(self.clock(), self.community.zone)

    # -- reading ----------------------------------------------------------------------------

    def list(self, flt: CycleFilter | None = None) -> list[CycleSummary]:
        with self.store.read() as repo:
            return repo.summaries(flt or CycleFilter(), self.today())

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

    def detail(self, key: str) -> tuple[Cycle, builtins.list[Link], builtins.list[Event]]:
        """A cycle with its links and history, read in one unit of work."""
        with self.store.read() as repo:
            return repo.get(key), repo.links(key), repo.history(key)

    # -- acting -----------------------------------------------------------------------------

    def _act(self, key: str, expected_version: int | None, transition: Callable[[Cycle], Change]) -> Change:
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
            change = transition(cycle)
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
        def work(repo: SqlCycleRepository) -> Cycle:
            chosen = key or _free_key(repo, loop.slugify(name))
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
        return self._act(
            key,
            expected_version,
            lambda c: loop.edit(c, self.community, now=self.now(), actor=self.actor, **fields),
        )

    def collect(self, key: str, *, expected_version: int | None = None, **fields: Any) -> Change:
        return self._act(
            key,
            expected_version,
            lambda c: loop.record_collect(c, now=self.now(), actor=self.actor, **fields),
        )

    def start(self, key: str, context: str = "", *, expected_version: int | None = None) -> Change:
        return self._act(
            key,
            expected_version,
            lambda c: loop.start_run(c, now=self.now(), actor=self.actor, context=context),
        )

    def note(self, key: str, text: str, *, expected_version: int | None = None) -> Change:
        return self._act(
            key,
            expected_version,
            lambda c: loop.add_note(c, now=self.now(), actor=self.actor, text=text),
        )

    def evaluate(self, key: str, *, expected_version: int | None = None, **fields: Any) -> Change:
        return self._act(
            key,
            expected_version,
            lambda c: loop.evaluate(c, self.community, now=self.now(), actor=self.actor, **fields),
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
        def transition(c: Cycle) -> Change:
            return loop.decide(
                c,
                self.community,
                kind=kind,
                why=why,
                now=self.now(),
                actor=self.actor,
                route_key=route_key,
                route_name=route_name,
                route_type=route_type,
                carry=carry,
            )

        if kind is DecisionKind.ROUTE and route_key is None:
            # Choose a free key for the new line before the transaction that creates it.
            with self.store.read() as repo:
                route_key = _free_key(repo, f"{key}-route")
        return self._act(key, expected_version, transition)

    def link(self, source: str, target: str, kind: LinkKind, note: str = "") -> Change:
        def work(repo: SqlCycleRepository) -> Change:
            src, tgt = repo.get(source), repo.get(target)
            change = loop.link(src, tgt, kind, now=self.now(), actor=self.actor, note=note)
            repo.apply(change, src.version)
            return change

        return self.store.write(work)

    def undo(self, key: str, *, expected_version: int | None = None) -> Change:
        """Undo the cycle's latest change that has not been undone."""

        def work(repo: SqlCycleRepository) -> Change:
            cycle = repo.get(key)
            if expected_version is not None and cycle.version != expected_version:
                raise ConflictError(
                    _("{key} was changed by someone else meanwhile; reload it").format(key=key)
                )
            target = last_undoable(repo.history(key))
            if target is None:
                raise TransitionError(_("{key}: there is no change to undo").format(key=key))
            change = history.revert(cycle, target, actor=self.actor, at=self.now())
            saved = repo.apply(change, cycle.version)
            return change.model_copy(update={"cycle": saved})

        return self.store.write(work)

    def import_portfolio(self, portfolio: Portfolio) -> None:
        """Store a validated portfolio: all of it, or (on any refusal) nothing."""
        from storage.bulk import add_portfolio

        self.store.write(lambda repo: add_portfolio(repo.session, portfolio))

    def iterations(self, keys: Collection[str] | None = None) -> dict[str, builtins.list[Iteration]]:
        """The iterations of every cycle (or of ``keys``) by cycle key, oldest first, without their
        monitoring notes: what a timeline of all cycles draws, read in one unit of work."""
        from sqlalchemy import select

        from storage.repository import C, I
        from storage.row_values import build_iteration
        from storage.tables import CycleRow, IterationRow

        query = (
            select(C.key, *IterationRow.__table__.c)  # type: ignore[attr-defined]
            .join_from(IterationRow.__table__, CycleRow.__table__, I.cycle_id == C.id)  # type: ignore[attr-defined]
            .order_by(C.key, I.number)
        )
        wanted = None if keys is None else list(keys)
        out: dict[str, builtins.list[Iteration]] = {}
        with self.store.read() as repo:
            chunks = [None] if wanted is None else [wanted[i : i + 500] for i in range(0, len(wanted), 500)]
            for chunk in chunks:
                q = query if chunk is None else query.where(C.key.in_(chunk))
                for row in repo.session.execute(q):
                    out.setdefault(row.key, []).append(build_iteration(row, []))
        return out


def last_undoable(events: list[Event]) -> Event | None:
    """The latest event that an undo would revert: undo events cancel the change before them."""
    stack: list[Event] = []
    for event in events:
        if event.action == "undo":
            if stack:
                stack.pop()
        elif event.before is not None:
            stack.append(event)
        else:
            stack.clear()  # creation or import: nothing before it can be undone
    return stack[-1] if stack else None


def _free_key(repo: SqlCycleRepository, base: str) -> str:
    if not repo.exists(base):
        return base
    for n in range(2, 10_000):
        candidate = f"{base}-{n}"
        if not repo.exists(candidate):
            return candidate
    raise NotFoundError(f"no free key near {base!r}")
