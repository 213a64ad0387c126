"""A stale edit never overwrites: the conflict is shown, nothing is written, reload shows the truth."""

from __future__ import annotations

from textual.widgets import Static

from storage.workspace import Workspace
from tests.tui.conftest import SIZE, go_to, press, settle, type_text
from tui.app import CyclesApp
from tui.screens.conflict import ConflictScreen
from tui.screens.cycle import CycleScreen
from tui.screens.form import FormScreen


async def test_changed_behind_the_boards_back(app: CyclesApp, other: Workspace) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await go_to(pilot, "visit-kuijpers")
        other.collect("visit-kuijpers", need="Their findings")  # someone else, meanwhile
        await press(pilot, "c")
        assert isinstance(app.screen, ConflictScreen)  # before any form: the board was stale
        assert "visit-kuijpers" in str(app.screen.query_one("#conflict-title", Static).render())
        await press(pilot, "r")  # reload
        view = app.board.view
        assert view.selected is not None and view.selected.version == 2
        await press(pilot, "c")  # now the form opens, on what is stored
        assert isinstance(app.screen, FormScreen)
        assert app.screen.text("need") == "Their findings"
    assert other.get("visit-kuijpers").current.collect.need == "Their findings"


async def test_changed_while_the_form_was_open(app: CyclesApp, other: Workspace) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await go_to(pilot, "visit-kuijpers")
        await press(pilot, "c")
        await type_text(pilot, "Mine")
        other.collect("visit-kuijpers", need="Theirs")
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, ConflictScreen)
        await press(pilot, "escape")
        assert app.screen is app.board
    cycle = other.get("visit-kuijpers")
    assert cycle.current.collect.need == "Theirs"
    assert cycle.version == 2
    assert [e.action for e in other.history("visit-kuijpers")] == ["import", "collect"]


async def test_stale_cycle_screen(app: CyclesApp, other: Workspace) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await go_to(pilot, "challenge-avans")
        await press(pilot, "enter")
        assert isinstance(app.screen, CycleScreen)
        other.note("challenge-avans", "Theirs")
        await press(pilot, "m")
        await type_text(pilot, "Mine")
        await press(pilot, "enter")
        assert isinstance(app.screen, ConflictScreen)
        await press(pilot, "r")
        cycle_screen = app.screen
        assert isinstance(cycle_screen, CycleScreen)
        assert cycle_screen.cycle is not None and cycle_screen.cycle.version == 2
    assert [n.text for n in other.get("challenge-avans").current.notes] == ["Theirs"]
