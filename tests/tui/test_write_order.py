"""Writes faster than they are stored: none is dropped, each ends stored or reported, and the
board ends equal to the database with the cursor where the user put it.

Writes are held at a gate (the Workspace's call waits until the test opens it), so that keys
outrun them for certain; keys arrive as a terminal sends them, from another thread, while the UI
loop is inside a handler that does not return until they were all sent (one slow frame).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from functools import partial
from typing import Any

import pytest
from textual import events
from textual.pilot import Pilot

from cycles.errors import CyclesError
from cycles.model import DecisionKind, Phase, Status
from cycles.repository import CycleFilter
from storage.workspace import Workspace
from tests.tui.conftest import SIZE, go_to, press, settle, type_text
from tui.app import CyclesApp
from tui.screens.form import FormScreen


class Gate:
    """Holds every wrapped Workspace call until opened; can make the next calls fail instead."""

    def __init__(self) -> None:
        self.opened = threading.Event()
        self.calls: list[str] = []
        self.fail: set[str] = set()

    def hold(self, ws: Workspace, monkeypatch: pytest.MonkeyPatch, *names: str) -> None:
        for name in names:
            real = getattr(ws, name)

            def gated(*args: Any, _real: Callable[..., Any] = real, _name: str = name, **kw: Any) -> Any:
                assert self.opened.wait(30), "the test never opened the gate"
                self.calls.append(_name)
                if _name in self.fail:
                    raise RuntimeError("the disk is full")
                return _real(*args, **kw)

            monkeypatch.setattr(ws, name, gated)

    def open(self) -> None:
        self.opened.set()


@pytest.fixture
def gate(app: CyclesApp, monkeypatch: pytest.MonkeyPatch) -> Iterator[Gate]:
    g = Gate()
    g.hold(app.workspace, monkeypatch, "undo", "note", "decide")
    yield g
    g.open()  # never leave the app's writer waiting when a test fails


async def keys_during_slow_frame(pilot: Pilot[Any], *keys: str) -> None:
    """Send ``keys`` from another thread while the UI loop is busy in a handler, then let the
    loop handle them all."""
    app = pilot.app
    driver = app._driver
    assert driver is not None
    sent = threading.Event()

    def terminal() -> None:
        for key in keys:
            event = events.Key(key, key if len(key) == 1 else None)
            event.set_sender(app)
            driver.send_message(event)
        sent.set()

    def slow_frame() -> None:
        threading.Thread(target=terminal).start()
        assert sent.wait(10)  # the loop stays in this handler until every key was sent

    app.call_later(slow_frame)
    for _ in range(len(keys) + 3):
        await pilot.pause()


async def decide_next(pilot: Pilot[Any], key: str) -> None:
    """Decide "next step" on ``key`` by keys; the write is queued (and held at the gate)."""
    await settle(pilot)
    await go_to(pilot, key)
    await press(pilot, "d")
    await press(pilot, "tab")
    await type_text(pilot, "A next batch of homes")
    await pilot.press("ctrl+s")


async def reads_done(pilot: Pilot[Any]) -> None:
    """Let the read workers finish (the writes stay at the gate)."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def board_matches_database(app: CyclesApp, other: Workspace) -> None:
    model = app.board.model
    assert model is not None
    shown = {k: card.summary for k, card in model.cards.items()}
    stored = {s.key: s for s in other.list(CycleFilter(include_ended=True))}
    assert shown == stored


def cursor_key(app: CyclesApp) -> str | None:
    selected = app.board.view.selected
    return selected.key if selected else None


def below(app: CyclesApp, key: str) -> str:
    model = app.board.model
    assert model is not None
    card = model.card_at(model.vertical(model.positions[key], 1))
    assert card is not None
    return card.summary.key


@pytest.fixture
def edited(workspace: Workspace) -> Workspace:
    """Every active cycle with one change that an undo reverts."""
    for summary in workspace.list():
        workspace.edit(summary.key, description=f"Described {summary.key}")
    return workspace


