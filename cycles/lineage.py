"""A cycle's line of development: every ancestor and descendant by other route and spawn.

An "other route" decision ends a line and opens a new cycle linked to it (``route_of``); a cycle
can also be spawned from another (``spawned_from``). Followed both ways, these links make a tree
with one root: the line a funder or a colleague wants to see at once, each step with the decision
(or the link) that made it, its date and its rationale.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from cycles.model import Cycle, DecisionKind, Link, LinkKind

LINE_KINDS = (LinkKind.ROUTE_OF, LinkKind.SPAWNED_FROM)


@dataclass(frozen=True)
class LineStep:
    """One cycle of a line, ``depth`` steps below the root. ``relation``, ``at`` and ``why`` say how
    it came from the step above (None for the root): the other-route decision with its date and
    rationale, or the spawn link with its date and note."""

    cycle: Cycle
    depth: int
    relation: LinkKind | None = None
    at: datetime | None = None
    why: str = ""


def line(key: str, links: Iterable[Link], cycles: Mapping[str, Cycle]) -> list[LineStep]:
    """The line of development through ``key``, root first, each cycle's descendants below it in
    the order they were made. ``links`` are the line's links (others are ignored); ``cycles``
    holds every cycle they name. A cycle alone is a line of one step."""
    edges = [lk for lk in links if lk.kind in LINE_KINDS and lk.source in cycles and lk.target in cycles]
    parent = {lk.source: lk for lk in sorted(edges, key=lambda lk: lk.created_at)}
    root, seen = key, {key}
    while root in parent and parent[root].target not in seen:  # a loop in bad data ends the climb
        root = parent[root].target
        seen.add(root)
    children: dict[str, list[Link]] = {}
    for lk in sorted(edges, key=lambda lk: (lk.created_at, lk.source)):
        children.setdefault(lk.target, []).append(lk)
    steps: list[LineStep] = []
    placed: set[str] = set()
    stack: list[tuple[str, int, Link | None]] = [(root, 0, None)]
    while stack:
        current, depth, via = stack.pop()
        if current in placed:
            continue
        placed.add(current)
        steps.append(_step(cycles[current], depth, via, cycles))
        for lk in reversed(children.get(current, [])):
            stack.append((lk.source, depth + 1, lk))
    return steps


def _step(cycle: Cycle, depth: int, via: Link | None, cycles: Mapping[str, Cycle]) -> LineStep:
    if via is None:
        return LineStep(cycle, depth)
    if via.kind is LinkKind.ROUTE_OF:
        for it in cycles[via.target].iterations:
            d = it.decision
            if d is not None and d.kind is DecisionKind.ROUTE and d.route_to == cycle.key:
                return LineStep(cycle, depth, via.kind, d.at, d.rationale)
    return LineStep(cycle, depth, via.kind, via.created_at, via.note)
