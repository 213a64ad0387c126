"""The board: first paint, lanes and columns, cursor by keys and mouse, filters, sort, folding."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Checkbox, Input, Select, Static

from cycles.model import Status
from storage.workspace import Workspace
from tests.conftest import FrozenClock
from tests.tui.conftest import PORTFOLIO, SIZE, build, go_to, press, settle, type_text
from tui.app import CyclesApp
from tui.screens.filters import FilterForm
from tui.widgets.board_view import BoardView


def text_of(app: CyclesApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def test_board_paints_then_fills_from_a_worker(app: CyclesApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        board = app.board
        assert board.model is not None
        await settle(pilot)
        assert board.model.loaded
        assert len(board.model.cards) == 15  # all cycles in memory, ended ones too
        assert board.model.shown == 13  # dropped and rerouted hidden
        assert "13 of 15 cycles" in text_of(app, "#filters-info")
        lanes = [(lane.scale, [len(c) for c in lane.columns]) for lane in board.model.lanes]
        assert lanes == [("inhoud", [2, 4, 1]), ("netwerk", [1, 1, 1]), ("organisatie", [2, 1, 0])]
        columns = text_of(app, "#columns")
        assert "collect · 5" in columns and "run and monitor · 6" in columns and "evaluate · 2" in columns


async def test_due_badges_say_it_in_words_and_symbols(app: CyclesApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = "\n".join(
            line.text for line in app.board.view.render_lines(app.board.view.region.reset_offset)
        )
        assert "▲ overdue 16 Feb" in screen
        assert "● due today" in screen
        assert "○ upcoming 24 Mar" in screen


async def test_cursor_moves_with_arrows_and_opens_with_enter(app: CyclesApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        view = app.board.view
        assert view.selected is not None and view.selected.key == "training-datascience"
        await press(pilot, "down")
        assert view.selected.key == "visit-kuijpers"
        await press(pilot, "down")  # past the lane's last card: into the next lane
        assert view.selected.key == "satellite-domex"
        await press(pilot, "right", "right")
        assert view.selected.key == "partner-tiers"
        await press(pilot, "up")
        assert view.selected.key == "showcase-boschveld"
        await press(pilot, "end")
        assert view.selected.key == "funding-partners"
        await press(pilot, "home")
        assert view.selected.key == "training-datascience"
        await press(pilot, "enter")
        assert app.screen.__class__.__name__ == "CycleScreen"
        assert app.screen.key == "training-datascience"  # type: ignore[attr-defined]


async def test_mouse_click_selects_and_double_click_opens(app: CyclesApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        view = app.board.view
        y = view.model.card_y(view.model.positions["challenge-avans"]) - int(view.scroll_offset.y)
        x = view.column_width() + 5
        await pilot.click(BoardView, offset=(x, y))
        await settle(pilot)
        assert view.selected is not None and view.selected.key == "challenge-avans"
        await pilot.click(BoardView, offset=(x, y), times=2)
        await settle(pilot)
        assert app.screen.key == "challenge-avans"  # type: ignore[attr-defined]


async def test_clicking_a_lane_header_folds_it(app: CyclesApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        model = app.board.model
        assert model is not None
        header = model.starts[1]
        await pilot.click(BoardView, offset=(3, header))
        await settle(pilot)
        assert model.lanes[1].collapsed
        await go_to(pilot, "training-datascience")
        await press(pilot, "z")
        assert model.lanes[0].collapsed
        view = app.board.view
        assert view.selected is not None and view.selected.scale == "organisatie"


async def test_search_filters_as_you_type(app: CyclesApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "slash")
        assert isinstance(app.focused, Input)
        await type_text(pilot, "funding")
        await settle(pilot)
        model = app.board.model
        assert model is not None and model.shown == 2
        assert "2 of 15 cycles" in text_of(app, "#filters-info")
        await press(pilot, "enter")  # back to the board
        assert isinstance(app.focused, BoardView)
        assert app.board.view.selected is not None
        assert app.board.view.selected.activity_type == "funding-route"
        await press(pilot, "e")  # a key again: edit the cycle under the cursor
        assert app.screen.__class__.__name__ == "EditForm"


async def test_escape_in_the_search_field_clears_the_search(app: CyclesApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "slash")
        await type_text(pilot, "funding")
        await settle(pilot)
        model = app.board.model
        assert model is not None and model.shown == 2
        await press(pilot, "escape")
        assert isinstance(app.focused, BoardView)
        assert app.board.query_one("#search", Input).value == ""
        assert model.filters.text == "" and model.shown == 13


async def test_filter_form_and_sort_and_ended(app: CyclesApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        model = app.board.model
        assert model is not None
        await press(pilot, "a")
        assert model.shown == 15 and model.filters.show_ended
        ended = [k for k, c in model.cards.items() if c.summary.status is not Status.ACTIVE]
        assert all(model.positions[k][1] == 2 for k in ended)  # they stand where they were decided
        await press(pilot, "o")
        assert model.filters.sort == "name"
        await press(pilot, "f")
        form = app.screen
        assert isinstance(form, FilterForm)
        form.query_one("#owner", Select).value = "Anouk"
        form.query_one("#ended", Checkbox).value = False
        await settle(pilot)
        await press(pilot, "ctrl+s")
        assert model.filters.owner == "Anouk"
        assert sorted(model.positions) == ["nano-directors", "visit-kuijpers"]
        await press(pilot, "f")
        app.screen.query_one("#due", Select).value = "due"
        await settle(pilot)
        await press(pilot, "ctrl+s")
        assert sorted(model.positions) == ["nano-directors"]  # overdue counts as due


@pytest.fixture
def example(monkeypatch: pytest.MonkeyPatch) -> Path:
    import cycles.communities

    monkeypatch.setattr(cycles.communities, "example_path", lambda: PORTFOLIO)
    return PORTFOLIO


async def test_empty_database_shows_how_to_fill_it(
    empty_workspace: Workspace, clock: FrozenClock, example: Path
) -> None:
    app = build(empty_workspace, clock)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        hint = app.board.query_one("#hint", Static)
        assert hint.display
        assert "cycles import examples/spark.yaml" in str(hint.render())
        await press(pilot, "i")
        assert not hint.display
        assert len(empty_workspace.list()) == 13
