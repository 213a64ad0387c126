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
        form = app.screen  # the note form again, with the note typed
        assert isinstance(form, FormScreen) and form.text("text") == "Mine"
        await press(pilot, "escape")  # not saved after all
        cycle_screen = app.screen
        assert isinstance(cycle_screen, CycleScreen)
        assert cycle_screen.cycle is not None and cycle_screen.cycle.version == 2
    assert [n.text for n in other.get("challenge-avans").current.notes] == ["Theirs"]


async def test_a_conflict_keeps_what_you_typed(app: CyclesApp, other: Workspace) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await go_to(pilot, "visit-kuijpers")
        await press(pilot, "c")
        await type_text(pilot, "Robot masonry, seen up close")
        other.collect("visit-kuijpers", need="Theirs")  # a colleague, meanwhile
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, ConflictScreen)
        said = " ".join(str(s.render()) for s in app.screen.query(Static))
        assert "your form opens again with what you typed" in said
        await press(pilot, "r")
        form = app.screen
        assert isinstance(form, FormScreen)
        assert form.text("need") == "Robot masonry, seen up close"  # not typed again
        await press(pilot, "ctrl+s")  # one key saves it on top of their change
        assert app.screen is app.board
    cycle = other.get("visit-kuijpers")
    assert cycle.current.collect.need == "Robot masonry, seen up close"
    assert [e.actor for e in other.history("visit-kuijpers")][-2:] == ["someone-else", "tester"]


async def test_a_decision_refused_as_a_conflict_opens_again_as_decided(
    app: CyclesApp, other: Workspace
) -> None:
    from cycles.model import DecisionKind

    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await go_to(pilot, "showcase-boschveld")
        await press(pilot, "d")
        await press(pilot, "down", "space", "tab")  # other route
        await type_text(pilot, "A school wants the homes")
        other.edit("showcase-boschveld", description="Theirs")
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, ConflictScreen)
        await press(pilot, "r")
        form = app.screen
        assert isinstance(form, FormScreen)
        assert form.text("why") == "A school wants the homes"
        assert form.kind is DecisionKind.ROUTE  # type: ignore[attr-defined]
