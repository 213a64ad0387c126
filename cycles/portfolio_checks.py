"""The checks of a validated portfolio that a schema cannot make, and its flat records.

One pass over the data :mod:`cycles.portfolio_schema` validated checks the order of dates, the
community's keys, route decisions and links between cycles, and turns each cycle into flat records
(:mod:`cycles.portfolio_records`). A failed check is an ImportFileError naming file, place and
reason, as :func:`build`'s caller says places.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable
from datetime import datetime, time
from typing import Any

from pydantic import ValidationError

from cycles import history
from cycles.cadence import due_on
from cycles.community import Community
from cycles.errors import CyclesError, ImportFileError
from cycles.model import DecisionKind, Link, LinkKind, Phase, Status
from cycles.portfolio_records import EVENT_FIELDS, Entry, Portfolio, cycle_of
from cycles.portfolio_schema import CycleIn, EventIn, Loc, PortfolioIn, When

_MIDNIGHT = time(0)
# enumeration values as plain text (``Enum.value`` is a slow property, read 100,000 times here)
_DECIDED, _EVALUATE, _RUN, _COLLECT = (
    p.value for p in (Phase.DECIDED, Phase.EVALUATE, Phase.RUN, Phase.COLLECT)
)
_KINDS = {kind: kind.value for kind in DecisionKind}


class _Refused(Exception):
    """A check failed in ``build``: ``loc`` is the place, ``structural`` marks the checks that
    were once part of the schema (reported as ``path: Value error, reason``)."""

    def __init__(self, reason: str, loc: Loc = (), *, structural: bool = False) -> None:
        super().__init__(reason)
        self.loc = loc
        self.structural = structural


def _at(value: When, community: Community) -> datetime:
    """A file's date means the start of that day, a naive time is local, in the community's zone."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            return value.replace(tzinfo=community.zone)
        return value
    return datetime.combine(value, _MIDNIGHT, tzinfo=community.zone)


def build(raw: PortfolioIn, community: Community, where: str, place: Callable[[Loc], str]) -> Portfolio:
    """The checked portfolio of a validated file: its cycles as flat records, the links its route
    decisions imply and those it gives, its history events (an import event for a cycle without
    any). A refusal is an ImportFileError: ``where`` names the file, ``place`` a location in it."""
    cycles_in = raw["cycles"]
    keys = [c["key"] for c in cycles_in]
    known = set(keys)
    repeated = {k for k, n in Counter(keys).items() if n > 1}
    entries: list[Entry] = []
    event_rows: list[tuple[Any, ...]] = []
    links: list[Link] = []
    checker = _Checker(community)
    for index, c in enumerate(cycles_in):
        loc: Loc = ("cycles", index)
        key = c["key"]
        try:
            if key in repeated:
                raise _Refused(f"key {key!r} appears more than once")
            entry = checker.cycle(c)
        except _Refused as exc:
            if exc.structural:
                at = (*loc, *exc.loc)
                path = ".".join(str(p) for p in at)
                raise ImportFileError(f"{where}{place(at)}: {path}: Value error, {exc}") from exc
            raise ImportFileError(f"{where}{place(loc)}: cycles.{index} ({key}): {exc}") from exc
        except (CyclesError, ValidationError, ValueError) as exc:
            msg = exc.errors()[0]["msg"] if isinstance(exc, ValidationError) else str(exc)
            raise ImportFileError(f"{where}{place(loc)}: cycles.{index} ({key}): {msg}") from exc
        entries.append(entry)
        events = c["events"]
        if events is not None:
            for j, e in enumerate(events):
                if e["cycle"] != key:
                    raise ImportFileError(
                        f"{where}{place((*loc, 'events', j))}: cycles.{index}.events.{j}: the event "
                        f"belongs to cycle {e['cycle']!r}, not {key!r}"
                    )
            event_rows.extend(_event_row(e) for e in events)
        else:
            cycle = cycle_of(entry)
            made = history.record(
                None, cycle, action="import", actor="import", at=cycle.created_at, summary=where, numbers=[]
            )
            event_rows.append(tuple(getattr(made, f) for f in EVENT_FIELDS))
        last = c["iterations"][-1]["decision"]
        if last is not None and last["kind"] is DecisionKind.ROUTE:
            route_to = last["route_to"]
            if route_to not in known:
                raise ImportFileError(
                    f"{where}{place(loc)}: cycles.{index} ({key}): route_to "
                    f"{route_to!r} is not a cycle in this file"
                )
            links.append(
                Link(
                    source=str(route_to),
                    target=key,
                    kind=LinkKind.ROUTE_OF,
                    created_at=_at(last["at"], community),
                )
            )
    # A route decision implies its link; a link given explicitly as well (a lossless export
    # writes them all) replaces the implied one, so its note and time are kept.
    derived = {(lk.source, lk.target, lk.kind): i for i, lk in enumerate(links)}
    seen: set[tuple[str, str, LinkKind]] = set()
    created_at = {e.cycle[0]: e.cycle[11] for e in entries}
    for index, lk in enumerate(raw["links"]):
        source, target = lk["source"], lk["target"]
        for side, end in (("source", source), ("target", target)):
            if end not in known:
                raise ImportFileError(
                    f"{where}{place(('links', index, side))}: links.{index}: no cycle {end!r} in this file"
                )
        if source == target:
            raise ImportFileError(
                f"{where}{place(('links', index))}: links.{index}: a cycle cannot be linked to itself"
            )
        add_link(links, derived, seen, lk, created_at, community)
    for j, e in enumerate(raw["events"] or ()):
        if e["cycle"] in known:
            raise ImportFileError(
                f"{where}{place(('events', j))}: events.{j}: cycle {e['cycle']!r} is in this file; "
                "its events belong in its own 'events' list"
            )
        event_rows.append(_event_row(e))
    return Portfolio(links=links, entries=entries, event_rows=event_rows)


