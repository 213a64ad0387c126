"""The portfolio file format (YAML or JSON): validated whole before anything is written.

A portfolio lists cycles with their iteration histories and the links between them. Phases and
statuses are not written in the file: they follow from what each iteration records (started,
evaluated, decided). See the README's "Import format" section.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Callable
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError, model_validator

from cycles import history
from cycles.cadence import due_on
from cycles.community import Community
from cycles.errors import CyclesError, ImportFileError
from cycles.model import (
    Collect,
    Cycle,
    Decision,
    DecisionKind,
    Evaluation,
    Event,
    Iteration,
    Link,
    LinkKind,
    Note,
    Phase,
    Status,
)

MAX_BYTES = 200 * 1024 * 1024  # a lossless export of 10,000 cycles is about 60 MB

When = datetime | date


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class NoteIn(_In):
    id: str | None = None
    at: When
    text: str = Field(min_length=1)
    author: str = ""


class EvaluationIn(_In):
    at: When
    findings: str = ""
    value_levels: list[str] = []
    outcome_levels: list[str] = []
    principles: list[str] = []


class DecisionIn(_In):
    at: When
    kind: DecisionKind
    why: str = Field(min_length=1)
    route_to: str | None = None


class EventIn(_In):
    """One history event of a lossless export, kept as written."""

    cycle: str = Field(min_length=1, max_length=80)
    at: AwareDatetime
    actor: str = Field(default="", max_length=120)
    action: str = Field(min_length=1, max_length=32)
    summary: str = ""
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None


class IterationIn(_In):
    opened: When
    collect: Collect = Collect()
    started: When | None = None
    context: str = ""
    notes: list[NoteIn] = []
    evaluation: EvaluationIn | None = None
    decision: DecisionIn | None = None
    due_on: date | None = None  # normally derived from opened + cadence

    @model_validator(mode="after")
    def _in_order(self) -> IterationIn:
        if self.notes and self.started is None:
            raise ValueError("monitoring notes need the iteration to be started")
        if self.evaluation is not None and self.started is None:
            raise ValueError("an evaluation needs the iteration to be started first")
        if self.decision is not None and self.evaluation is None:
            raise ValueError("a decision needs an evaluation first")
        if (
            self.decision is not None
            and self.decision.route_to
            and self.decision.kind is not DecisionKind.ROUTE
        ):
            raise ValueError("route_to belongs to an 'other route' decision only")
        return self


class CycleIn(_In):
    key: str = Field(pattern=r"^[a-z0-9][a-z0-9_.-]*$", max_length=80)
    name: str = Field(min_length=1, max_length=200)
    type: str
    level: str | None = None
    cadence_days: int | None = Field(default=None, gt=0, le=3650)
    owner: str = ""
    owner_email: str = ""
    stakeholders: list[str] = []
    description: str = ""
    created: When | None = None
    iterations: list[IterationIn] = Field(min_length=1)
    events: list[EventIn] | None = None  # a lossless export's history, kept as written

    @model_validator(mode="after")
    def _only_last_open(self) -> CycleIn:
        for i, it in enumerate(self.iterations[:-1]):
            if it.decision is None or it.decision.kind is not DecisionKind.NEXT:
                raise ValueError(
                    f"iteration {i + 1} is followed by another, so it must end in a 'next' decision"
                )
        last = self.iterations[-1].decision
        if last is not None and last.kind is DecisionKind.NEXT:
            raise ValueError("the last iteration decided 'next' but no following iteration is given")
        if last is not None and last.kind is DecisionKind.ROUTE and not last.route_to:
            raise ValueError("an 'other route' decision needs route_to: the key of the new cycle")
        if last is not None and last.route_to == self.key:
            raise ValueError("route_to names the cycle itself; an other route is a new cycle")
        return self


class LinkIn(_In):
    source: str
    target: str
    kind: LinkKind
    note: str = ""
    created: When | None = None


class PortfolioIn(_In):
    version: Literal[1] = 1
    community: str | None = None
    cycles: list[CycleIn] = []
    links: list[LinkIn] = []
    events: list[EventIn] | None = None  # history of cycles no longer stored (a route undone)


class Portfolio(BaseModel):
    """A validated portfolio, as domain records ready to store."""

    cycles: list[Cycle]
    links: list[Link]
    events: list[Event]


# -- reading files ------------------------------------------------------------------------------


class _NoAliasLoader(yaml.SafeLoader):
    """Safe loading without anchors and aliases: they serve no purpose in a portfolio and are
    the vehicle of alias bombs."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(None, None, "aliases (*name) are not allowed", event.start_mark)
        return super().compose_node(parent, index)


def _yaml_tree(text: str) -> tuple[Any, Any]:
    loader = _NoAliasLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    finally:
        loader.dispose()
    return data, node


