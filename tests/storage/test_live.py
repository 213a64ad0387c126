"""A colleague's change is noticed without reading any table, and read from the event log: on a
SQLite file and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from cycles.community import Community
from storage.units.store import Store
from storage.workspace import Workspace
from tests.conftest import FrozenClock


@pytest.fixture
def pair(db_url: str, community: Community, clock: FrozenClock) -> Iterator[tuple[Workspace, Workspace]]:
    mine, theirs = Store.open(db_url), Store.open(db_url)
    me = Workspace(mine, community, actor="me", clock=clock)
    me.create(name="Open Coffee", activity_type="event", key="coffee")
    yield me, Workspace(theirs, community, actor="Femke", clock=clock)
    mine.close()
    theirs.close()


def test_a_colleagues_commit_is_noticed_and_read_from_the_event_log(
    pair: tuple[Workspace, Workspace],
) -> None:
    me, femke = pair
    seen: set[int] = set()
    marker = me.marker(seen)
    watch = me.watch()
    try:
        assert watch.supported
        assert not watch.wait(0.01)  # nothing happened
        femke.edit("coffee", description="Twelve came")
        femke.create(name="Tasting", activity_type="event", key="tasting")
        assert watch.wait(5)  # noticed, well within the wait
        changes = me.changes_since(marker, seen)
        assert [(n.cycle, n.actor, n.action) for n in changes.notes] == [
            ("coffee", "Femke", "edit"),
            ("tasting", "Femke", "create"),
        ]
        assert {s.key: s.version for s in changes.summaries} == {"coffee": 2, "tasting": 1}
        assert not changes.gone and not changes.everything
        again = me.changes_since(changes.marker, seen)
        assert again.notes == [] and again.summaries == []  # nothing reported twice
    finally:
        watch.close()
    assert not watch.wait(5)  # a closed watch ends its wait at once


def test_many_changes_ask_for_a_whole_read(pair: tuple[Workspace, Workspace]) -> None:
    me, femke = pair
    seen: set[int] = set()
    marker = me.marker(seen)
    for i in range(4):
        femke.create(name=f"Event {i}", activity_type="event", key=f"event-{i}")
    changes = me.changes_since(marker, seen, most=3)
    assert changes.everything and changes.marker > marker
    assert me.changes_since(changes.marker, seen).notes == []


def test_an_undone_route_reports_the_cycle_gone(pair: tuple[Workspace, Workspace]) -> None:
    from cycles.model import DecisionKind

    me, femke = pair
    femke.start("coffee", "Breda")
    femke.evaluate("coffee", findings="Low turnout")
    femke.decide("coffee", DecisionKind.ROUTE, "Join the digital group", route_key="coffee-route")
    seen: set[int] = set()
    marker = me.marker(seen)
    femke.undo("coffee")
    changes = me.changes_since(marker, seen)
    assert changes.gone == ["coffee-route"]
    assert [s.key for s in changes.summaries] == ["coffee"]


def test_more_events_than_one_read_holds_ask_for_a_whole_read(pair: tuple[Workspace, Workspace]) -> None:
    """Many changes to one cycle between two looks, then a new cycle: not read in part."""
    me, femke = pair
    seen: set[int] = set()
    marker = me.marker(seen)
    for i in range(80):
        femke.edit("coffee", description=f"take {i}")
    femke.create(name="Zed", activity_type="event", key="zed")
    changes = me.changes_since(marker, seen, most=3)
    assert changes.everything
    assert changes.marker == me.marker(set())  # the newest event: nothing is read twice after it