async def test_undo_down_undo_in_one_slow_frame_stores_both(
    edited: Workspace, app: CyclesApp, gate: Gate, other: Workspace
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await go_to(pilot, "nano-directors")
        second = below(app, "nano-directors")
        await keys_during_slow_frame(pilot, "u", "down", "u")
        assert app.writes.pending == 2  # both queued, neither dropped
        gate.open()
        await settle(pilot)
        assert gate.calls == ["undo", "undo"]
        for key in ("nano-directors", second):
            assert other.get(key).description == "", key  # the edit was undone
            assert [e.action for e in other.history(key)][-1] == "undo"
        assert cursor_key(app) == second  # where the user put it, not where the first write was
        board_matches_database(app, other)


async def test_two_writes_started_in_one_turn_are_both_stored(
    edited: Workspace, app: CyclesApp, gate: Gate, other: Workspace
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        board, ws = app.board, app.workspace
        for key in ("nano-directors", "challenge-avans"):
            board.act("undo", key, partial(ws.undo, key), seen=other.get(key).version)
        gate.open()
        await settle(pilot)
        assert [other.get(k).description for k in ("nano-directors", "challenge-avans")] == ["", ""]
        board_matches_database(app, other)


async def test_undo_twice_on_one_cycle_undoes_two_changes(
    app: CyclesApp, gate: Gate, other: Workspace
) -> None:
    other.note("nano-directors", "first")  # before the board reads it
    other.note("nano-directors", "second")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await go_to(pilot, "nano-directors")
        await keys_during_slow_frame(pilot, "u", "u")
        gate.open()
        await settle(pilot)
        notes = [n.text for n in other.get("nano-directors").current.notes]
        assert notes == ["Twelve directors signed up"]  # both of this session's notes undone
        board_matches_database(app, other)


async def test_quick_notes_on_one_cycle_are_all_stored_in_order(
    app: CyclesApp, gate: Gate, other: Workspace
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await go_to(pilot, "challenge-avans")
        for text in ("One", "Two", "Three"):
            await pilot.press("m")  # the form opens on the version read before any is stored
            await reads_done(pilot)
            assert isinstance(app.screen, FormScreen)
            await type_text(pilot, text)
            await pilot.press("enter")
            await pilot.pause()
        assert app.writes.pending == 3
        gate.open()
        await settle(pilot)
        assert [n.text for n in other.get("challenge-avans").current.notes] == ["One", "Two", "Three"]
        assert app.screen is app.board  # no conflict: each note followed this user's own
        board_matches_database(app, other)


async def test_decide_then_move_on_keeps_the_cursor_and_stores_the_decision(
    app: CyclesApp, gate: Gate, other: Workspace
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await decide_next(pilot, "showcase-boschveld")
        await pilot.pause()
        await go_to(pilot, "visit-kuijpers")  # moved on while the decision is written
        gate.open()
        await settle(pilot)
        assert cursor_key(app) == "visit-kuijpers"
        cycle = other.get("showcase-boschveld")
        assert cycle.iterations[0].decision is not None
        assert cycle.iterations[0].decision.kind is DecisionKind.NEXT
        assert (cycle.current.number, cycle.phase) == (2, Phase.COLLECT)
        board_matches_database(app, other)


async def test_decide_then_undo_before_it_is_stored(app: CyclesApp, gate: Gate, other: Workspace) -> None:
    before = other.get("showcase-boschveld")
    async with app.run_test(size=SIZE) as pilot:
        await decide_next(pilot, "showcase-boschveld")
        await keys_during_slow_frame(pilot, "u")
        gate.open()
        await settle(pilot)
        assert gate.calls == ["decide", "undo"]
        after = other.get("showcase-boschveld")
        assert [e.action for e in other.history("showcase-boschveld")][-2:] == ["decide-next", "undo"]
        assert (after.phase, after.current.number) == (before.phase, before.current.number)
        assert cursor_key(app) == "showcase-boschveld"
        board_matches_database(app, other)


async def test_a_failed_decide_puts_the_card_back_and_says_so(
    app: CyclesApp, gate: Gate, other: Workspace
) -> None:
    gate.fail.add("decide")
    async with app.run_test(size=SIZE) as pilot:
        await decide_next(pilot, "showcase-boschveld")
        await pilot.pause()
        model = app.board.model
        assert model is not None
        assert model.cards["showcase-boschveld"].summary.phase is Phase.COLLECT  # shown at once
        gate.open()
        await settle(pilot)
        assert model.cards["showcase-boschveld"].summary.phase is Phase.EVALUATE  # put back
        said = [n.message for n in app._notifications]
        assert any("Not saved (decide showcase-boschveld)" in m and "disk is full" in m for m in said)
        assert other.get("showcase-boschveld").status is Status.ACTIVE
        board_matches_database(app, other)


async def test_closing_the_board_stores_the_writes_still_queued(
    app: CyclesApp, gate: Gate, other: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    close = app.writes.close

    def close_then_answer(timeout: float = 30.0) -> list[Any]:
        gate.open()  # the database answers only once the app is closing
        return close(timeout)

    monkeypatch.setattr(app.writes, "close", close_then_answer)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await go_to(pilot, "challenge-avans")
        await press(pilot, "m")
        await type_text(pilot, "Written while quitting")
        await pilot.press("enter")
        await pilot.pause()
        assert app.writes.pending == 1
    assert [n.text for n in other.get("challenge-avans").current.notes] == ["Written while quitting"]
    assert app.unsaved == []


def test_the_queue_reports_what_it_could_not_store_at_close() -> None:
    from tui.writes import Write, WriteQueue

    posted: list[Any] = []
    queue = WriteQueue(posted.append)
    held = threading.Event()
    queue.submit(Write("note", "a", lambda: held.wait(5), lambda r: r))
    queue.submit(Write("note", "b", lambda: None, lambda r: r))
    left = queue.close(timeout=0.05)
    held.set()
    assert [w.describe() for w in left] == ["note a", "note b"]
    queue.submit(Write("note", "c", lambda: None, lambda r: r))  # refused, and said so
    assert "closing" in posted[-1].detail


def test_the_queue_reports_every_kind_of_failure() -> None:
    from cycles.errors import ConflictError
    from tui.messages import ActionFailed, ConflictDetected
    from tui.writes import Write, WriteQueue

    posted: list[Any] = []
    queue = WriteQueue(posted.append)

    def raiser(exc: Exception) -> Callable[..., None]:
        def call(**_: Any) -> None:
            raise exc

        return call

    queue.submit(Write("edit", "a", raiser(ConflictError("changed")), lambda r: r, seen=1))
    queue.submit(Write("edit", "b", raiser(CyclesError("refused")), lambda r: r, seen=1))
    queue.submit(Write("edit", "c", raiser(KeyError("boom")), lambda r: r, seen=1))
    assert queue.wait(5)
    assert [type(m) for m in posted] == [ConflictDetected, ActionFailed, ActionFailed]
    assert posted[1].detail == "refused"
    assert "KeyError" in posted[2].detail and "edit c" in posted[2].detail
    assert queue.close() == []
