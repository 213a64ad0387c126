"""Every transition of the iterate loop: what each state allows, what it refuses and how it says so."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import pytest

from cycles import loop
from cycles.community import Community
from cycles.errors import ConfigError, CyclesError, TransitionError
from cycles.model import Change, Cycle, DecisionKind, LinkKind, Phase, Status

LATER = timedelta(days=1)

Walk = Callable[..., Cycle]

Action = Callable[[Cycle, Community, datetime], Change]

ACTIONS: dict[str, Action] = {
    "collect": lambda c, com, now: loop.record_collect(c, now=now, actor="bo", need="more"),
    "start": lambda c, com, now: loop.start_run(c, now=now, actor="bo", context="Helmond"),
    "note": lambda c, com, now: loop.add_note(c, now=now, actor="bo", text="went well"),
    "evaluate": lambda c, com, now: loop.evaluate(c, com, now=now, actor="bo", findings="fine"),
    "decide": lambda c, com, now: loop.decide(
        c, com, kind=DecisionKind.NEXT, why="go on", now=now, actor="bo"
    ),
    "edit": lambda c, com, now: loop.edit(c, com, now=now, actor="bo", owner="Bo"),
}

ALLOWED = {
    "collect": {"collect", "start", "edit"},
    "run": {"note", "evaluate", "edit"},
    "evaluate": {"evaluate", "decide", "edit"},
    "next": {"collect", "start", "edit"},  # iteration 2, at collect
    "dropped": set(),
    "rerouted": set(),
}

CASES = [(state, action) for state in ALLOWED for action in ACTIONS]


@pytest.mark.parametrize(("state", "action"), CASES)
def test_each_action_in_each_state_is_allowed_or_refused_saying_what_is_allowed(
    walk: Walk, community: Community, clock: Callable[[], datetime], state: str, action: str
) -> None:
    cycle = walk(state)
    before = cycle.model_dump()
    now = clock() + LATER
    if action in ALLOWED[state]:
        change = ACTIONS[action](cycle, community, now)
        assert change.events, "every change is an event"
        assert change.events[0].actor == "bo"
        assert change.events[0].at == now
        assert change.cycle.key == cycle.key
        assert action in loop.allowed_actions(cycle)
    else:
        with pytest.raises(TransitionError) as err:
            ACTIONS[action](cycle, community, now)
        message = str(err.value)
        assert cycle.key in message
        assert f"cannot {action}" in message
        if state in ("dropped", "rerouted"):
            assert f"is {state}" in message
            assert "history is kept" in message
        else:
            allowed = ", ".join(loop.ALLOWED[cycle.phase])
            assert f"allowed now: {allowed}" in message
            assert f"at {cycle.phase.value}" in message
        assert action not in loop.allowed_actions(cycle)
    assert cycle.model_dump() == before, "a transition never changes the cycle it is given"


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        ("collect", ["collect", "start", "edit", "link"]),
        ("run", ["note", "evaluate", "edit", "link"]),
        ("evaluate", ["evaluate", "decide", "edit", "link"]),
        ("next", ["collect", "start", "edit", "link"]),
        ("dropped", ["link"]),
        ("rerouted", ["link"]),
    ],
)
def test_allowed_actions_is_what_the_interface_offers(walk: Walk, state: str, expected: list[str]) -> None:
    assert loop.allowed_actions(walk(state)) == expected


# -- creating --------------------------------------------------------------------------------


def test_new_cycle_opens_iteration_one_at_collect_due_one_cadence_later(community: Community) -> None:
    now = datetime(2026, 3, 20, 9, tzinfo=UTC)
    change = loop.new_cycle(
        community,
        key="jads-training",
        name="  Slim bouwen met datascience en AI ",
        activity_type="training",
        now=now,
        actor="ann",
        stakeholders=["JADS", " JADS ", "", "TKI"],
    )
    cycle = change.cycle
    assert (cycle.scale, cycle.level, cycle.cadence_days) == ("inhoud", "session", 42)
    assert cycle.name == "Slim bouwen met datascience en AI"
    assert cycle.stakeholders == ["JADS", "TKI"]
    assert [it.number for it in cycle.iterations] == [1]
    assert cycle.phase is Phase.COLLECT
    assert cycle.status is Status.ACTIVE
    assert cycle.due_on == date(2026, 5, 1)
    assert [e.action for e in change.events] == ["create"]
    assert change.events[0].before is None
    assert change.events[0].after is not None
    assert change.events[0].after["cycle"]["key"] == "jads-training"


def test_new_cycle_takes_a_cadence_or_level_override(community: Community) -> None:
    now = datetime(2026, 3, 20, 9, tzinfo=UTC)
    tuned = loop.new_cycle(
        community, key="a", name="A", activity_type="showcase", now=now, actor="x", cadence_days=30
    ).cycle
    assert tuned.cadence_days == 30
    assert tuned.due_on == date(2026, 4, 19)
    smaller = loop.new_cycle(
        community, key="b", name="B", activity_type="challenge", now=now, actor="x", level="nanomodule"
    ).cycle
    assert (smaller.level, smaller.cadence_days) == ("nanomodule", 14)


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"activity_type": "hackathon"}, "unknown activity type 'hackathon'; known: nanomodule"),
        ({"level": "galaxy"}, "has no level 'galaxy'; known: nanomodule, session"),
        ({"cadence_days": 0}, "cadence must be a positive number of days"),
        ({"key": "Not A Key"}, "key"),
        ({"name": "   "}, "name"),
    ],
)
def test_new_cycle_refuses_what_the_community_or_model_does_not_allow(
    community: Community, kwargs: dict[str, object], fragment: str
) -> None:
    args: dict[str, object] = {"key": "a", "name": "A", "activity_type": "nanomodule"} | kwargs
    with pytest.raises(CyclesError, match=fragment):
        loop.new_cycle(community, now=datetime(2026, 3, 20, tzinfo=UTC), actor="x", **args)  # type: ignore[arg-type]


def test_a_naive_clock_is_refused(community: Community) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        loop.new_cycle(
            community, key="a", name="A", activity_type="event", now=datetime(2026, 3, 20), actor="x"
        )


# -- collect, run, note, evaluate ----------------------------------------------------------------


def test_collect_records_and_amends_keeping_what_is_not_given(
    walk: Walk, clock: Callable[[], datetime]
) -> None:
    cycle = walk("collect")
    first = loop.record_collect(
        cycle,
        now=clock(),
        actor="ann",
        need=" directors want to know AI ",
        stakeholders_involved=["SMA", "SMA", "Brainport"],
        stakeholders_needed=["municipality"],
        preconditions="a room",
        resources="two trainers",
    ).cycle
    amended = loop.record_collect(first, now=clock(), actor="ann", resources="one trainer").cycle
    c = amended.current.collect
    assert c.need == "directors want to know AI"
    assert c.stakeholders_involved == ["SMA", "Brainport"]
    assert c.stakeholders_needed == ["municipality"]
    assert c.preconditions == "a room"
    assert c.resources == "one trainer"
    assert amended.phase is Phase.COLLECT


def test_start_runs_the_iteration_in_a_context(walk: Walk, clock: Callable[[], datetime]) -> None:
    change = loop.start_run(walk("collect"), now=clock() + LATER, actor="ann", context=" DomeX ")
    it = change.cycle.current
    assert it.phase is Phase.RUN
    assert it.started_at == clock() + LATER
    assert it.context == "DomeX"
    assert change.cycle.due_on == it.due_on, "the evaluation is still awaited while running"


def test_notes_are_dated_and_kept_in_order(walk: Walk, clock: Callable[[], datetime]) -> None:
    cycle = walk("run")
    for text in ("second", "third", "fourth"):
        cycle = loop.add_note(cycle, now=clock() + LATER, actor="bo", text=text).cycle
    notes = cycle.current.notes
    assert [n.text for n in notes] == ["12 directors came", "second", "third", "fourth"]
    assert notes[-1].author == "bo"
    assert notes[-1].at == clock() + LATER
    assert len({n.id for n in notes}) == 4


def test_same_instant_notes_keep_their_order_when_sorted_as_storage_reads_them(
    walk: Walk, clock: Callable[[], datetime]
) -> None:
    # Storage reads notes back ordered by (time, id); scripts with CYCLES_NOW add notes at one instant.
    cycle = walk("run")
    for i in range(12):
        cycle = loop.add_note(cycle, now=clock() + LATER, actor="bo", text=f"note {i}").cycle
    notes = cycle.current.notes
    assert sorted(notes, key=lambda n: (n.at, n.id)) == notes


@pytest.mark.parametrize("text", ["", "   "])
def test_a_note_needs_text(walk: Walk, clock: Callable[[], datetime], text: str) -> None:
    with pytest.raises(TransitionError, match="needs text"):
        loop.add_note(walk("run"), now=clock(), actor="bo", text=text)


def test_evaluate_records_the_vocabulary_and_can_be_amended(
    walk: Walk, community: Community, clock: Callable[[], datetime]
) -> None:
    first = loop.evaluate(
        walk("run"),
        community,
        now=clock(),
        actor="ann",
        findings="good",
        value_levels=["immediate", "potential", "immediate"],
        outcome_levels=["micro", "meso"],
        principles=["hinge", "radar"],
    ).cycle
    assert first.phase is Phase.EVALUATE
    assert first.due_on is None, "nothing is due once evaluated"
    ev = first.current.evaluation
    assert ev is not None
    assert (ev.value_levels, ev.outcome_levels, ev.principles) == (
        ["immediate", "potential"],
        ["micro", "meso"],
        ["hinge", "radar"],
    )
    amended = loop.evaluate(first, community, now=clock() + LATER, actor="ann", findings="better").cycle
    assert amended.current.evaluation is not None
    assert amended.current.evaluation.findings == "better"
    assert amended.current.evaluation.at == clock() + LATER


@pytest.mark.parametrize(
    ("field", "values", "fragment"),
    [
        (
            "value_levels",
            ["applied", "priceless"],
            "unknown value levels: priceless; known: expected, immediate",
        ),
        ("outcome_levels", ["micro", "mega"], "unknown outcome levels: mega; known: micro, meso, macro"),
        ("principles", ["radar", "move-fast"], "unknown principles: move-fast; known: ambitious-mission"),
    ],
)
def test_evaluate_refuses_keys_outside_the_community_vocabulary(
    walk: Walk,
    community: Community,
    clock: Callable[[], datetime],
    field: str,
    values: list[str],
    fragment: str,
) -> None:
    cycle = walk("run")
    before = cycle.model_dump()
    with pytest.raises(ConfigError, match=fragment):
        loop.evaluate(cycle, community, now=clock(), actor="ann", **{field: values})  # type: ignore[arg-type]
    assert cycle.model_dump() == before


# -- deciding -----------------------------------------------------------------------------------


def test_next_step_opens_the_following_iteration_at_collect(
    walk: Walk, community: Community, clock: Callable[[], datetime]
) -> None:
    evaluated = walk("evaluate")
    when = datetime(2026, 4, 2, 15, tzinfo=UTC)
    change = loop.decide(
        evaluated, community, kind=DecisionKind.NEXT, why=" scale up ", now=when, actor="ann"
    )
    cycle = change.cycle
    assert [it.number for it in cycle.iterations] == [1, 2]
    first, second = cycle.iterations
    assert first.phase is Phase.DECIDED
    assert first.decision is not None
    assert (first.decision.kind, first.decision.rationale, first.decision.at) == (
        DecisionKind.NEXT,
        "scale up",
        when,
    )
    assert second.phase is Phase.COLLECT
    assert second.opened_at == when
    assert second.due_on == date(2026, 4, 16)
    assert cycle.due_on == date(2026, 4, 16)
    assert cycle.active
    assert change.touched == [1, 2]
    assert change.events[0].action == "decide-next"
    assert change.events[0].before is not None
    assert set(change.events[0].before["iterations"]) == {"1"}
    assert change.events[0].after is not None
    assert set(change.events[0].after["iterations"]) == {"1", "2"}


def test_drop_ends_the_cycle_and_keeps_its_history(
    walk: Walk, community: Community, clock: Callable[[], datetime]
) -> None:
    evaluated = walk("evaluate")
    when = clock() + LATER
    cycle = loop.decide(
        evaluated, community, kind=DecisionKind.DROP, why="no demand", now=when, actor="a"
    ).cycle
    assert cycle.status is Status.DROPPED
    assert cycle.ended_at == when
    assert cycle.due_on is None
    assert not cycle.active
    assert len(cycle.iterations) == 1
    assert cycle.current.notes == evaluated.current.notes
    assert cycle.current.evaluation == evaluated.current.evaluation


def test_other_route_ends_this_line_and_opens_a_linked_cycle_carrying_what_is_chosen(
    walk: Walk, community: Community, clock: Callable[[], datetime]
) -> None:
    evaluated = walk("evaluate")
    evaluated = loop.edit(evaluated, community, now=clock(), actor="a", cadence_days=21).cycle
    when = clock() + LATER
    change = loop.decide(
        evaluated,
        community,
        kind=DecisionKind.ROUTE,
        why="companies prefer visits",
        now=when,
        actor="ann",
        carry=["owner", "collect"],
    )
    old = change.cycle
    assert old.status is Status.REROUTED
    assert old.ended_at == when
    assert [c.key for c in change.created] == ["nano-route"]
    new = change.created[0]
    assert old.current.decision is not None
    assert old.current.decision.route_to == "nano-route"
    assert new.owner == "Ann"
    assert new.stakeholders == [], "stakeholders were not carried"
    assert new.current.collect == evaluated.current.collect
    assert new.cadence_days == 21, "same type keeps a tuned cadence"
    assert new.phase is Phase.COLLECT
    assert new.created_at == when
    assert "companies prefer visits" in new.description
    [lk] = change.links
    assert (lk.source, lk.target, lk.kind) == ("nano-route", "nano", LinkKind.ROUTE_OF)
    assert [e.action for e in change.events] == ["decide-route", "create"]
    assert change.events[0].after is not None
    assert change.events[0].after["created"] == "nano-route"
    assert change.events[1].after is not None
    assert change.events[1].after["iterations"]["1"]["collect"] == evaluated.current.collect.model_dump()


def test_other_route_of_another_type_starts_from_that_types_cadence(
    walk: Walk, community: Community, clock: Callable[[], datetime]
) -> None:
    change = loop.decide(
        walk("evaluate"),
        community,
        kind=DecisionKind.ROUTE,
        why="needs a real building",
        now=clock(),
        actor="a",
        route_key="boschveld",
        route_name="Biobased Boschveld",
        route_type="showcase",
    )
    new = change.created[0]
    assert (new.key, new.name, new.activity_type, new.cadence_days) == (
        "boschveld",
        "Biobased Boschveld",
        "showcase",
        182,
    )
    assert new.owner == "" and new.stakeholders == []


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"carry": ["budget"]}, "cannot carry over budget"),
        ({"route_key": "nano"}, "needs a key of its own"),
        ({"route_type": "hackathon"}, "unknown activity type 'hackathon'"),
    ],
)
def test_other_route_refusals(
    walk: Walk, community: Community, clock: Callable[[], datetime], kwargs: dict[str, object], fragment: str
) -> None:
    cycle = walk("evaluate")
    with pytest.raises(CyclesError, match=fragment):
        loop.decide(cycle, community, kind=DecisionKind.ROUTE, why="w", now=clock(), actor="a", **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize("kind", list(DecisionKind))
@pytest.mark.parametrize("why", ["", "  \n "])
def test_a_decision_needs_a_rationale(
    walk: Walk, community: Community, clock: Callable[[], datetime], kind: DecisionKind, why: str
) -> None:
    cycle = walk("evaluate")
    with pytest.raises(TransitionError, match=r"needs a rationale \(--why\)"):
        loop.decide(cycle, community, kind=kind, why=why, now=clock(), actor="a")


@pytest.mark.parametrize("first", list(DecisionKind))
@pytest.mark.parametrize("second", list(DecisionKind))
def test_deciding_twice_is_refused(
    walk: Walk,
    community: Community,
    clock: Callable[[], datetime],
    first: DecisionKind,
    second: DecisionKind,
) -> None:
    decided = loop.decide(walk("evaluate"), community, kind=first, why="one", now=clock(), actor="a").cycle
    with pytest.raises(TransitionError, match="cannot decide") as err:
        loop.decide(decided, community, kind=second, why="two", now=clock(), actor="a")
    if first is DecisionKind.NEXT:
        assert "iteration 2, which is at collect; allowed now: collect, start, edit, link" in str(err.value)
    else:
        assert "can no longer be changed" in str(err.value)


def test_evaluate_before_run_is_refused_saying_what_is_allowed(
    walk: Walk, community: Community, clock: Callable[[], datetime]
) -> None:
    with pytest.raises(TransitionError) as err:
        loop.evaluate(walk("collect"), community, now=clock(), actor="a", findings="too early")
    assert str(err.value) == (
        "nano: cannot evaluate in iteration 1, which is at collect; allowed now: collect, start, edit, link"
    )


def test_a_note_in_collect_is_refused(walk: Walk, clock: Callable[[], datetime]) -> None:
    with pytest.raises(TransitionError, match=r"cannot note .* at collect; allowed now: collect, start"):
        loop.add_note(walk("collect"), now=clock(), actor="a", text="too early")


# -- editing ------------------------------------------------------------------------------------


def test_edit_changes_the_header_and_a_new_cadence_moves_the_due_date(
    walk: Walk, community: Community, clock: Callable[[], datetime]
) -> None:
    cycle = walk("run")
    change = loop.edit(
        cycle,
        community,
        now=clock(),
        actor="ann",
        name="Nanomodule AI",
        owner="Bo",
        stakeholders=["JADS", "JADS", " KW1C "],
        cadence_days=7,
    )
    edited = change.cycle
    assert (edited.name, edited.owner, edited.stakeholders) == ("Nanomodule AI", "Bo", ["JADS", "KW1C"])
    # opened 2026-03-20 (Amsterdam), cadence 7 -> due 2026-03-27
    assert edited.current.due_on == date(2026, 3, 27)
    assert edited.due_on == date(2026, 3, 27)
    assert change.events[0].summary == "cadence_days, name, owner, stakeholders"
    assert change.events[0].action == "edit"


@pytest.mark.parametrize(
    ("fields", "fragment"),
    [
        ({"status": "active"}, "cannot edit status"),
        ({"key": "other", "level": "x"}, "cannot edit key, level"),
        ({"name": ""}, "name"),
        ({"cadence_days": 0}, "cadence"),
    ],
)
def test_edit_refuses_fields_and_values_it_cannot_take(
    walk: Walk, community: Community, clock: Callable[[], datetime], fields: dict[str, object], fragment: str
) -> None:
    cycle = walk("collect")
    with pytest.raises(TransitionError, match=fragment):
        loop.edit(cycle, community, now=clock(), actor="a", **fields)


@pytest.mark.parametrize("state", ["dropped", "rerouted"])
def test_editing_an_ended_cycle_is_refused(
    walk: Walk, community: Community, clock: Callable[[], datetime], state: str
) -> None:
    with pytest.raises(TransitionError, match=rf"nano is {state}: its history is kept .* \(cannot edit\)"):
        loop.edit(walk(state), community, now=clock(), actor="a", name="again")


# -- linking ------------------------------------------------------------------------------------


def test_link_records_coherence_as_an_event_of_the_source(walk: Walk, clock: Callable[[], datetime]) -> None:
    challenge, showcase = walk("run", key="hta-challenge"), walk("collect", key="boschveld")
    change = loop.link(challenge, showcase, LinkKind.SPAWNED_FROM, now=clock(), actor="a", note="from site")
    [lk] = change.links
    assert (lk.source, lk.target, lk.kind, lk.note) == (
        "hta-challenge",
        "boschveld",
        LinkKind.SPAWNED_FROM,
        "from site",
    )
    assert change.cycle == challenge
    assert change.events[0].action == "link"
    assert change.events[0].summary == "spawned_from boschveld"
    assert change.events[0].after is not None
    assert change.events[0].after["link"]["target"] == "boschveld"


@pytest.mark.parametrize("state", ["dropped", "rerouted"])
def test_an_ended_cycle_can_still_be_linked(walk: Walk, clock: Callable[[], datetime], state: str) -> None:
    change = loop.link(walk(state), walk("collect", key="other"), LinkKind.RELATED, now=clock(), actor="a")
    assert len(change.links) == 1


def test_a_cycle_cannot_be_linked_to_itself(walk: Walk, clock: Callable[[], datetime]) -> None:
    cycle = walk("run")
    with pytest.raises(TransitionError, match="nano: a cycle cannot be linked to itself"):
        loop.link(cycle, cycle, LinkKind.RELATED, now=clock(), actor="a")


@pytest.mark.parametrize(("text", "slug"), [("Biobased Boschveld!", "biobased-boschveld"), ("???", "cycle")])
def test_slugify_makes_keys_from_names(text: str, slug: str) -> None:
    assert loop.slugify(text) == slug


@pytest.mark.parametrize("kind", list(DecisionKind))
def test_a_decision_leaves_the_cycle_it_was_given_as_it_was(
    walk: Walk, community: Community, clock: Callable[[], datetime], kind: DecisionKind
) -> None:
    """The board shows a decision before it is stored and puts the card back if the store refuses
    it; undo and conflicts compare with what the user saw: the given cycle never changes."""
    once = walk("evaluate")
    twice = loop.decide(once, community, kind=DecisionKind.NEXT, why="on", now=clock(), actor="a").cycle
    for phase_step in ("collect", "start", "evaluate"):
        twice = ACTIONS[phase_step](twice, community, clock()).cycle
    before = twice.model_dump()
    change = loop.decide(twice, community, kind=kind, why="done", now=clock() + LATER, actor="ann")
    assert twice.model_dump() == before
    assert change.cycle.model_dump() != before
    assert change.cycle.iterations[0] == twice.iterations[0]  # the earlier ones, as they were
