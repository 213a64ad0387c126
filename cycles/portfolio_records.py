"""A validated portfolio as flat records, and the :class:`Portfolio` that holds them.

Each cycle is flat records (:data:`CYCLE_FIELDS`, :data:`ITERATION_FIELDS`, :data:`NOTE_FIELDS`),
history events are :data:`EVENT_FIELDS` records; storage writes them as they are. Domain records
(:class:`Cycle`, :class:`Event`) are built from those only when asked for, and a portfolio of
domain records gives its flat records the same way.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any, NamedTuple

from cycles.model import Collect, Cycle, Decision, Evaluation, Event, Iteration, Link, Note

# The flat records of a validated portfolio, field by field. Enumerations are their text values,
# instants aware datetimes, due dates ``date``s, lists of texts tuples.
CYCLE_FIELDS = (
    "key", "name", "activity_type", "scale", "level", "cadence_days", "owner", "owner_email",
    "stakeholders", "description", "status", "created_at", "ended_at",
    "iteration", "phase", "due_on",  # the current iteration's number and phase, the due date
)  # fmt: skip
ITERATION_FIELDS = (
    "number", "phase", "opened_at", "due_on", "need", "stakeholders_involved",
    "stakeholders_needed", "preconditions", "resources", "context", "started_at",
    "evaluated_at", "findings", "value_levels", "outcome_levels", "principles",  # None: not evaluated
    "decision", "rationale", "decided_at", "route_to",  # None: not decided
)  # fmt: skip
NOTE_FIELDS = ("iteration", "id", "at", "author", "text")
EVENT_FIELDS = ("cycle", "at", "actor", "action", "summary", "before", "after")


class Entry(NamedTuple):
    """One cycle of a validated portfolio as flat records."""

    cycle: tuple[Any, ...]  # CYCLE_FIELDS
    iterations: list[tuple[Any, ...]]  # ITERATION_FIELDS, by number
    notes: list[tuple[Any, ...]]  # NOTE_FIELDS, in file order


class Portfolio:
    """A validated portfolio ready to store: its cycles as flat records (``entries``), its links
    and its history events (``event_rows``, EVENT_FIELDS). ``cycles`` and ``events`` give the
    same as domain records, built on first use; once built, they are what is stored (a caller
    may adjust them first, as a test names the file of an import event).

    ``Portfolio(cycles=..., links=..., events=...)`` makes one of domain records.
    """

    def __init__(
        self,
        cycles: Iterable[Cycle] = (),
        links: Iterable[Link] = (),
        events: Iterable[Event] = (),
        *,
        entries: list[Entry] | None = None,
        event_rows: list[tuple[Any, ...]] | None = None,
    ) -> None:
        self.links = list(links)
        self._cycles = None if entries is not None else list(cycles)
        self._events = None if event_rows is not None else list(events)
        self._entries = entries or []
        self._event_rows = event_rows or []

    @property
    def cycles(self) -> list[Cycle]:
        if self._cycles is None:
            self._cycles = [cycle_of(e) for e in self._entries]
        return self._cycles

    @property
    def events(self) -> list[Event]:
        if self._events is None:
            self._events = [Event(**dict(zip(EVENT_FIELDS, e, strict=True))) for e in self._event_rows]
        return self._events

    @property
    def entries(self) -> list[Entry]:
        """The cycles as flat records (made again from the domain records once those are built)."""
        return self._entries if self._cycles is None else [entry_of(c) for c in self._cycles]

    @property
    def event_rows(self) -> list[tuple[Any, ...]]:
        """The history events as flat records (EVENT_FIELDS)."""
        if self._events is None:
            return self._event_rows
        return [tuple(getattr(e, f) for f in EVENT_FIELDS) for e in self._events]

    @property
    def keys(self) -> list[str]:
        return [e.cycle[0] for e in self.entries]

    def scales(self) -> Counter[str]:
        """How many cycles of each scale."""
        return Counter(e.cycle[3] for e in self.entries)

    def counts(self) -> dict[str, int]:
        """How many iterations, notes, evaluations, links and history events it holds."""
        evaluated = ITERATION_FIELDS.index("evaluated_at")
        entries = self.entries
        return {
            "iterations": sum(len(e.iterations) for e in entries),
            "notes": sum(len(e.notes) for e in entries),
            "evaluations": sum(1 for e in entries for it in e.iterations if it[evaluated] is not None),
            "links": len(self.links),
            "events": len(self.event_rows),
        }


# -- flat records and domain records ------------------------------------------------------------


def entry_of(cycle: Cycle) -> Entry:
    """A domain cycle as flat records."""
    iterations: list[tuple[Any, ...]] = []
    notes: list[tuple[Any, ...]] = []
    for it in cycle.iterations:
        ev, dec, col = it.evaluation, it.decision, it.collect
        iterations.append(
            (
                it.number,
                it.phase.value,
                it.opened_at,
                it.due_on,
                col.need,
                tuple(col.stakeholders_involved),
                tuple(col.stakeholders_needed),
                col.preconditions,
                col.resources,
                it.context,
                it.started_at,
                ev.at if ev else None,
                ev.findings if ev else None,
                tuple(ev.value_levels) if ev else None,
                tuple(ev.outcome_levels) if ev else None,
                tuple(ev.principles) if ev else None,
                dec.kind.value if dec else None,
                dec.rationale if dec else None,
                dec.at if dec else None,
                dec.route_to if dec else None,
            )
        )
        notes.extend((it.number, n.id, n.at, n.author, n.text) for n in it.notes)
    header = (
        cycle.key,
        cycle.name,
        cycle.activity_type,
        cycle.scale,
        cycle.level,
        cycle.cadence_days,
        cycle.owner,
        cycle.owner_email,
        tuple(cycle.stakeholders),
        cycle.description,
        cycle.status.value,
        cycle.created_at,
        cycle.ended_at,
        cycle.current.number,
        cycle.phase.value,
        cycle.due_on,
    )
    return Entry(header, iterations, notes)


def cycle_of(entry: Entry) -> Cycle:
    """The domain cycle of flat records."""
    notes: dict[int, list[Note]] = {}
    for number, note_id, at, author, text in entry.notes:
        notes.setdefault(number, []).append(Note(id=note_id, at=at, author=author, text=text))
    iterations = []
    for row in entry.iterations:
        it = dict(zip(ITERATION_FIELDS, row, strict=True))
        evaluation = decision = None
        if it["evaluated_at"] is not None:
            evaluation = Evaluation(
                at=it["evaluated_at"],
                findings=it["findings"],
                value_levels=it["value_levels"],
                outcome_levels=it["outcome_levels"],
                principles=it["principles"],
            )
        if it["decision"] is not None:
            decision = Decision(
                kind=it["decision"], rationale=it["rationale"], at=it["decided_at"], route_to=it["route_to"]
            )
        iterations.append(
            Iteration(
                number=it["number"],
                phase=it["phase"],
                opened_at=it["opened_at"],
                due_on=it["due_on"],
                collect=Collect(
                    need=it["need"],
                    stakeholders_involved=it["stakeholders_involved"],
                    stakeholders_needed=it["stakeholders_needed"],
                    preconditions=it["preconditions"],
                    resources=it["resources"],
                ),
                context=it["context"],
                started_at=it["started_at"],
                notes=notes.get(it["number"], []),
                evaluation=evaluation,
                decision=decision,
            )
        )
    header: dict[str, Any] = dict(zip(CYCLE_FIELDS, entry.cycle, strict=True))
    for derived in ("iteration", "phase", "due_on"):
        del header[derived]
    return Cycle(**header, iterations=iterations)
