"""The cycle screen, the timeline, help, the keymap, the palette, themes and the two languages."""

from __future__ import annotations

from textual.command import CommandPalette
from textual.widgets import Input, OptionList, Static

from cycles.i18n import language
from storage.workspace import Workspace
from tests.conftest import FrozenClock
from tests.tui.conftest import SIZE, build, go_to, press, settle, type_text
from tui.app import CyclesApp
from tui.screens.cycle import CycleScreen
from tui.screens.form import FormScreen
from tui.screens.help import HelpScreen
from tui.screens.timeline import TimelineScreen
from tui.widgets.text_lines import TextLines
from tui.widgets.timeline_view import TimelineView


def text(screen: object, selector: str) -> str:
    widget = screen.query_one(selector)  # type: ignore[attr-defined]
    if isinstance(widget, TextLines):
        return widget.plain
    assert isinstance(widget, Static)
    return str(widget.render())


async def test_cycle_screen_shows_the_whole_cycle_and_links_navigate(app: CyclesApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await go_to(pilot, "nano-directors")
        await press(pilot, "enter")
        screen = app.screen
        assert isinstance(screen, CycleScreen)
        header = text(screen, "#header")
        for expected in (
            "Nanomodule",
            "Content scale / Nanomodule",
            "14 days",
            "Anouk",
            "Smart Makers Academy",
        ):
            assert expected in header
        assert "▲ overdue 16 Feb" in header
        iterations = text(screen, "#iterations")
        assert "Twelve directors signed up" in iterations  # a monitoring note
        assert "Directors ask what AI means" in iterations  # collect findings
        assert "Too abstract" in iterations and "Immediate value" in iterations  # the evaluation
        assert "next step" in iterations and "Add a hands-on part" in iterations  # the decision
        assert "#1" in text(screen, "#strip") and "#2" in text(screen, "#strip")
        assert "[nano-directors]" in text(screen, "#cycle-title")
        links = screen.query_one("#links", OptionList)
        links.focus()
        await press(pilot, "enter")  # follow the first link
        linked = app.screen
        assert isinstance(linked, CycleScreen) and linked.key == "training-datascience"
        await press(pilot, "escape", "escape")
        assert app.screen is app.board


async def test_actions_on_the_cycle_screen_update_it_and_the_board(app: CyclesApp, other: Workspace) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await go_to(pilot, "talent-speeddates")
        await press(pilot, "enter")
        screen = app.screen
        assert isinstance(screen, CycleScreen)
        assert screen.check_action("collect", ()) is None  # running: collect is over
        await press(pilot, "v")
        await type_text(pilot, "Matched eight students")
        await press(pilot, "ctrl+s")
        assert "Matched eight students" in text(screen, "#iterations")
        assert "evaluated" in text(screen, "#history")
        model = app.board.model
        assert model is not None and model.positions["talent-speeddates"][1] == 2  # evaluate column
    assert other.get("talent-speeddates").current.evaluation is not None


async def test_timeline_shows_bars_and_funding_coverage(app: CyclesApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "t")
        screen = app.screen
        assert isinstance(screen, TimelineScreen)
        view = screen.query_one(TimelineView)
        labels = [row.label.strip() for row in view.rows]
        assert labels[:4] == [
            "Funding routes",
            "Funding: partner contributions",
            "Funding: subsidy skills innovation",
            "coverage ✗ / 1 / 2+",
        ]
        subsidy = view.rows[2]
        assert len([s for s in subsidy.spans if s[2] in "█▓"]) == 2  # two iterations, a gap between
        coverage = {s[2] for s in view.rows[3].spans}
        assert {"1", "2"} <= coverage  # one route, then overlapping routes
        await press(pilot, "minus")
        assert view.days == 14
        await press(pilot, "escape")
        assert app.screen is app.board


async def test_help_lists_every_key(app: CyclesApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "question_mark")
        screen = app.screen
        assert isinstance(screen, HelpScreen)
        shown = " ".join(str(s.render()) for s in screen.query(Static))
        ids = [
            "board.new", "board.edit", "board.collect", "board.start", "board.note", "board.evaluate",
            "board.decide", "board.link", "board.undo", "board.timeline", "board.search", "board.filter",
            "board.sort", "board.ended", "board.fold", "board.open", "cycle.back", "timeline.zoom_in",
            "form.save", "form.cancel", "app.palette", "app.help", "app.quit", "app.theme",
        ]  # fmt: skip
        assert [i for i in ids if i not in shown] == []
        await press(pilot, "escape")
        assert app.screen is app.board


async def test_user_keymap(workspace: Workspace, clock: FrozenClock) -> None:
    app = build(workspace, clock, keys={"board.decide": "D", "board.new": "a"})
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await go_to(pilot, "partner-tiers")
        await press(pilot, "d")
        assert app.screen is app.board
        await press(pilot, "D")
        assert isinstance(app.screen, FormScreen) and app.screen.heading() == "Decide"
        await press(pilot, "escape", "question_mark")
        assert "D" in " ".join(str(s.render()) for s in app.screen.query(Static))


async def test_palette_entries_are_area_colon_action(app: CyclesApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await go_to(pilot, "challenge-avans")
        titles = [c.title for c in app.get_system_commands(app.board)]
        assert "Cycle: evaluate" in titles and "Cycle: add note" in titles
        assert "Cycle: collect" not in titles  # not allowed while running
        assert "Board: filter and sort" in titles and "App: quit" in titles
        await press(pilot, "ctrl+p")
        assert isinstance(app.screen, CommandPalette)
        assert app.screen.query_one(Input).placeholder == "Search for commands…"
        await type_text(pilot, "Cycle: add note")
        await settle(pilot)
        await press(pilot, "enter")
        assert isinstance(app.screen, FormScreen) and app.screen.heading() == "Monitoring note"


async def test_light_and_dark_themes(workspace: Workspace, clock: FrozenClock) -> None:
    app = build(workspace, clock, user={"theme": "textual-light"})
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.theme == "textual-light"
        await press(pilot, "ctrl+t")
        assert app.theme == "textual-dark"


async def test_dutch(workspace: Workspace, clock: FrozenClock) -> None:
    app = build(workspace, clock, lang="nl")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert language() == "nl"
        assert text(app.board, "#today") == "vrijdag 20 maart 2026"
        cards = "\n".join(
            line.text for line in app.board.view.render_lines(app.board.view.region.reset_offset)
        )
        assert "16 feb" in cards  # babel's Dutch month names
        assert "Inhoudelijke schaal" in cards  # the community file's Dutch labels
