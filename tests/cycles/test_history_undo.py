"""The append-only history as the basis of undo: ``history.revert`` restores what a change touched."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import pytest

from cycles import history, loop
from cycles.community import Community
from cycles.errors import TransitionError
from cycles.model import Change, Cycle, DecisionKind, LinkKind

Walk = Callable[..., Cycle]
LATER = timedelta(hours=5)


def changes(walk: Walk, community: Community, now: datetime) -> dict[str, tuple[Cycle, Change]]:
    """One change of every kind that can be undone, with the cycle it was applied to."""
    collect, run, evaluated = walk("collect"), walk("run"), walk("evaluate")
    other = walk("collect", key="other")
    return {
        "collect": (collect, loop.record_collect(collect, now=now, actor="bo", need="new need")),
        "start": (collect, loop.start_run(collect, now=now, actor="bo", context="Helmond")),
        "note": (run, loop.add_note(run, now=now, actor="bo", text="more")),
        "evaluate": (run, loop.evaluate(run, community, now=now, actor="bo", findings="ok")),
        "edit": (run, loop.edit(run, community, now=now, actor="bo", cadence_days=30, owner="Bo")),
        "decide-next": (
            evaluated,
            loop.decide(evaluated, community, kind=DecisionKind.NEXT, why="w", now=now, actor="bo"),
        ),
        "decide-drop": (
            evaluated,
            loop.decide(evaluated, community, kind=DecisionKind.DROP, why="w", now=now, actor="bo"),
        ),
        "decide-route": (
            evaluated,
            loop.decide(evaluated, community, kind=DecisionKind.ROUTE, why="w", now=now, actor="bo"),
        ),
        "link": (run, loop.link(run, other, LinkKind.RELATED, now=now, actor="bo")),
    }


@pytest.mark.parametrize(
    "action",
    ["collect", "start", "note", "evaluate", "edit", "decide-next", "decide-drop", "decide-route", "link"],
)
def test_undo_restores_the_cycle_as_it_was_before_the_change(
    walk: Walk, community: Community, clock: Callable[[], datetime], action: str
) -> None:
    before, change = changes(walk, community, clock() + LATER)[action]
    event = change.events[0]
    assert event.action == action
    undo = history.revert(change.cycle, event, actor="cy", at=clock() + 2 * LATER)
    assert undo.cycle == before
    [undo_event] = undo.events
    assert (undo_event.action, undo_event.actor, undo_event.at) == ("undo", "cy", clock() + 2 * LATER)
    assert undo_event.summary.startswith(f"undo {action}")
    assert (undo_event.before, undo_event.after) == (event.after, event.before)


def test_undo_of_a_next_step_removes_the_iteration_it_opened(
    walk: Walk, community: Community, clock: Callable[[], datetime]
) -> None:
    _, change = changes(walk, community, clock())["decide-next"]
    undo = history.revert(change.cycle, change.events[0], actor="cy", at=clock())
    assert undo.removed == [2]
    assert undo.touched == [1]
    assert [it.number for it in undo.cycle.iterations] == [1]
    assert undo.cycle.current.decision is None


def test_undo_of_an_other_route_deletes_the_cycle_it_opened(
    walk: Walk, community: Community, clock: Callable[[], datetime]
) -> None:
    _, change = changes(walk, community, clock())["decide-route"]
    undo = history.revert(change.cycle, change.events[0], actor="cy", at=clock())
    assert undo.deleted == ["nano-route"]
    assert undo.cycle.active
    assert undo.cycle.ended_at is None


def test_undo_of_a_link_removes_the_link(
    walk: Walk, community: Community, clock: Callable[[], datetime]
) -> None:
    before, change = changes(walk, community, clock())["link"]
    undo = history.revert(change.cycle, change.events[0], actor="cy", at=clock())
    assert undo.unlinks == change.links
    assert undo.cycle == before


def test_creation_cannot_be_undone(community: Community, clock: Callable[[], datetime]) -> None:
    change = loop.new_cycle(community, key="a", name="A", activity_type="event", now=clock(), actor="x")
    with pytest.raises(TransitionError, match="'create' created the cycle and cannot be undone"):
        history.revert(change.cycle, change.events[0], actor="x", at=clock())


def test_an_older_change_cannot_be_undone_before_the_later_ones(
    walk: Walk, community: Community, clock: Callable[[], datetime]
) -> None:
    cycle = walk("run")
    first = loop.add_note(cycle, now=clock(), actor="a", text="first")
    second = loop.add_note(first.cycle, now=clock() + LATER, actor="a", text="second")
    with pytest.raises(
        TransitionError, match="'note' is not the latest change of this cycle; undo the later"
    ):
        history.revert(second.cycle, first.events[0], actor="a", at=clock())
    back = history.revert(second.cycle, second.events[0], actor="a", at=clock()).cycle
    assert back == first.cycle
    assert history.revert(back, first.events[0], actor="a", at=clock()).cycle == cycle


def test_snapshot_holds_the_header_and_only_the_named_iterations(walk: Walk) -> None:
    cycle = walk("next")
    snap = history.snapshot(cycle, [2, 7])
    assert set(snap["iterations"]) == {"2"}
    assert snap["cycle"]["key"] == "nano"
    assert "iterations" not in snap["cycle"] and "version" not in snap["cycle"]
