"""The board's fixtures: a SQLite file holding a small portfolio, the app built by ``make_app`` on it
with a frozen clock, no cursor blink and no reminders (unless asked for), and a second Workspace on
the same file (a fresh read, or another user acting behind the app's back)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from cycles import portfolio
from cycles.community import Community
from storage.units.store import Store
from storage.workspace import Workspace
from tests.conftest import FrozenClock
from tui.app import CyclesApp, make_app
from tui.reminders import Sweeper
from tui.settings import Settings

PORTFOLIO = Path(__file__).with_name("portfolio.yaml")
SIZE = (120, 40)


@pytest.fixture
def open_workspace(
    sqlite_url: str, community: Community, clock: FrozenClock
) -> Iterator[Callable[..., Workspace]]:
    stores: list[Store] = []

    def opener(actor: str = "tester") -> Workspace:
        store = Store.open(sqlite_url)
        stores.append(store)
        return Workspace(store, community, actor=actor, clock=clock)

    yield opener
    for store in stores:
        store.close()


@pytest.fixture
def empty_workspace(open_workspace: Callable[..., Workspace]) -> Workspace:
    return open_workspace()


@pytest.fixture
def workspace(empty_workspace: Workspace, community: Community) -> Workspace:
    data = portfolio.read(PORTFOLIO, community)
    for event in data.events:  # the import event names the file: not where this checkout lives
        event.summary = PORTFOLIO.name
    empty_workspace.import_portfolio(data)
    return empty_workspace


@pytest.fixture
def other(open_workspace: Callable[..., Workspace], workspace: Workspace) -> Workspace:
    """Someone else on the same database (and a way to read what was stored)."""
    return open_workspace("someone-else")


def build(
    workspace: Workspace,
    clock: FrozenClock,
    lang: str = "en",
    reminders: bool | Sweeper = False,
    live: bool = False,
    **settings: Any,
) -> CyclesApp:
    """The app on ``workspace``; without reminders unless given a Sweeper (or True: the real
    channels), so that no notification comes between a test and what it looks at."""
    data: dict[str, Any] = {"user": {"name": "tester", "lang": lang, **settings.pop("user", {})}, **settings}
    app = make_app(workspace, Settings.model_validate(data), clock=clock, reminders=reminders, live=live)
    app.cursor_blink = False
    return app


@pytest.fixture
def app(workspace: Workspace, clock: FrozenClock) -> CyclesApp:
    return build(workspace, clock)


def idle(app: CyclesApp) -> bool:
    return app.writes.pending == 0 and all(worker.is_finished for worker in app.workers)


async def settle(pilot: Pilot[Any]) -> None:
    """Let every worker and every queued write finish, and every message they posted be handled."""
    app = pilot.app
    assert isinstance(app, CyclesApp)
    await pilot.pause()
    for _ in range(20):
        if idle(app):
            # A finished worker's last message may start another (the board's load starts the
            # reminders): settled only when a further pause starts nothing new.
            await pilot.pause()
            if idle(app):
                return
            continue
        assert app.writes.wait(timeout=30), "a write did not finish"
        await app.workers.wait_for_complete()
        await pilot.pause()


async def press(pilot: Pilot[Any], *keys: str) -> None:
    for key in keys:
        await pilot.press(key)
        await settle(pilot)


async def type_text(pilot: Pilot[Any], text: str) -> None:
    await pilot.press(*text)
    await pilot.pause()


async def go_to(pilot: Pilot[Any], key: str) -> None:
    """Put the board's cursor on the cycle ``key`` (as arrow keys would)."""
    app = pilot.app
    assert isinstance(app, CyclesApp)
    view = app.board.view
    view.move_to(app.board.model.positions[key])  # type: ignore[union-attr]
    await pilot.pause()
