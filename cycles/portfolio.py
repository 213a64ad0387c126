"""The portfolio file format (YAML or JSON): validated whole before anything is written.

A portfolio lists cycles with their iteration histories and the links between them. Phases and
statuses are not written in the file: they follow from what each iteration records (started,
evaluated, decided). See the README's "Import format" section.

A file is checked in two steps. Its shape (fields, types, lengths, patterns) is validated in one
pydantic call over the whole document, from the raw bytes for JSON (pydantic-core parses and
validates without building an intermediate tree). Then one pass over the validated data checks
what a schema cannot (the order of dates, the community's keys, links between cycles) and turns
each cycle into flat records (:data:`CYCLE_FIELDS`, :data:`ITERATION_FIELDS`, :data:`NOTE_FIELDS`,
:data:`EVENT_FIELDS`) that storage writes as they are. Domain records (:class:`Cycle`,
:class:`Event`) are built from those only when asked for.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Callable, Iterable
from datetime import date, datetime, time
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Literal, NamedTuple

import yaml
from pydantic import AwareDatetime, ConfigDict, Field, TypeAdapter, ValidationError, with_config
from typing_extensions import TypedDict  # pydantic needs this one, not typing's, before 3.12

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

MAX_BYTES = 200 * 1024 * 1024  # a lossless export of 10,000 cycles is about 115 MB

# A date, or a date and time; a date means the start of that day and a time without offset is
# local, in the community's zone (see ``_at``). pydantic's datetime accepts dates and date texts
# as midnight, which is what a date means here.
When = datetime
Text = Annotated[str, Field(min_length=1)]
Texts = tuple[str, ...]  # a list in the file; a tuple is hashable, so storage encodes each list once

_FORBID = ConfigDict(extra="forbid")


# -- the file's shape ---------------------------------------------------------------------------
# TypedDicts rather than models: validated into plain dicts, about a third faster for 100,000
# iterations, with every optional field filled with its default (in pydantic-core, not Python).

_EMPTY_COLLECT = {
    "need": "",
    "stakeholders_involved": (),
    "stakeholders_needed": (),
    "preconditions": "",
    "resources": "",
}


def _or(default: Any) -> Any:
    """An optional field: ``default`` when the file leaves it out."""
    return Field(default=default)


@with_config(_FORBID)
class NoteIn(TypedDict):
    id: Annotated[Annotated[str, Field(max_length=64)] | None, _or(None)]
    at: When
    text: Text
    author: Annotated[str, _or("")]


@with_config(_FORBID)
class EvaluationIn(TypedDict):
    at: When
    findings: Annotated[str, _or("")]
    value_levels: Annotated[Texts, _or(())]
    outcome_levels: Annotated[Texts, _or(())]
    principles: Annotated[Texts, _or(())]


@with_config(_FORBID)
class DecisionIn(TypedDict):
    at: When
    kind: DecisionKind
    why: Text
    route_to: Annotated[str | None, _or(None)]


@with_config(_FORBID)
class EventIn(TypedDict):
    """One history event of a lossless export, kept as written."""

    cycle: Annotated[str, Field(min_length=1, max_length=80)]
    at: AwareDatetime
    actor: Annotated[str, Field(default="", max_length=120)]
    action: Annotated[str, Field(min_length=1, max_length=32)]
    summary: Annotated[str, _or("")]
    before: Annotated[dict[str, Any] | None, _or(None)]
    after: Annotated[dict[str, Any] | None, _or(None)]


@with_config(_FORBID)
class CollectIn(TypedDict):
    need: Annotated[str, _or("")]
    stakeholders_involved: Annotated[Texts, _or(())]
    stakeholders_needed: Annotated[Texts, _or(())]
    preconditions: Annotated[str, _or("")]
    resources: Annotated[str, _or("")]


@with_config(_FORBID)
class IterationIn(TypedDict):
    opened: When
    collect: Annotated[CollectIn, _or(_EMPTY_COLLECT)]
    started: Annotated[When | None, _or(None)]
    context: Annotated[str, _or("")]
    notes: Annotated[list[NoteIn], _or(())]
    evaluation: Annotated[EvaluationIn | None, _or(None)]
    decision: Annotated[DecisionIn | None, _or(None)]
    due_on: Annotated[date | None, _or(None)]  # normally derived from opened + cadence


@with_config(_FORBID)
class CycleIn(TypedDict):
    key: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_.-]*$", max_length=80)]
    name: Annotated[str, Field(min_length=1, max_length=200)]
    type: str
    level: Annotated[str | None, _or(None)]
    cadence_days: Annotated[Annotated[int, Field(gt=0, le=3650)] | None, _or(None)]
    owner: Annotated[str, _or("")]
    owner_email: Annotated[str, _or("")]
    stakeholders: Annotated[Texts, _or(())]
    description: Annotated[str, _or("")]
    created: Annotated[When | None, _or(None)]
    iterations: Annotated[list[IterationIn], Field(min_length=1)]
    # a lossless export's history, kept as written
    events: Annotated[list[EventIn] | None, _or(None)]


@with_config(_FORBID)
class LinkIn(TypedDict):
    source: str
    target: str
    kind: LinkKind
    note: Annotated[str, _or("")]
    created: Annotated[When | None, _or(None)]


@with_config(_FORBID)
class PortfolioIn(TypedDict):
    version: Annotated[Literal[1], _or(1)]
    community: Annotated[str | None, _or(None)]
    cycles: Annotated[list[CycleIn], _or(())]
    links: Annotated[list[LinkIn], _or(())]
    # history of cycles no longer stored (a route undone)
    events: Annotated[list[EventIn] | None, _or(None)]


@cache
def _schema() -> TypeAdapter[PortfolioIn]:
    """The validator of a whole file, built on first use (building it takes a moment)."""
    return TypeAdapter(PortfolioIn)


# -- what a validated file becomes ----------------------------------------------------------------

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
            self._cycles = [_domain(e) for e in self._entries]
        return self._cycles

    @property
    def events(self) -> list[Event]:
        if self._events is None:
            self._events = [Event(**dict(zip(EVENT_FIELDS, e, strict=True))) for e in self._event_rows]
        return self._events

    @property
    def entries(self) -> list[Entry]:
        """The cycles as flat records (made again from the domain records once those are built)."""
        return self._entries if self._cycles is None else [_entry(c) for c in self._cycles]

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


def _read_bytes(path: Path, *, text: bool = True) -> bytes:
    """The file's bytes; with ``text``, checked to be UTF-8 (JSON is checked as it is parsed)."""
    where = str(path)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise ImportFileError(f"{where}: file is {size} bytes; the limit is {MAX_BYTES}")
        raw = path.read_bytes()
        if text:
            raw.decode("utf-8")
    except OSError as exc:
        raise ImportFileError(f"{where}: cannot read: {exc.strerror}") from exc
    except UnicodeDecodeError as exc:
        raise ImportFileError(f"{where}: not UTF-8 text (byte {exc.start})") from exc
    return raw