def _line_of(node: Any, loc: tuple[int | str, ...]) -> int | None:
    """The 1-based line of the YAML node at a validation error's location."""
    line = None
    for part in loc:
        if node is None:
            break
        line = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            node = next((v for k, v in node.value if k.value == part), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            node = node.value[part] if part < len(node.value) else None
        else:
            node = None
    if node is not None:
        line = node.start_mark.line + 1
    return line


def read(path: Path, community: Community) -> Portfolio:
    """Read, parse and validate a YAML or JSON portfolio; ImportFileError names file, place, reason."""
    where = str(path)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise ImportFileError(f"{where}: file is {size} bytes; the limit is {MAX_BYTES}")
        text = path.read_text("utf-8")
    except OSError as exc:
        raise ImportFileError(f"{where}: cannot read: {exc.strerror}") from exc
    except UnicodeDecodeError as exc:
        raise ImportFileError(f"{where}: not UTF-8 text (byte {exc.start})") from exc
    node = None
    try:
        if path.suffix.lower() == ".json":
            data = json.loads(text)
        else:
            data, node = _yaml_tree(text)
    except json.JSONDecodeError as exc:
        raise ImportFileError(f"{where}:{exc.lineno}: not valid JSON: {exc.msg}") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        place = f":{mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ImportFileError(f"{where}{place}: not valid YAML: {problem}") from exc
    return parse(data, community, where=where, node=node)


Loc = tuple[int | str, ...]
Locate = Callable[[Loc], str | None]


def _placer(node: Any, locate: Locate | None) -> Callable[[Loc], str]:
    """How an error names its place: ``:line`` in YAML, or what ``locate`` says (a CSV row and
    column), or nothing (JSON, whose path follows in the message)."""

    def place(loc: Loc) -> str:
        if locate is not None:
            found = locate(loc)
            return f": {found}" if found else ""
        line = _line_of(node, loc) if node is not None else None
        return f":{line}" if line else ""

    return place


def parse(
    data: Any,
    community: Community,
    *,
    where: str = "<data>",
    node: Any = None,
    locate: Locate | None = None,
) -> Portfolio:
    """Validate a parsed portfolio; ``node`` (YAML) or ``locate`` turn a path into a place."""
    if not isinstance(data, dict):
        raise ImportFileError(f"{where}: expected a mapping with 'cycles' at the top")
    place = _placer(node, locate)
    try:
        raw = PortfolioIn.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = tuple(err["loc"])
        path = ".".join(str(p) for p in loc) or "(top)"
        more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
        raise ImportFileError(f"{where}{place(loc)}: {path}: {err['msg']}{more}") from exc
    return _build(raw, community, where, place)


# -- building domain records --------------------------------------------------------------------


def _at(value: When, community: Community) -> datetime:
    """A file's date means the start of that day, a naive time is local, in the community's zone."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            return value.replace(tzinfo=community.zone)
        return value
    return datetime.combine(value, time(0), tzinfo=community.zone)


def _build(raw: PortfolioIn, community: Community, where: str, place: Callable[[Loc], str]) -> Portfolio:
    keys = [c.key for c in raw.cycles]
    known = set(keys)
    repeated = {k for k, n in Counter(keys).items() if n > 1}
    cycles: list[Cycle] = []
    events: list[Event] = []
    links: list[Link] = []
    for index, c in enumerate(raw.cycles):
        loc: tuple[int | str, ...] = ("cycles", index)
        try:
            if c.key in repeated:
                raise ImportFileError(f"key {c.key!r} appears more than once")
            cycle = _cycle(c, community)
        except (CyclesError, ValidationError, ValueError) as exc:
            msg = exc.errors()[0]["msg"] if isinstance(exc, ValidationError) else str(exc)
            raise ImportFileError(f"{where}{place(loc)}: cycles.{index} ({c.key}): {msg}") from exc
        cycles.append(cycle)
        if c.events is not None:
            for j, e in enumerate(c.events):
                if e.cycle != c.key:
                    raise ImportFileError(
                        f"{where}{place((*loc, 'events', j))}: cycles.{index}.events.{j}: the event "
                        f"belongs to cycle {e.cycle!r}, not {c.key!r}"
                    )
            events.extend(_event(e) for e in c.events)
        else:
            events.append(
                history.record(
                    None,
                    cycle,
                    action="import",
                    actor="import",
                    at=cycle.created_at,
                    summary=where,
                    numbers=[],
                )
            )
        last = c.iterations[-1].decision
        if last is not None and last.kind is DecisionKind.ROUTE:
            if last.route_to not in known:
                raise ImportFileError(
                    f"{where}{place(loc)}: cycles.{index} ({c.key}): route_to "
                    f"{last.route_to!r} is not a cycle in this file"
                )
            links.append(
                Link(
                    source=str(last.route_to),
                    target=c.key,
                    kind=LinkKind.ROUTE_OF,
                    created_at=_at(last.at, community),
                )
            )
    # A route decision implies its link; a link given explicitly as well (a lossless export
    # writes them all) replaces the implied one, so its note and time are kept.
    derived = {(lk.source, lk.target, lk.kind): i for i, lk in enumerate(links)}
    seen: set[tuple[str, str, LinkKind]] = set()
    created_at = {c.key: c.created_at for c in cycles}
    for index, lk in enumerate(raw.links):
        for side, end in (("source", lk.source), ("target", lk.target)):
            if end not in known:
                raise ImportFileError(
                    f"{where}{place(('links', index, side))}: links.{index}: no cycle {end!r} in this file"
                )
        if lk.source == lk.target:
            raise ImportFileError(
                f"{where}{place(('links', index))}: links.{index}: a cycle cannot be linked to itself"
            )
        triple = (lk.source, lk.target, lk.kind)
        if triple in seen:
            continue
        seen.add(triple)
        created = _at(lk.created, community) if lk.created else created_at[lk.source]
        link = Link(source=lk.source, target=lk.target, kind=lk.kind, created_at=created, note=lk.note)
        if triple in derived:
            if lk.created or lk.note:
                links[derived[triple]] = link
            continue
        links.append(link)
    for j, e in enumerate(raw.events or []):
        if e.cycle in known:
            raise ImportFileError(
                f"{where}{place(('events', j))}: events.{j}: cycle {e.cycle!r} is in this file; "
                "its events belong in its own 'events' list"
            )
        events.append(_event(e))
    return Portfolio(cycles=cycles, links=links, events=events)


def _event(e: EventIn) -> Event:
    # EventIn has validated every field as Event would: build it without validating again
    # (a lossless export of 10,000 cycles holds about 100,000 events).
    return Event.model_construct(
        cycle=e.cycle,
        at=e.at,
        actor=e.actor,
        action=e.action,
        summary=e.summary,
        before=e.before,
        after=e.after,
    )


def _cycle(c: CycleIn, community: Community) -> Cycle:
    kind = community.activity_type(c.type)
    level = community.level(kind.scale, c.level or kind.level)
    cadence = c.cadence_days or level.cadence
    iterations: list[Iteration] = []
    previous: datetime | None = None
    for number, it in enumerate(c.iterations, start=1):
        opened = _at(it.opened, community)
        if previous is not None and opened < previous:
            raise ImportFileError(f"iteration {number} opens before the previous one was decided")
        started = _at(it.started, community) if it.started is not None else None
        if started is not None and started < opened:
            raise ImportFileError(f"iteration {number} starts before it opened")
        _check_order(number, it, started, community)
        evaluation = None
        if it.evaluation is not None:
            community.check_keys("value_levels", it.evaluation.value_levels)
            community.check_keys("outcome_levels", it.evaluation.outcome_levels)
            community.check_keys("principles", it.evaluation.principles)
            evaluation = Evaluation(
                at=_at(it.evaluation.at, community),
                **it.evaluation.model_dump(exclude={"at"}),
            )
        decision = None
        if it.decision is not None:
            decision = Decision(
                kind=it.decision.kind,
                rationale=it.decision.why,
                at=_at(it.decision.at, community),
                route_to=it.decision.route_to,
            )
            previous = decision.at
        phase = (
            Phase.DECIDED
            if decision
            else Phase.EVALUATE
            if evaluation
            else Phase.RUN
            if started
            else Phase.COLLECT
        )
        notes = [
            Note(
                # Unique across cycles, within Note.id's 64 characters whatever the key's length,
                # and sorting in file order among notes of one time (storage orders by time, id).
                id=n.id or f"{i + 1:06d}-{hashlib.sha1(f'{c.key}/{number}'.encode()).hexdigest()[:24]}",
                at=_at(n.at, community),
                author=n.author,
                text=n.text,
            )
            for i, n in enumerate(it.notes)
        ]
        iterations.append(
            Iteration(
                number=number,
                phase=phase,
                opened_at=opened,
                due_on=it.due_on or due_on(opened, cadence, community.zone),
                collect=it.collect,
                context=it.context,
                started_at=started,
                notes=notes,
                evaluation=evaluation,
                decision=decision,
            )
        )
    created = _at(c.created, community) if c.created else iterations[0].opened_at
    if created > iterations[0].opened_at:
        raise ImportFileError("created is later than the first iteration opened")
    last = iterations[-1].decision
    status = Status.ACTIVE
    ended = None
    if last is not None:
        status = Status.REROUTED if last.kind is DecisionKind.ROUTE else Status.DROPPED
        ended = last.at
    return Cycle(
        key=c.key,
        name=c.name,
        activity_type=kind.key,
        scale=kind.scale,
        level=level.key,
        cadence_days=cadence,
        owner=c.owner,
        owner_email=c.owner_email,
        stakeholders=c.stakeholders,
        description=c.description,
        status=status,
        created_at=created,
        ended_at=ended,
        iterations=iterations,
    )


def _check_order(number: int, it: IterationIn, started: datetime | None, community: Community) -> None:
    """Within an iteration: notes and the evaluation after the start, the decision after both."""
    evaluated = _at(it.evaluation.at, community) if it.evaluation is not None else None
    for i, note in enumerate(it.notes):
        at = _at(note.at, community)
        if started is not None and at < started:
            raise ImportFileError(f"iteration {number}, note {i + 1}: dated before the iteration started")
    if evaluated is not None and started is not None and evaluated < started:
        raise ImportFileError(f"iteration {number}: evaluated before it started")
    if it.decision is not None and evaluated is not None and _at(it.decision.at, community) < evaluated:
        raise ImportFileError(f"iteration {number}: decided before it was evaluated")
