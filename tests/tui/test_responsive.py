"""What the board's speed-ups must not change: the footer's keys follow the screen and the cycle
under the cursor, a cycle screen shows every iteration and all history (and, reused, only the
cycle opened), a burst of keys in the search field filters by all of them, and a decision shown
while it is written is put back when the write is refused."""

from __future__ import annotations

from textual import events
from textual.containers import VerticalScroll
from textual.pilot import Pilot
from textual.widgets import Input

from cycles.model import DecisionKind, Phase
from storage.workspace import Workspace
from tests.tui.conftest import SIZE, go_to, press, settle, type_text
from tui.app import CyclesApp
from tui.screens.conflict import ConflictScreen
from tui.screens.cycle import CycleScreen
from tui.widgets.text_lines import TextLines


def footer_keys(screen: object) -> dict[str, bool]:
    """The footer's keys by action, each with whether it is enabled."""
    return {k.action: not k.has_class("-disabled") for k in screen.query("FooterKey")}  # type: ignore[attr-defined]


async def test_footer_follows_screens_and_the_cycle_under_the_cursor(app: CyclesApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await go_to(pilot, "visit-kuijpers")  # at collect
        await settle(pilot)
        keys = footer_keys(app.board)
        assert keys["collect"] and not keys["decide"] and not keys["evaluate"]
        await go_to(pilot, "showcase-boschveld")  # waiting for a decision
        await settle(pilot)
        keys = footer_keys(app.board)
        assert keys["decide"] and not keys["collect"] and not keys["start"]
        await press(pilot, "enter")
        assert isinstance(app.screen, CycleScreen)
        keys = footer_keys(app.screen)
        assert keys["back"] and keys["decide"] and not keys["collect"]
        await press(pilot, "escape")
        await go_to(pilot, "visit-kuijpers")
        await press(pilot, "enter")  # the same cycle screen, refilled: the keys follow
        keys = footer_keys(app.screen)
        assert keys["back"] and keys["collect"] and not keys["decide"]
        await press(pilot, "escape")
        keys = footer_keys(app.board)
        assert keys["collect"] and not keys["decide"] and "back" not in keys


def lengthen(ws: Workspace, key: str, rounds: int = 12) -> None:
    """Give ``key`` ``rounds`` more iterations, each decided: a cycle longer than the screen."""
    for n in range(1, rounds + 1):
        ws.decide(key, DecisionKind.NEXT, f"Round {n} done")
        ws.collect(key, need=f"Need of round {n + 1}")
        ws.start(key, "Boschveld")
        ws.note(key, f"Note in round {n + 1}")
        ws.evaluate(key, findings=f"Findings of round {n + 1}")


async def open_cycle(pilot: Pilot[None], key: str) -> CycleScreen:
    """The cycle screen of ``key``, opened from the board as the user does."""
    await settle(pilot)
    await go_to(pilot, key)
    await press(pilot, "enter")
    screen = pilot.app.screen
    assert isinstance(screen, CycleScreen)
    return screen


async def test_cycle_screen_shows_every_iteration_and_all_history(app: CyclesApp, other: Workspace) -> None:
    key = "showcase-boschveld"
    lengthen(other, key)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_cycle(pilot, key)
        iterations = screen.query_one("#iterations", TextLines)
        shown = iterations.plain
        for n in range(1, 14):
            assert f"Iteration {n}" in shown
        assert "Note in round 13" in shown and "Findings of round 2" in shown
        history = screen.query_one("#history", TextLines).plain
        assert history.count("decided: next step") == 12 and "imported" in history
        detail = screen.query_one("#detail", VerticalScroll)
        assert detail.max_scroll_y > 0  # longer than the screen: it scrolls
        detail.scroll_end(animate=False, immediate=True)
        await settle(pilot)
        assert detail.scroll_y == detail.max_scroll_y
        lines = [iterations.render_line(y).text for y in range(iterations.size.height)]
        assert any("Round 1 done" in line for line in lines[-6:])  # the oldest, at the bottom
        assert any("Iteration 13 " in line for line in lines[:2])  # the current, at the top


async def test_a_reused_cycle_screen_shows_only_the_cycle_opened(app: CyclesApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        first = await open_cycle(pilot, "nano-directors")
        assert "Twelve directors signed up" in first.query_one("#iterations", TextLines).plain
        await press(pilot, "escape")
        await go_to(pilot, "visit-kuijpers")
        await press(pilot, "enter")
        second = app.screen
        assert isinstance(second, CycleScreen) and second.key == "visit-kuijpers"
        assert second.cycle is not None and second.cycle.key == "visit-kuijpers"
        assert "Twelve directors" not in second.query_one("#iterations", TextLines).plain
        assert "nano-directors" not in second.query_one("#history", TextLines).plain
        await press(pilot, "escape")
        assert app.screen is app.board


async def test_a_burst_of_keys_in_the_search_field_filters_by_all_of_them(app: CyclesApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "slash")
        search = app.board.query_one("#search", Input)
        assert app.focused is search
        for ch in "funding":  # all queued before the field reads the first: typed faster than drawn
            app.post_message(events.Key(ch, ch))
        await settle(pilot)
        model = app.board.model
        assert model is not None
        assert search.value == "funding" and model.filters.text == "funding" and model.shown == 2
        await type_text(pilot, "-p")  # and one key at a time
        await settle(pilot)
        assert model.filters.text == "funding-p" and model.shown == 1


async def test_a_decision_moves_the_card_and_a_refused_one_is_put_back(
    app: CyclesApp, other: Workspace
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        model = app.board.model
        assert model is not None
        await go_to(pilot, "showcase-boschveld")  # waiting for a decision
        await press(pilot, "d", "tab")
        await type_text(pilot, "Again, bigger")
        await press(pilot, "ctrl+s")
        card = model.cards["showcase-boschveld"].summary
        assert (card.iteration, card.phase, card.version) == (2, Phase.COLLECT, 2)
        assert model.positions["showcase-boschveld"][1] == 0  # in the collect column
        assert other.get("showcase-boschveld").current.number == 2

        await go_to(pilot, "partner-tiers")  # waiting for a decision too
        await press(pilot, "d", "tab")
        await type_text(pilot, "Next round")
        other.edit("partner-tiers", description="Theirs")  # someone else, meanwhile
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, ConflictScreen)
        card = model.cards["partner-tiers"].summary
        assert (card.iteration, card.phase) == (1, Phase.EVALUATE)  # not shown as decided
        assert model.positions["partner-tiers"][1] == 2
        await press(pilot, "r")  # reload: what is stored
        assert model.cards["partner-tiers"].summary.version == 2
    stored = other.get("partner-tiers")
    assert stored.current.decision is None and stored.version == 2


async def test_a_reused_cycle_screen_read_slowly_shows_loading_and_never_the_cycle_before(
    app: CyclesApp, workspace: Workspace, monkeypatch: object
) -> None:
    import threading

    release = threading.Event()
    detail = workspace.detail

    def slow_detail(key: str) -> object:
        if key == "visit-kuijpers":
            release.wait(30)  # held until the test has looked at the screen meanwhile
        return detail(key)

    async with app.run_test(size=SIZE) as pilot:
        first = await open_cycle(pilot, "nano-directors")
        await press(pilot, "escape")
        monkeypatch.setattr(workspace, "detail", slow_detail)  # type: ignore[attr-defined]
        await go_to(pilot, "visit-kuijpers")
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is app.board  # not shown until read (or until SHOW_WAIT has passed)
        first.show_now()  # what the SHOW_WAIT timer does for a slow read
        await pilot.pause()
        assert app.screen is first and first.key == "visit-kuijpers"
        assert first.query_one("#loading").display
        assert str(first.query_one("#cycle-title").render()) == "visit-kuijpers"
        assert first.query_one("#iterations", TextLines).plain == ""
        assert first.query_one("#history", TextLines).plain == ""
        release.set()
        await settle(pilot)
        assert not first.query_one("#loading").display
        assert first.cycle is not None and first.cycle.key == "visit-kuijpers"
        assert "Twelve directors" not in first.query_one("#iterations", TextLines).plain


async def test_a_reused_cycle_screen_starts_at_the_top(app: CyclesApp, other: Workspace) -> None:
    key = "showcase-boschveld"
    lengthen(other, key)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_cycle(pilot, key)
        detail = screen.query_one("#detail", VerticalScroll)
        detail.scroll_end(animate=False, immediate=True)
        await settle(pilot)
        assert detail.scroll_y > 0
        await press(pilot, "escape")
        await go_to(pilot, key)
        await press(pilot, "enter")  # opened again: refilled, as long as before
        assert app.screen is screen and detail.max_scroll_y > 0
        assert detail.scroll_y == 0