def read(path: Path, community: Community) -> Portfolio:
    """Read, parse and validate a YAML or JSON portfolio; ImportFileError names file, place, reason."""
    if path.suffix.lower() == ".json":
        return parse_json(_read_bytes(path, text=False), community, where=str(path), columns=False)
    raw = _read_bytes(path)
    where = str(path)
    try:
        data, node = _yaml_tree(raw.decode("utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        place = f":{mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ImportFileError(f"{where}{place}: not valid YAML: {problem}") from exc
    return parse(data, community, where=where, node=node)


def read_json(path: Path, community: Community) -> Portfolio:
    """Read and validate a JSON portfolio (a lossless export or hand-written); errors give the
    JSON path, and the line and column of a syntax error."""
    return parse_json(_read_bytes(path, text=False), community, where=str(path))


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


def _refusal(exc: ValidationError, where: str, place: Callable[[Loc], str]) -> ImportFileError:
    err = exc.errors(include_url=False, include_context=False, include_input=False)[0]
    loc = tuple(err["loc"])
    if not loc and err["type"] in ("dict_type", "model_type"):
        return ImportFileError(f"{where}: expected a mapping with 'cycles' at the top")
    path = ".".join(str(p) for p in loc) or "(top)"
    more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
    return ImportFileError(f"{where}{place(loc)}: {path}: {err['msg']}{more}")


def parse_json(raw: bytes, community: Community, *, where: str = "<data>", columns: bool = True) -> Portfolio:
    """Validate a JSON portfolio from its bytes in one pass of pydantic-core; a syntax error
    names the line (and, with ``columns``, the column) as the json module reports it."""
    place = _placer(None, None)
    try:
        data = _schema().validate_json(raw)
    except ValidationError as exc:
        if exc.errors()[0]["type"] == "json_invalid":
            raise _syntax_error(raw, where, columns) from exc
        raise _refusal(exc, where, place) from exc
    return _build(data, community, where, place)


def _syntax_error(raw: bytes, where: str, columns: bool) -> ImportFileError:
    """The json module's account of a file pydantic-core could not parse (only on this path,
    so the message is the familiar one, with line and column), or the first byte that is not
    UTF-8."""
    try:
        json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        return ImportFileError(f"{where}: not UTF-8 text (byte {exc.start})")
    except json.JSONDecodeError as exc:
        place = f"{exc.lineno}:{exc.colno}" if columns else f"{exc.lineno}"
        return ImportFileError(f"{where}:{place}: not valid JSON: {exc.msg}")
    except RecursionError:
        return ImportFileError(f"{where}: not valid JSON: nested too deeply")
    return ImportFileError(f"{where}: not valid JSON")


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
        valid = _schema().validate_python(data)
    except ValidationError as exc:
        raise _refusal(exc, where, place) from exc
    return _build(valid, community, where, place)


# -- checking and flattening --------------------------------------------------------------------

_MIDNIGHT = time(0)
# enumeration values as plain text (``Enum.value`` is a slow property, read 100,000 times here)
_DECIDED, _EVALUATE, _RUN, _COLLECT = (
    p.value for p in (Phase.DECIDED, Phase.EVALUATE, Phase.RUN, Phase.COLLECT)
)
_KINDS = {kind: kind.value for kind in DecisionKind}


class _Refused(Exception):
    """A check failed in ``_build``: ``loc`` is the place, ``structural`` marks the checks that
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


def _build(raw: PortfolioIn, community: Community, where: str, place: Callable[[Loc], str]) -> Portfolio:
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
            cycle = _domain(entry)
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
        source, target, kind = lk["source"], lk["target"], lk["kind"]
        for side, end in (("source", source), ("target", target)):
            if end not in known:
                raise ImportFileError(
                    f"{where}{place(('links', index, side))}: links.{index}: no cycle {end!r} in this file"
                )
        if source == target:
            raise ImportFileError(
                f"{where}{place(('links', index))}: links.{index}: a cycle cannot be linked to itself"
            )
        triple = (source, target, kind)
        if triple in seen:
            continue
        seen.add(triple)
        given = lk["created"]
        note = lk["note"]
        created = _at(given, community) if given else created_at[source]
        link = Link(source=source, target=target, kind=kind, created_at=created, note=note)
        if triple in derived:
            if given or note:
                links[derived[triple]] = link
            continue
        links.append(link)
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


# -- flat records and domain records ------------------------------------------------------------


def _entry(cycle: Cycle) -> Entry:
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


def _domain(entry: Entry) -> Cycle:
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
