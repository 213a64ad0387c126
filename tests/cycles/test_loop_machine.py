"""Random sequences of actions on one cycle: whatever the user does, the loop's invariants hold.

Each rule tries an action whether or not the current state allows it. Allowed actions must succeed;
refused ones must raise a domain error and leave the cycle exactly as it was. Undo (``history.revert``)
of the latest change restores the state before it, however many changes are undone in a row.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import event as hypothesis_event
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from cycles import history, loop
from cycles.community import Community, load_community
from cycles.errors import ConfigError, TransitionError
from cycles.model import Change, Cycle, DecisionKind, Event, LinkKind, Phase

COMMUNITY: Community = load_community()
START = datetime(2026, 3, 20, 8, tzinfo=UTC)
VALUES = [v.key for v in COMMUNITY.value_levels]
OUTCOMES = [o.key for o in COMMUNITY.outcome_levels]
PRINCIPLES = [p.key for p in COMMUNITY.principles]

# The oracle, written out independently of cycles.loop.ALLOWED: what each phase allows.
ALLOWS = {
    Phase.COLLECT: {"collect", "start", "edit", "link"},
    Phase.RUN: {"note", "evaluate", "edit", "link"},
    Phase.EVALUATE: {"evaluate", "decide", "edit", "link"},
}
# The phase each successful action leads to (decide: see ``expect_after``).
LEADS_TO = {"start": Phase.RUN, "evaluate": Phase.EVALUATE}

texts = st.text(alphabet="abc xyz", max_size=12)
some_keys = st.lists(st.sampled_from([*VALUES, "bogus"]), max_size=3)


class IterateLoop(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.now = START
        self.cycle = loop.new_cycle(
            COMMUNITY, key="c", name="Cycle", activity_type="challenge", now=self.now, actor="t"
        ).cycle
        self.other = loop.new_cycle(
            COMMUNITY, key="o", name="Other", activity_type="event", now=self.now, actor="t"
        ).cycle
        self.undo_stack: list[tuple[Cycle, Event]] = []  # (state before, event) per change
        self.ended: dict[str, Any] | None = None
        # The model: where the cycle should stand, tracked from the actions that succeeded.
        self.phase = Phase.COLLECT
        self.status = "active"
        self.iterations = 1
        self.model_stack: list[tuple[Phase, str, int]] = []

    # -- helpers ---------------------------------------------------------------------------

    def attempt(self, action: str, run: Any, *, valid_input: bool = True) -> None:
        """Run a transition; it must succeed exactly when the state allows it and the input is valid."""
        before = self.cycle.model_dump()
        by_state = action == "link" or (self.status == "active" and action in ALLOWS[self.phase])
        allowed = by_state and valid_input
        try:
            change: Change = run(self.cycle)
        except (TransitionError, ConfigError) as exc:
            assert not allowed, f"{action} was allowed but refused: {exc}"
            assert self.cycle.model_dump() == before, "a refused action changed the cycle"
            if valid_input:
                assert isinstance(exc, TransitionError), "a refusal by state is a TransitionError"
                assert "allowed now" in str(exc) or "can no longer be changed" in str(exc)
            return
        assert allowed, f"{action} succeeded but is not allowed at {self.cycle.phase}/{self.cycle.status}"
        assert self.cycle.model_dump() == before, "a transition mutated its input"
        assert change.events and change.events[0].at == self.now
        self.check_event(change)
        if change.events[0].before is not None:
            self.undo_stack.append((self.cycle, change.events[0]))
            self.model_stack.append((self.phase, self.status, self.iterations))
        self.cycle = change.cycle
        hypothesis_event(f"done: {change.events[0].action}")
        self.expect_after(action, change)

    def expect_after(self, action: str, change: Change) -> None:
        if action in LEADS_TO:
            self.phase = LEADS_TO[action]
        if action == "decide":
            kind = change.events[0].action.removeprefix("decide-")
            if kind == "next":
                self.iterations += 1
                self.phase = Phase.COLLECT
            else:
                self.status = {"drop": "dropped", "route": "rerouted"}[kind]
                self.phase = Phase.DECIDED

    def check_event(self, change: Change) -> None:
        event = change.events[0]
        assert event.cycle == self.cycle.key
        assert event.before == history.snapshot(self.cycle, sorted(change.touched))
        after = history.snapshot(change.cycle, sorted(change.touched))
        assert event.after is not None
        assert {k: event.after[k] for k in after} == after

    # -- rules -----------------------------------------------------------------------------

    @rule(minutes=st.integers(min_value=0, max_value=60 * 24 * 40))
    def tick(self, minutes: int) -> None:
        self.now += timedelta(minutes=minutes)

    @rule(need=texts)
    def collect(self, need: str) -> None:
        self.attempt("collect", lambda c: loop.record_collect(c, now=self.now, actor="t", need=need))

    @rule(context=texts)
    def start(self, context: str) -> None:
        self.attempt("start", lambda c: loop.start_run(c, now=self.now, actor="t", context=context))

    @rule(text=texts)
    def note(self, text: str) -> None:
        self.attempt(
            "note",
            lambda c: loop.add_note(c, now=self.now, actor="t", text=text),
            valid_input=bool(text.strip()),
        )

    @rule(
        values=some_keys,
        outcomes=st.lists(st.sampled_from(OUTCOMES), max_size=2),
        principles=st.lists(st.sampled_from(PRINCIPLES), max_size=3),
    )
    def evaluate(self, values: list[str], outcomes: list[str], principles: list[str]) -> None:
        self.attempt(
            "evaluate",
            lambda c: loop.evaluate(
                c,
                COMMUNITY,
                now=self.now,
                actor="t",
                findings="f",
                value_levels=values,
                outcome_levels=outcomes,
                principles=principles,
            ),
            valid_input="bogus" not in values,
        )

    @rule(kind=st.sampled_from(list(DecisionKind)), why=st.sampled_from(["", " ", "because"]))
    def decide(self, kind: DecisionKind, why: str) -> None:
        self.attempt(
            "decide",
            lambda c: loop.decide(c, COMMUNITY, kind=kind, why=why, now=self.now, actor="t"),
            valid_input=bool(why.strip()),
        )

    @rule(cadence=st.integers(min_value=-1, max_value=400), owner=texts)
    def edit(self, cadence: int, owner: str) -> None:
        self.attempt(
            "edit",
            lambda c: loop.edit(c, COMMUNITY, now=self.now, actor="t", cadence_days=cadence, owner=owner),
            valid_input=cadence > 0,
        )

    @rule(to_self=st.booleans())
    def link(self, to_self: bool) -> None:
        target = self.cycle if to_self else self.other
        self.attempt(
            "link",
            lambda c: loop.link(c, target, LinkKind.RELATED, now=self.now, actor="t"),
            valid_input=not to_self,
        )

    @rule(kind=st.sampled_from([DecisionKind.NEXT, DecisionKind.NEXT, DecisionKind.ROUTE, DecisionKind.DROP]))
    def progress(self, kind: DecisionKind) -> None:
        """The natural next step from where the model says the cycle is (reaches deep states)."""
        if self.phase is Phase.COLLECT:
            self.start("")
        elif self.phase is Phase.RUN:
            self.evaluate(["applied"], ["meso"], ["radar"])
        else:
            self.decide(kind, "next step")

    @precondition(lambda self: bool(self.undo_stack))
    @rule()
    def undo(self) -> None:
        previous, event = self.undo_stack.pop()
        self.phase, self.status, self.iterations = self.model_stack.pop()
        change = history.revert(self.cycle, event, actor="t", at=self.now)
        hypothesis_event(f"undone: {event.action}")
        assert change.cycle == previous, f"undo of {event.action} did not restore the state before it"
        if event.action == "decide-route":
            assert event.after is not None
            assert change.deleted == [event.after["created"]]
        if event.action == "link":
            assert len(change.unlinks) == 1
        self.cycle = change.cycle

    @precondition(lambda self: len(self.undo_stack) >= 2)
    @rule()
    def undo_of_an_older_change_is_refused(self) -> None:
        _, older = self.undo_stack[-2]
        _, latest = self.undo_stack[-1]
        if latest.action == "link":
            return  # a link leaves the cycle's state as it was: the older change is still current
        before = self.cycle.model_dump()
        try:
            history.revert(self.cycle, older, actor="t", at=self.now)
        except TransitionError as exc:
            assert "not the latest change" in str(exc)
        else:
            # Only possible when the latest change left what the older one touched as it was.
            assert history.snapshot(self.cycle, [int(n) for n in (older.after or {}).get("iterations", {})])[
                "iterations"
            ] == (older.after or {}).get("iterations")
        assert self.cycle.model_dump() == before

    # -- invariants ------------------------------------------------------------------------

    @invariant()
    def the_cycle_stands_where_the_model_says(self) -> None:
        assert self.cycle.phase is self.phase
        assert self.cycle.status.value == self.status
        assert len(self.cycle.iterations) == self.iterations
        expected = {"link"} if self.status != "active" else ALLOWS[self.phase]
        assert set(loop.allowed_actions(self.cycle)) == expected

    @invariant()
    def numbers_are_consecutive(self) -> None:
        assert [it.number for it in self.cycle.iterations] == list(range(1, len(self.cycle.iterations) + 1))

    @invariant()
    def only_the_last_iteration_is_undecided(self) -> None:
        *done, last = self.cycle.iterations
        for it in done:
            assert it.phase is Phase.DECIDED
            assert it.decision is not None and it.decision.kind is DecisionKind.NEXT
        assert (last.phase is Phase.DECIDED) == (not self.cycle.active)
        assert (last.decision is None) == self.cycle.active

    @invariant()
    def due_only_while_awaiting_an_evaluation(self) -> None:
        awaiting = self.cycle.active and self.cycle.phase in (Phase.COLLECT, Phase.RUN)
        assert (self.cycle.due_on is not None) == awaiting
        if awaiting:
            assert self.cycle.due_on == self.cycle.current.due_on

    @invariant()
    def phases_follow_what_is_recorded(self) -> None:
        it = self.cycle.current
        if it.phase is Phase.COLLECT:
            assert it.started_at is None and it.evaluation is None and not it.notes
        if it.phase is Phase.RUN:
            assert it.started_at is not None and it.evaluation is None
        if it.phase is Phase.EVALUATE:
            assert it.evaluation is not None and it.decision is None

    @invariant()
    def ended_cycles_never_change(self) -> None:
        if self.cycle.active:
            self.ended = None
            return
        assert self.cycle.ended_at is not None
        assert loop.allowed_actions(self.cycle) == ["link"]
        state = self.cycle.model_dump()
        # Only undoing the decision that ended it changes an ended cycle, and that makes it active.
        if self.ended is not None:
            assert state == self.ended
        self.ended = state


IterateLoop.TestCase.settings = settings(
    max_examples=75,
    stateful_step_count=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
test_iterate_loop = pytest.mark.filterwarnings("ignore")(IterateLoop.TestCase)
