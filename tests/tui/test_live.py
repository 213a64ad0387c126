"""Every board shows every colleague's change, without a key pressed: on a SQLite file and on
PostgreSQL. Another Workspace (another process's connection) writes; the board is waited on for
the change to show (up to 2 s, the promise), never slept on for a fixed time."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from textual.pilot import Pilot

from cycles import portfolio
from cycles.community import Community
from cycles.model import Phase
from storage.units.store import Store
from storage.workspace import Workspace
from tests.conftest import FrozenClock
from tests.tui.conftest import PORTFOLIO, SIZE, build, go_to, settle
from tui.screens.cycle import CycleScreen

PROMISE_S = 2.0


@pytest.fixture
def shared(db_url: str, community: Community, clock: FrozenClock) -> Iterator[tuple[Workspace, Workspace]]:
    """The board's workspace and a colleague's, on one database holding the test portfolio."""
    mine, theirs = Store.open(db_url), Store.open(db_url)
    me = Workspace(mine, community, actor="tester", clock=clock)
    me.import_portfolio(portfolio.read(PORTFOLIO, community))
    yield me, Workspace(theirs, community, actor="Femke", clock=clock)
    mine.close()
    theirs.close()


async def shows(pilot: Pilot[Any], condition: Callable[[], bool]) -> float:
    """Seconds until ``condition`` holds on the running app; fails past the promise."""
    start = time.monotonic()
    while not condition():
        assert time.monotonic() - start < PROMISE_S, "not shown within the promised time"
        await pilot.pause(0.05)
    return time.monotonic() - start


async def test_a_colleagues_change_shows_on_the_board_with_no_key_pressed(
    shared: tuple[Workspace, Workspace], clock: FrozenClock
) -> None:
    me, femke = shared
    app = build(me, clock, live=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await go_to(pilot, "nano-directors")
        model = app.board.model
        assert model is not None
        before = model.total
        femke.collect("visit-kuijpers", need="Robot masonry")
        femke.start("visit-kuijpers", "Kuijpers plant")
        femke.create(name="Tasting with suppliers", activity_type="event", key="tasting")
        await shows(pilot, lambda: "tasting" in model.cards)
        await shows(pilot, lambda: model.cards["visit-kuijpers"].summary.phase is Phase.RUN)
        assert model.total == before + 1
        assert app.board.view.selected is not None
        assert app.board.view.selected.key == "nano-directors"  # the cursor stayed where it was
        said = "\n".join(n.message for n in app._notifications)
        assert "Femke started the run of Company visit Kuijpers" in said
        assert "Femke added Tasting with suppliers" in said


async def test_an_open_cycle_follows_a_colleagues_note(
    shared: tuple[Workspace, Workspace], clock: FrozenClock
) -> None:
    me, femke = shared
    app = build(me, clock, live=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_cycle("nano-directors")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CycleScreen)
        femke.note("nano-directors", "The aldermen want to join")
        await shows(
            pilot,
            lambda: (
                screen.cycle is not None
                and [n.text for n in screen.cycle.current.notes][-1:] == ["The aldermen want to join"]
            ),
        )


async def test_this_boards_own_changes_are_not_announced(
    shared: tuple[Workspace, Workspace], clock: FrozenClock
) -> None:
    from tui.live import who_did_what

    me, femke = shared
    seen: set[int] = set()
    marker = me.marker(seen)
    me.edit("nano-directors", description="mine")
    femke.edit("visit-kuijpers", description="hers")
    said = who_did_what(me.changes_since(marker, seen), "tester")
    assert said == "Femke edited Company visit Kuijpers"