def _event_row(e: EventIn) -> tuple[Any, ...]:
    # validated by EventIn as Event would validate it
    return (
        e["cycle"],
        e["at"],
        e["actor"],
        e["action"],
        e["summary"],
        e["before"],
        e["after"],
    )


class _Checker:
    """The checks of one cycle beyond the schema, and its flat records. Runs once per cycle of a
    file of 10,000: plain code, community look-ups cached."""

    def __init__(self, community: Community) -> None:
        self.community = community
        self.zone = community.zone
        self.checked: dict[tuple[str, tuple[str, ...]], None] = {}

    def keys(self, kind: str, values: tuple[str, ...]) -> None:
        self.community.check_keys(kind, list(values))
        self.checked[(kind, values)] = None

    def cycle(self, c: CycleIn) -> Entry:
        community, zone = self.community, self.zone
        kind = community.activity_type(c["type"])
        level = community.level(kind.scale, c["level"] or kind.level)
        cadence = c["cadence_days"] or level.cadence
        key = c["key"]
        its_in = c["iterations"]
        last_number = len(its_in)
        iterations: list[tuple[Any, ...]] = []
        notes: list[tuple[Any, ...]] = []
        previous: datetime | None = None

        def at(value: When) -> datetime:
            # the schema gives datetimes; only those without an offset need the zone (inlined
            # below as ``if x.tzinfo is None``: this runs 700,000 times for 10,000 cycles)
            return value.replace(tzinfo=zone) if value.tzinfo is None else value

        for number, it in enumerate(its_in, start=1):
            started_in = it["started"]
            evaluation = it["evaluation"]
            decision = it["decision"]
            notes_in = it["notes"]
            kind_of = decision["kind"] if decision is not None else None
            # what the schema's validators checked once, with their messages
            if notes_in and started_in is None:
                raise _Refused(
                    "monitoring notes need the iteration to be started",
                    ("iterations", number - 1),
                    structural=True,
                )
            if evaluation is not None and started_in is None:
                raise _Refused(
                    "an evaluation needs the iteration to be started first",
                    ("iterations", number - 1),
                    structural=True,
                )
            if decision is not None and evaluation is None:
                raise _Refused(
                    "a decision needs an evaluation first", ("iterations", number - 1), structural=True
                )
            route_to = decision["route_to"] if decision is not None else None
            if route_to and kind_of is not DecisionKind.ROUTE:
                raise _Refused(
                    "route_to belongs to an 'other route' decision only",
                    ("iterations", number - 1),
                    structural=True,
                )
            if number < last_number and kind_of is not DecisionKind.NEXT:
                raise _Refused(
                    f"iteration {number} is followed by another, so it must end in a 'next' decision",
                    structural=True,
                )
            if number == last_number:
                if kind_of is DecisionKind.NEXT:
                    raise _Refused(
                        "the last iteration decided 'next' but no following iteration is given",
                        structural=True,
                    )
                if kind_of is DecisionKind.ROUTE and not route_to:
                    raise _Refused(
                        "an 'other route' decision needs route_to: the key of the new cycle",
                        structural=True,
                    )
                if route_to is not None and route_to == key:
                    raise _Refused(
                        "route_to names the cycle itself; an other route is a new cycle", structural=True
                    )
            # the order of dates
            opened = it["opened"]
            if opened.tzinfo is None:
                opened = at(opened)
            if previous is not None and opened < previous:
                raise _Refused(f"iteration {number} opens before the previous one was decided")
            started = started_in
            if started is not None and started.tzinfo is None:
                started = at(started)
            if started is not None and started < opened:
                raise _Refused(f"iteration {number} starts before it opened")
            for i, n in enumerate(notes_in):
                noted = n["at"]
                if noted.tzinfo is None:
                    noted = at(noted)
                if started is not None and noted < started:
                    raise _Refused(f"iteration {number}, note {i + 1}: dated before the iteration started")
                notes.append(
                    (
                        number,
                        # Unique across cycles, within Note.id's 64 characters whatever the key's
                        # length, sorting in file order among notes of one time (storage orders by
                        # time, id).
                        n["id"] or _note_id(key, number, i),
                        noted,
                        n["author"],
                        n["text"],
                    )
                )
            evaluated = findings = values = outcomes = principles = None
            if evaluation is not None:
                evaluated = evaluation["at"]
                if evaluated.tzinfo is None:
                    evaluated = at(evaluated)
                if started is not None and evaluated < started:
                    raise _Refused(f"iteration {number}: evaluated before it started")
                values = evaluation["value_levels"]
                outcomes = evaluation["outcome_levels"]
                principles = evaluation["principles"]
                checked = self.checked
                if values and ("value_levels", values) not in checked:
                    self.keys("value_levels", values)
                if outcomes and ("outcome_levels", outcomes) not in checked:
                    self.keys("outcome_levels", outcomes)
                if principles and ("principles", principles) not in checked:
                    self.keys("principles", principles)
                findings = evaluation["findings"]
            decided = rationale = None
            if decision is not None:
                decided = decision["at"]
                if decided.tzinfo is None:
                    decided = at(decided)
                if evaluated is not None and decided < evaluated:
                    raise _Refused(f"iteration {number}: decided before it was evaluated")
                rationale = decision["why"]
                previous = decided
            phase = (
                _DECIDED
                if decision is not None
                else _EVALUATE
                if evaluation is not None
                else _RUN
                if started is not None
                else _COLLECT
            )
            collect = it["collect"]
            iterations.append(
                (
                    number,
                    phase,
                    opened,
                    it["due_on"] or due_on(opened, cadence, zone),
                    collect["need"],
                    collect["stakeholders_involved"],
                    collect["stakeholders_needed"],
                    collect["preconditions"],
                    collect["resources"],
                    it["context"],
                    started,
                    evaluated,
                    findings,
                    values,
                    outcomes,
                    principles,
                    None if kind_of is None else _KINDS[kind_of],
                    rationale,
                    decided,
                    route_to,
                )
            )
        first = iterations[0]
        given = c["created"]
        created = at(given) if given is not None else first[2]
        if created > first[2]:
            raise _Refused("created is later than the first iteration opened")
        current = iterations[-1]
        status, ended = Status.ACTIVE, None
        if current[16] is not None:
            status = Status.REROUTED if current[16] == DecisionKind.ROUTE else Status.DROPPED
            ended = current[18]
        phase = current[1]
        due = current[3] if status is Status.ACTIVE and phase in ("collect", "run") else None
        header = (
            key,
            c["name"],
            kind.key,
            kind.scale,
            level.key,
            cadence,
            c["owner"],
            c["owner_email"],
            c["stakeholders"],
            c["description"],
            status.value,
            created,
            ended,
            current[0],
            phase,
            due,
        )
        return Entry(header, iterations, notes)


def _note_id(key: str, number: int, index: int) -> str:
    return f"{index + 1:06d}-{hashlib.sha1(f'{key}/{number}'.encode()).hexdigest()[:24]}"


def add_link(
    links: list[Link],
    derived: dict[tuple[str, str, LinkKind], int],
    seen: set[tuple[str, str, LinkKind]],
    lk: Any,
    created_at: dict[str, datetime],
    community: Community,
) -> None:
    """Add the file's link ``lk`` (checked) to ``links``: a repeat of one added is skipped; one a
    route decision implies (``derived``: its index) is replaced when the file gives its time or
    note, so they are kept."""
    source, target, kind = lk["source"], lk["target"], lk["kind"]
    triple = (source, target, kind)
    if triple in seen:
        return
    seen.add(triple)
    given = lk["created"]
    note = lk["note"]
    created = _at(given, community) if given else created_at[source]
    link = Link(source=source, target=target, kind=kind, created_at=created, note=note)
    if triple in derived:
        if given or note:
            links[derived[triple]] = link
        return
    links.append(link)
