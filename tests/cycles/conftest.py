"""Builders for the domain tests: a cycle walked to any state of the iterate loop."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import pytest

from cycles import loop
from cycles.community import Community
from cycles.model import Cycle, DecisionKind

STATES = ("collect", "run", "evaluate", "next", "dropped", "rerouted")

Walk = Callable[..., Cycle]


def walk_to(community: Community, now: datetime, state: str, *, key: str = "nano") -> Cycle:
    """A new nanomodule cycle walked through the loop to ``state`` (one of STATES).

    Each step happens an hour after the one before, so every record has its own time.
    """
    step = iter(now + timedelta(hours=h) for h in range(100))
    cycle = loop.new_cycle(
        community,
        key=key,
        name="Nanomodule AI for directors",
        activity_type="nanomodule",
        now=next(step),
        actor="ann",
        owner="Ann",
        stakeholders=["Smart Makers Academy"],
    ).cycle
    if state == "collect":
        return cycle
    cycle = loop.record_collect(cycle, now=next(step), actor="ann", need="directors ask about AI").cycle
    cycle = loop.start_run(cycle, now=next(step), actor="ann", context="SMA, Eindhoven").cycle
    cycle = loop.add_note(cycle, now=next(step), actor="ann", text="12 directors came").cycle
    if state == "run":
        return cycle
    cycle = loop.evaluate(
        cycle,
        community,
        now=next(step),
        actor="ann",
        findings="they want a follow-up",
        value_levels=["immediate"],
        outcome_levels=["micro"],
        principles=["above-all-do"],
    ).cycle
    if state == "evaluate":
        return cycle
    kind = {"next": DecisionKind.NEXT, "dropped": DecisionKind.DROP, "rerouted": DecisionKind.ROUTE}[state]
    return loop.decide(
        cycle, community, kind=kind, why="because the evaluation says so", now=next(step), actor="ann"
    ).cycle


@pytest.fixture
def walk(community: Community, clock: Callable[[], datetime]) -> Walk:
    def build(state: str, key: str = "nano") -> Cycle:
        return walk_to(community, clock(), state, key=key)

    return build
