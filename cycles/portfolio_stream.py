"""A JSON portfolio in the export's layout read run by run: the same checks and flat records as
:func:`cycles.portfolio_checks.build`, without holding the whole file's data at once.

:class:`Reader` validates one run of cycles (:mod:`cycles.portfolio_split`) with the same
pydantic types and checks each cycle with the same ``_Checker``; what spans runs (keys used once,
route decisions naming a cycle of the file, the links, the history of cycles not in the file) is
checked by :func:`finish` once every run is read, from the :class:`Meta` of each run.

Nothing here reports a refusal: any failed check raises :class:`Unsupported`, and the caller reads
the file whole with :func:`cycles.portfolio.read_json`, which names the first error exactly as it
always has. A file read this way gives the records ``build`` gives (tested equal).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from operator import itemgetter
from typing import Any

from pydantic import TypeAdapter
from typing_extensions import TypedDict

from cycles import history
from cycles.community import Community
from cycles.model import DecisionKind, Link, LinkKind
from cycles.portfolio_checks import _at, _Checker, _event_row, add_link
from cycles.portfolio_records import EVENT_FIELDS, Entry, cycle_of
from cycles.portfolio_schema import CycleIn, LinkIn, schema
from cycles.portfolio_split import top_keys_unique

_EVENT_ROW = itemgetter(*EVENT_FIELDS)  # an EventIn's flat record (EVENT_FIELDS are its keys)


class Unsupported(Exception):
    """This way of reading gives up; the file is to be read whole, which names any error."""


class _Run(TypedDict):
    cycles: list[CycleIn]


@cache
def _run_schema() -> TypeAdapter[_Run]:
    return TypeAdapter(_Run)


@dataclass
class Part:
    """One run's cycles: where the run starts (the index of its first cycle in the file), its flat
    records, and what the checks across runs need."""

    first: int
    entries: list[Entry] = field(default_factory=list)
    event_rows: list[tuple[Any, ...]] = field(default_factory=list)
    meta: Meta | None = None


@dataclass
class Meta:
    """What :func:`finish` needs of a run: keys and creation times in file order, the route
    decisions (the new line's key, the deciding cycle's key, the decision's time), scales."""

    first: int
    keys: list[str] = field(default_factory=list)
    created: list[datetime] = field(default_factory=list)
    routes: list[tuple[str, str, datetime]] = field(default_factory=list)
    scales: list[str] = field(default_factory=list)


@dataclass
class Whole:
    """What spans the file: its links (route decisions' and given ones, as ``build`` makes them)
    and the history events of cycles it does not hold."""

    links: list[Link]
    other_events: list[tuple[Any, ...]]
    keys: list[str]


class Reader:
    """Reads runs of one file: validation, the checks of each cycle, its flat records."""

    def __init__(self, community: Community, where: str) -> None:
        self.community = community
        self.where = where
        self.checker = _Checker(community)

    def read(self, data: bytes, first: int, count: int) -> Part:
        """The run ``data`` (a ``{"cycles":[...]}`` document of ``count`` cycles, the first
        being the file's cycle number ``first``, counted from 0)."""
        try:
            cycles_in = _run_schema().validate_json(data)["cycles"]
            if len(cycles_in) != count:
                raise Unsupported("a line holds other than one cycle")
            return self._checked(cycles_in, first)
        except Unsupported:
            raise
        except Exception as exc:  # any refusal: the whole file's reading names it
            raise Unsupported(str(exc)) from exc

    def _checked(self, cycles_in: list[CycleIn], first: int) -> Part:
        part = Part(first)
        meta = part.meta = Meta(first)
        entries, event_rows = part.entries, part.event_rows
        keys, created, routes, scales = meta.keys, meta.created, meta.routes, meta.scales
        checker, community, where = self.checker, self.community, self.where
        for c in cycles_in:
            key = c["key"]
            entry = checker.cycle(c)
            entries.append(entry)
            keys.append(key)
            created.append(entry.cycle[11])
            scales.append(entry.cycle[3])
            events = c["events"]
            if events is not None:
                rows = list(map(_EVENT_ROW, events))  # as _event_row makes them
                for row in rows:
                    if row[0] != key:
                        raise Unsupported("an event of another cycle")
                event_rows += rows
            else:
                cycle = cycle_of(entry)
                made = history.record(
                    None,
                    cycle,
                    action="import",
                    actor="import",
                    at=cycle.created_at,
                    summary=where,
                    numbers=[],
                )
                event_rows.append(tuple(getattr(made, f) for f in EVENT_FIELDS))
            last = c["iterations"][-1]["decision"]
            if last is not None and last["kind"] is DecisionKind.ROUTE:
                routes.append((str(last["route_to"]), key, _at(last["at"], community)))
        return part


def finish(rest: bytes, metas: Iterable[Meta], community: Community) -> Whole:
    """The checks across runs and what spans the file, from ``rest`` (the file without its
    cycles) and the runs' :class:`Meta` in file order."""
    ordered = sorted(metas, key=lambda m: m.first)
    keys = [k for m in ordered for k in m.keys]
    known = set(keys)
    if len(known) != len(keys):
        raise Unsupported("a key appears more than once")
    links: list[Link] = []
    for m in ordered:
        for route_to, key, at in m.routes:
            if route_to not in known:
                raise Unsupported("a route to a cycle not in the file")
            links.append(Link(source=route_to, target=key, kind=LinkKind.ROUTE_OF, created_at=at))
    if not top_keys_unique(rest):
        raise Unsupported("a key repeated at the top")
    try:
        raw = schema().validate_json(rest)
        if raw["cycles"]:
            raise Unsupported("cycles outside the lines")
        created_at = {k: c for m in ordered for k, c in zip(m.keys, m.created, strict=True)}
        links = _links(links, raw["links"], known, created_at, community)
        others = []
        for e in raw["events"] or ():
            if e["cycle"] in known:
                raise Unsupported("an event of a cycle in the file outside its list")
            others.append(_event_row(e))
    except Unsupported:
        raise
    except Exception as exc:
        raise Unsupported(str(exc)) from exc
    return Whole(links, others, keys)


def _links(
    links: list[Link],
    given: list[LinkIn],
    known: set[str],
    created_at: dict[str, datetime],
    community: Community,
) -> list[Link]:
    """``build``'s links: a route decision implies its link; one given explicitly as well (a
    lossless export writes them all) replaces the implied one, so its note and time are kept."""
    derived = {(lk.source, lk.target, lk.kind): i for i, lk in enumerate(links)}
    seen: set[tuple[str, str, LinkKind]] = set()
    for lk in given:
        source, target = lk["source"], lk["target"]
        if source not in known or target not in known or source == target:
            raise Unsupported("a link the file does not allow")
        add_link(links, derived, seen, lk, created_at, community)
    return links
