"""The whole loop through ``Workspace`` on each database: what is stored reads back the same, the board
query, stale edits refused, and undo."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from cycles import portfolio
from cycles.community import Community
from cycles.errors import ConflictError, NotFoundError, TransitionError
from cycles.model import Change, Cycle, DecisionKind, Event, LinkKind, Phase, Status
from cycles.repository import CycleFilter
from storage.units.store import Store
from storage.workspace import Workspace
from tests.conftest import FrozenClock as Clock

EXAMPLE = Path(__file__).parents[1] / "cycles" / "data" / "portfolio.yaml"


def walked(ws: Workspace, clock: Clock, key: str = "nano", upto: str = "evaluate") -> Cycle:
    """A nanomodule walked through the loop to ``upto`` (collect, run or evaluate), an hour a step."""
    cycle = ws.create(key=key, name=f"Nanomodule {key}", activity_type="nanomodule", owner="Anne")
    if upto == "collect":
        return cycle
    clock.advance(hours=1)
    ws.collect(key, need="directors ask about AI")
    clock.advance(hours=1)
    change = ws.start(key, "SPARK Campus")
    if upto == "run":
        return change.cycle
    clock.advance(hours=1)
    return ws.evaluate(key, findings="good", value_levels=["immediate"]).cycle


# -- the round trip ----------------------------------------------------------------------------


def test_the_whole_loop_reads_back_exactly_as_it_was_written(
    ws: Workspace, other: Workspace, clock: Clock
) -> None:
    changes: list[Change] = []

    def step(action: Callable[[], Change]) -> Cycle:
        clock.advance(minutes=30)
        changes.append(action())
        return changes[-1].cycle

    created = ws.create(
        key="boschveld",
        name="Biobased Boschveld",
        activity_type="showcase",
        owner="Anne",
        owner_email="anne@example.org",
        stakeholders=["Brabant Wonen", "gemeente Den Bosch"],
        description="4 homes, scaled up step by step",
        cadence_days=120,
    )
    assert created.version == 1
    assert ws.get("boschveld") == created
    step(
        lambda: ws.collect(
            "boschveld",
            need="biobased renovation at scale",
            stakeholders_involved=["Brabant Wonen"],
            stakeholders_needed=["suppliers", "AVANS"],
            preconditions="permits",
            resources="EUR 40k",
        )
    )
    step(lambda: ws.start("boschveld", "4 homes in Boschveld"))
    step(lambda: ws.note("boschveld", "first home stripped"))
    step(lambda: other.note("boschveld", "students on site"))
    clock.advance(minutes=30)
    changes.append(ws.note("boschveld", "same instant one"))
    changes.append(ws.note("boschveld", "same instant two"))
    step(
        lambda: ws.evaluate(
            "boschveld",
            findings="works; suppliers want a standard",
            value_levels=["immediate", "applied"],
            outcome_levels=["meso", "macro"],
            principles=["whole-chain", "above-all-do"],
        )
    )
    step(lambda: ws.decide("boschveld", DecisionKind.NEXT, "scale up to 12 homes"))
    step(lambda: ws.collect("boschveld", need="12 homes"))
    step(lambda: ws.edit("boschveld", name="Biobased Boschveld 12", cadence_days=150))
    step(lambda: ws.start("boschveld", "12 homes"))
    step(lambda: ws.evaluate("boschveld", findings="the chain is missing a link"))
    routed = step(
        lambda: ws.decide(
            "boschveld", DecisionKind.ROUTE, "a consortium route instead", carry=["owner", "collect"]
        )
    )
    challenge = ws.create(key="hta", name="HTA challenge", activity_type="challenge")
    step(lambda: ws.link("hta", "boschveld", LinkKind.SPAWNED_FROM, "arose on the site"))

    stored = ws.get("boschveld")
    assert stored == routed
    assert stored.version == 1 + 13
    assert stored.status is Status.REROUTED
    first, second = stored.iterations
    assert first.collect.stakeholders_needed == ["suppliers", "AVANS"]
    assert [n.text for n in first.notes] == [
        "first home stripped",
        "students on site",
        "same instant one",
        "same instant two",
    ]
    assert [n.author for n in first.notes][:2] == ["ann", "bo"]
    assert first.evaluation is not None and first.evaluation.outcome_levels == ["meso", "macro"]
    assert first.decision is not None and first.decision.rationale == "scale up to 12 homes"
    assert second.decision is not None and second.decision.route_to == "boschveld-route"
    assert stored.name == "Biobased Boschveld 12"
    assert second.due_on == date(2026, 8, 17)  # opened 2026-03-20 (Amsterdam) + 150 days

    route = ws.get("boschveld-route")
    assert route == changes[-2].created[0].model_copy(update={"version": 1})
    assert (route.owner, route.current.collect.need) == ("Anne", "12 homes")

    links = {(lk.source, lk.target, lk.kind, lk.note) for lk in ws.links("boschveld")}
    assert links == {
        ("boschveld-route", "boschveld", LinkKind.ROUTE_OF, ""),
        ("hta", "boschveld", LinkKind.SPAWNED_FROM, "arose on the site"),
    }
    assert ws.get("hta") == challenge.model_copy(update={"version": 2}), "a link is a change of its source"

    history = ws.history("boschveld")
    written: list[Event] = [e for c in changes for e in c.events if e.cycle == "boschveld"]
    assert history[1:] == written, "every event reads back with its actor, time, before and after"
    assert [e.action for e in history] == [
        "create", "collect", "start", "note", "note", "note", "note", "evaluate", "decide-next",
        "collect", "edit", "start", "evaluate", "decide-route",
    ]  # fmt: skip
    assert history[4].actor == "bo"
    assert all(e.at.utcoffset() is not None for e in history)
    assert ws.history("hta")[-1].action == "link"
    detail = ws.detail("boschveld")
    assert detail == (stored, ws.links("boschveld"), history)


def test_an_unknown_cycle_is_not_found(ws: Workspace) -> None:
    for read in (ws.get, ws.history, ws.links, ws.detail):
        with pytest.raises(NotFoundError, match="no cycle 'ghost'"):
            read("ghost")
    with pytest.raises(NotFoundError, match="no cycle 'ghost'"):
        ws.note("ghost", "x")


def test_a_refused_transition_writes_nothing(
    ws: Workspace, clock: Clock, counts: Callable[[], dict[str, int]]
) -> None:
    walked(ws, clock, upto="collect")
    before, cycle = counts(), ws.get("nano")
    with pytest.raises(TransitionError, match="cannot evaluate in iteration 1, which is at collect"):
        ws.evaluate("nano", findings="too early")
    with pytest.raises(TransitionError, match="a cycle cannot be linked to itself"):
        ws.link("nano", "nano", LinkKind.RELATED)
    assert counts() == before
    assert ws.get("nano") == cycle


def test_keys_are_made_from_names_and_kept_unique(ws: Workspace) -> None:
    assert ws.create(name="Open Coffee Bouw", activity_type="event").key == "open-coffee-bouw"
    assert ws.create(name="Open Coffee Bouw", activity_type="event").key == "open-coffee-bouw-2"
    with pytest.raises(TransitionError, match="cycle key 'open-coffee-bouw' is already in use"):
        ws.create(key="open-coffee-bouw", name="again", activity_type="event")


def test_linking_twice_is_refused(ws: Workspace, clock: Clock) -> None:
    walked(ws, clock, "a", upto="collect")
    walked(ws, clock, "b", upto="collect")
    ws.link("a", "b", LinkKind.RELATED)
    with pytest.raises(TransitionError, match="a is already linked related b"):
        ws.link("a", "b", LinkKind.RELATED)


# -- the board query -----------------------------------------------------------------------------


@pytest.fixture
def board(ws: Workspace, clock: Clock, community: Community) -> Workspace:
    clock.set(datetime(2026, 3, 20, 9, tzinfo=UTC))  # 10:00 in Amsterdam
    ws.import_portfolio(portfolio.read(EXAMPLE, community))
    return ws


def keys(ws: Workspace, **flt: object) -> list[str]:
    return [s.key for s in ws.list(CycleFilter(**flt))]  # type: ignore[arg-type]


def test_the_board_lists_active_cycles_by_scale_then_due_date(board: Workspace) -> None:
    rows = board.list()
    assert [(s.scale, s.key) for s in rows] == [
        ("inhoud", "nano-ai"),  # due 2026-02-02
        ("inhoud", "boschveld"),  # 2026-04-01
        ("inhoud", "jads-training"),  # 2026-04-21
        ("inhoud", "mkb-community"),  # 2026-05-03
        ("inhoud", "hta-challenge"),  # evaluated: nothing due, last
        ("netwerk", "satellite-zeeland"),
        ("organisatie", "team-facilitators"),
        ("organisatie", "subsidy-skills"),
    ]
    nano = rows[0]
    assert (nano.iteration, nano.phase, nano.due_on, nano.owner, nano.status) == (
        2,
        Phase.RUN,
        date(2026, 2, 2),
        "Anne",
        Status.ACTIVE,
    )


FILTERS: list[tuple[dict[str, object], list[str]]] = [
    ({"scale": "netwerk"}, ["satellite-zeeland"]),
    ({"scale": "organisatie"}, ["team-facilitators", "subsidy-skills"]),
    ({"activity_type": "challenge"}, ["hta-challenge"]),
    ({"activity_type": "challenge", "include_ended": True}, ["hta-challenge", "mkb-datalab"]),
    ({"phase": Phase.COLLECT}, ["jads-training", "mkb-community", "subsidy-skills"]),
    ({"phase": Phase.EVALUATE}, ["hta-challenge"]),
    ({"owner": "anne"}, ["nano-ai", "boschveld"]),
    ({"due": "due"}, ["nano-ai", "satellite-zeeland", "team-facilitators"]),
    ({"due": "overdue"}, ["nano-ai", "team-facilitators"]),
    ({"due": "upcoming", "scale": "inhoud"}, ["boschveld", "jads-training", "mkb-community"]),
    ({"text": "MKB"}, ["mkb-community"]),
    ({"text": "boschveld"}, ["boschveld"]),
    ({"text": "mkb", "include_ended": True}, ["mkb-community", "mkb-datalab"]),
    ({"include_ended": True, "scale": "inhoud", "due": "overdue"}, ["nano-ai"]),
    ({"owner": "nobody"}, []),
]


def test_the_board_filters(board: Workspace) -> None:
    for flt, expected in FILTERS:
        assert keys(board, **flt) == expected, flt


def test_ended_cycles_leave_the_board_but_keep_their_history(board: Workspace) -> None:
    assert "visit-kuijpers" not in keys(board)
    everything = board.list(CycleFilter(include_ended=True))
    assert len(everything) == 10
    dropped = next(s for s in everything if s.key == "visit-kuijpers")
    assert (dropped.status, dropped.phase, dropped.due_on) == (Status.DROPPED, Phase.DECIDED, None)
    assert board.get("visit-kuijpers").current.evaluation is not None


def test_due_filters_follow_the_clock_in_the_community_zone(board: Workspace, clock: Clock) -> None:
    clock.set(datetime(2026, 3, 31, 21, 59, tzinfo=UTC))  # 23:59 on 31 March in Amsterdam
    assert "boschveld" not in keys(board, due="due")
    clock.set(datetime(2026, 3, 31, 22, 0, tzinfo=UTC))  # 00:00 on 1 April: boschveld is due today
    assert "boschveld" in keys(board, due="due")
    assert "boschveld" not in keys(board, due="overdue")


def test_a_step_moves_the_cycle_on_the_board(board: Workspace, clock: Clock) -> None:
    board.evaluate("nano-ai", findings="done")
    assert "nano-ai" not in keys(board, due="due")
    board.decide("nano-ai", DecisionKind.NEXT, "again")
    row = next(s for s in board.list() if s.key == "nano-ai")
    assert (row.iteration, row.phase, row.due_on) == (3, Phase.COLLECT, date(2026, 4, 3))
    board.decide("hta-challenge", DecisionKind.DROP, "students left")
    assert "hta-challenge" not in keys(board)


# -- optimistic concurrency ----------------------------------------------------------------------


def test_a_stale_edit_raises_a_conflict_and_overwrites_nothing(
    ws: Workspace, other: Workspace, clock: Clock, counts: Callable[[], dict[str, int]]
) -> None:
    seen = walked(ws, clock, upto="run")
    other.edit("nano", owner="Bo")
    stored, before = ws.get("nano"), counts()
    with pytest.raises(ConflictError) as err:
        ws.edit("nano", expected_version=seen.version, owner="Anne again", description="mine")
    assert str(err.value) == (
        f"nano was changed by someone else meanwhile (you read version {seen.version}, it is now at "
        f"{seen.version + 1}); reload it and try again"
    )
    assert ws.get("nano") == stored
    assert ws.get("nano").owner == "Bo"
    assert counts() == before
    ws.edit("nano", expected_version=stored.version, owner="Anne again")
    assert ws.get("nano").owner == "Anne again"


def test_every_action_given_a_stale_version_is_refused(ws: Workspace, other: Workspace, clock: Clock) -> None:
    upto = {"note": "run", "evaluate": "run", "start": "collect", "collect": "collect", "decide": "evaluate"}
    upto |= {"undo": "run"}
    seen = {action: walked(ws, clock, action, upto=state) for action, state in upto.items()}
    for key in upto:
        other.edit(key, description="meanwhile")
    calls: dict[str, Callable[[int], object]] = {
        "note": lambda v: ws.note("note", "x", expected_version=v),
        "evaluate": lambda v: ws.evaluate("evaluate", expected_version=v),
        "start": lambda v: ws.start("start", "here", expected_version=v),
        "collect": lambda v: ws.collect("collect", need="n", expected_version=v),
        "decide": lambda v: ws.decide("decide", DecisionKind.DROP, "why", expected_version=v),
        "undo": lambda v: ws.undo("undo", expected_version=v),
    }
    for action, call in calls.items():
        with pytest.raises(ConflictError, match=f"{action} was changed by someone else meanwhile"):
            call(seen[action].version)
        stored = ws.get(action)
        assert (stored.description, stored.version) == ("meanwhile", seen[action].version + 1), action


def test_the_repository_refuses_a_change_computed_from_a_stale_read(
    ws: Workspace, store: Store, clock: Clock
) -> None:
    from cycles import loop

    seen = walked(ws, clock, upto="run")
    ws.note("nano", "someone else's note")
    change = loop.add_note(seen, now=clock(), actor="ann", text="from the stale copy")
    with pytest.raises(
        ConflictError, match=rf"you read version {seen.version}, it is now at {seen.version + 1}"
    ):
        store.write(lambda repo: repo.apply(change, seen.version))
    assert [n.text for n in ws.get("nano").current.notes] == ["someone else's note"]


# -- undo ------------------------------------------------------------------------------------


def comparable(cycle: Cycle) -> Cycle:
    return cycle.model_copy(update={"version": 0})


def test_undo_of_a_next_step_removes_the_new_iteration(
    ws: Workspace, clock: Clock, counts: Callable[[], dict[str, int]]
) -> None:
    before = walked(ws, clock)
    rows = counts()
    ws.decide("nano", DecisionKind.NEXT, "again")
    assert counts()["iteration"] == rows["iteration"] + 1
    undone = ws.undo("nano")
    assert comparable(ws.get("nano")) == comparable(before)
    assert undone.cycle == ws.get("nano")
    assert counts()["iteration"] == rows["iteration"]
    assert [s.phase for s in ws.list()] == [Phase.EVALUATE]
    assert ws.history("nano")[-1].action == "undo"
    assert ws.history("nano")[-1].actor == "ann"


def test_undo_of_a_drop_brings_the_cycle_back_to_the_board(ws: Workspace, clock: Clock) -> None:
    before = walked(ws, clock)
    ws.decide("nano", DecisionKind.DROP, "no demand")
    assert ws.list() == []
    ws.undo("nano")
    assert comparable(ws.get("nano")) == comparable(before)
    assert [s.key for s in ws.list()] == ["nano"]


def test_undo_of_an_other_route_removes_the_new_cycle_and_its_link(
    ws: Workspace, clock: Clock, counts: Callable[[], dict[str, int]]
) -> None:
    before = walked(ws, clock)
    rows = counts()
    change = ws.decide("nano", DecisionKind.ROUTE, "try a visit", route_type="company-visit")
    assert [c.key for c in change.created] == ["nano-route"]
    assert ws.get("nano-route").activity_type == "company-visit"
    ws.undo("nano")
    assert comparable(ws.get("nano")) == comparable(before)
    with pytest.raises(NotFoundError):
        ws.get("nano-route")
    assert ws.links("nano") == []
    after = counts()
    assert {k: after[k] for k in ("cycle", "iteration", "note", "link")} == {
        k: rows[k] for k in ("cycle", "iteration", "note", "link")
    }


def test_an_other_route_worked_on_since_cannot_be_undone(ws: Workspace, clock: Clock) -> None:
    walked(ws, clock)
    ws.decide("nano", DecisionKind.ROUTE, "try a visit")
    ws.collect("nano-route", need="visits")
    routed = ws.get("nano")
    with pytest.raises(TransitionError, match="the other route nano-route has been worked on since"):
        ws.undo("nano")
    assert ws.get("nano") == routed
    assert ws.get("nano-route").current.collect.need == "visits"


def test_undo_of_a_link_removes_it(ws: Workspace, clock: Clock) -> None:
    walked(ws, clock, "a", upto="collect")
    walked(ws, clock, "b", upto="collect")
    ws.link("a", "b", LinkKind.RELATED)
    assert len(ws.links("b")) == 1
    ws.undo("a")
    assert ws.links("a") == ws.links("b") == []
    ws.link("a", "b", LinkKind.RELATED)  # and it can be made again


def test_undo_goes_back_one_change_at_a_time_down_to_creation(ws: Workspace, clock: Clock) -> None:
    created = walked(ws, clock, upto="collect")
    states = [created]
    for text in ("one", "two"):
        clock.advance(minutes=1)
        if len(states) == 1:
            states.append(ws.start("nano", "here").cycle)
        states.append(ws.note("nano", text).cycle)
    for expected in reversed(states[:-1]):
        ws.undo("nano")
        assert comparable(ws.get("nano")) == comparable(expected)
    with pytest.raises(TransitionError, match="nano: there is no change to undo"):
        ws.undo("nano")
