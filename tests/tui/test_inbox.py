"""Evaluation reminders in the board: the notification, the inbox, and what its keys store.

The app sweeps with a Sweeper that has no channels (no SMTP, no desktop), so every reminder is
delivered to the inbox only. Time is the frozen clock (2026-03-20 09:00 UTC, 10:00 in Amsterdam):
the fixture portfolio then owes six reminders, sorted by due date:

    event-digital-group   overdue   (run)        micro-industrial      overdue   (run)
    nano-directors        overdue   (run)        challenge-avans       due       (run)
    training-datascience  upcoming  (collect)    funding-partners      upcoming  (run)
"""

from __future__ import annotations

import asyncio
import threading
from datetime import date, datetime
from typing import Any

import pytest
from babel.dates import format_date
from sqlalchemy import select
from textual.command import CommandPalette
from textual.pilot import Pilot
from textual.widgets import Input, Static

from cycles.community import Community
from storage.reminders.claims import ReminderStore
from storage.schema.tables import ReminderStateRow
from storage.workspace import Workspace
from tests.conftest import FrozenClock
from tests.tui.conftest import SIZE, build, go_to, press, settle, type_text
from tui.app import CyclesApp, make_app
from tui.reminders import Sweeper, policy_for
from tui.screens.cycle import CycleScreen
from tui.screens.evaluate import EvaluateForm
from tui.screens.help import HelpScreen
from tui.screens.inbox import InboxScreen, SnoozeForm
from tui.settings import Settings
from tui.widgets.inbox_badge import InboxBadge
from tui.widgets.inbox_list import InboxView

OWED = [
    "event-digital-group",
    "micro-industrial",
    "nano-directors",
    "challenge-avans",
    "training-datascience",
    "funding-partners",
]


def reminder_store(workspace: Workspace, community: Community) -> ReminderStore:
    return ReminderStore(workspace.store, policy_for(community, Settings().reminders))


@pytest.fixture
def sweeper(workspace: Workspace, community: Community) -> Sweeper:
    """Sweeps the app's database and delivers to the inbox only."""
    return Sweeper(reminder_store(workspace, community), Settings())


@pytest.fixture
def app(workspace: Workspace, clock: FrozenClock, sweeper: Sweeper) -> CyclesApp:
    return build(workspace, clock, reminders=sweeper)


def messages(app: CyclesApp) -> list[str]:
    return [n.message for n in app._notifications]


def inbox(app: CyclesApp) -> InboxScreen:
    screen = app.screen
    assert isinstance(screen, InboxScreen)
    return screen


def lines(screen: InboxScreen) -> list[str]:
    view = screen.view
    return [view.render_line(y).text for y in range(len(view.entries))]


async def choose(pilot: Pilot[Any], key: str) -> InboxView:
    view = inbox(pilot.app).view  # type: ignore[arg-type]
    view.move_to([e.cycle for e in view.entries].index(key))
    await pilot.pause()
    return view


async def test_due_reminders_notify_and_fill_the_inbox(app: CyclesApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)  # the reminders worker is done when the first tick has reported
        assert messages(app) == [
            "6 evaluations need attention: ▲ 3 overdue · ● 1 due · ○ 2 upcoming — press b for the inbox"
        ]
        badge = app.board.query_one(InboxBadge)
        assert badge.display and str(badge.render()) == "✉ 6 reminders (b)"
        footer = {k.action: k for k in app.board.query("FooterKey")}  # type: ignore[attr-defined]
        assert "inbox" in footer

        await press(pilot, "b")
        screen = inbox(app)
        assert [e.cycle for e in screen.view.entries] == OWED
        assert "6 reminders" in str(screen.query_one("#inbox-title", Static).render())
        shown = lines(screen)
        first = shown[0]
        for part in ("▲ overdue", "Bouwend Nederland digitalisation group", "Bram", "it. 1", "24 Dec 2025"):
            assert part in first
        assert "sent" in first and "not sent" not in first  # delivered to the inbox by the sweep
        assert "● due" in shown[3] and "20 Mar" in shown[3]
        assert "○ upcoming" in shown[4] and "24 Mar" in shown[4]
        assert not screen.query_one("#inbox-empty").display

        # A day later the due one is overdue: one new reminder, told in one line by name.
        app.clock.advance(days=1)  # type: ignore[attr-defined]
        assert app.reminders is not None
        new = await app.reminders.tick()
        await settle(pilot)
        assert [e.cycle for e in new or []] == ["challenge-avans"]
        assert messages(app)[-1] == (
            "▲ overdue: Minor challenge circular facades (due 20 Mar) — press b for the inbox"
        )
        assert "▲ overdue" in lines(inbox(app))[3]  # the open inbox follows the tick

        await press(pilot, "escape")
        assert app.screen is app.board


async def test_the_sweep_runs_off_the_event_loop_and_never_blocks_a_key(
    workspace: Workspace, clock: FrozenClock, sweeper: Sweeper
) -> None:
    """The first sweep is held until the test lets it go: meanwhile the board answers keys."""
    loop_thread = threading.get_ident()
    started, release = threading.Event(), threading.Event()
    sweep_threads: list[int] = []
    real_sweep = sweeper.sweep

    def held_sweep(now: datetime) -> Any:
        sweep_threads.append(threading.get_ident())
        started.set()
        release.wait(timeout=30)
        return real_sweep(now)

    sweeper.sweep = held_sweep  # type: ignore[method-assign]
    app = build(workspace, clock, reminders=sweeper)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            assert await asyncio.to_thread(started.wait, 30)  # the sweep is running, in its thread
            await pilot.pause()
            assert not messages(app)
            await go_to(pilot, "visit-kuijpers")
            await pilot.press("down")  # the cursor moves while the sweep is held
            await pilot.pause()
            assert app.board.selected() is not None
            assert app.board.selected().key != "visit-kuijpers"  # type: ignore[union-attr]
            await pilot.press("b")  # and the inbox opens
            await pilot.pause()
            assert isinstance(app.screen, InboxScreen)
            release.set()
            await settle(pilot)
            assert len(messages(app)) == 1
            assert [e.cycle for e in inbox(app).view.entries] == OWED
    finally:
        release.set()
    assert sweep_threads and all(t != loop_thread for t in sweep_threads)


async def test_enter_opens_the_evaluate_form_and_saving_stores_it(app: CyclesApp, other: Workspace) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "b")
        await choose(pilot, "nano-directors")
        await press(pilot, "enter")
        form = app.screen
        assert isinstance(form, EvaluateForm)
        assert form.subtitle == "Nanomodule AI for directors · iteration 2"
        await type_text(pilot, "Hands-on part worked; directors asked for a follow-up")
        await press(pilot, "ctrl+s")
        assert "Evaluation saved for Nanomodule AI for directors" in messages(app)
        screen = inbox(app)  # back in the inbox, which no longer holds the evaluated cycle
        assert "nano-directors" not in [e.cycle for e in screen.view.entries]
        assert len(screen.view.entries) == 5
        assert str(app.board.query_one(InboxBadge).render()) == "✉ 5 reminders (b)"
    evaluation = other.get("nano-directors").current.evaluation
    assert evaluation is not None
    assert evaluation.findings == "Hands-on part worked; directors asked for a follow-up"


async def test_enter_on_a_cycle_at_collect_opens_the_cycle_and_says_why(app: CyclesApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "b")
        await choose(pilot, "training-datascience")
        await press(pilot, "enter")
        screen = app.screen
        assert isinstance(screen, CycleScreen) and screen.key == "training-datascience"
        assert messages(app)[-1] == (
            "Smart building with data science and AI is at collect: record the collect findings (c) "
            "and start the run (s) before you evaluate it."
        )
        await press(pilot, "escape")
        assert isinstance(app.screen, InboxScreen)


async def test_acknowledge_removes_the_entry(
    app: CyclesApp, workspace: Workspace, community: Community, clock: FrozenClock
) -> None:
    threads: list[int] = []
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.reminders is not None
        real = app.reminders.acknowledge

        def acknowledge(key: str) -> Any:
            threads.append(threading.get_ident())
            return real(key)

        app.reminders.acknowledge = acknowledge  # type: ignore[method-assign]
        await press(pilot, "b")
        await choose(pilot, "micro-industrial")
        await press(pilot, "a")
        assert "micro-industrial" not in [e.cycle for e in inbox(app).view.entries]
        assert len(inbox(app).view.entries) == 5
        assert inbox(app).view.selected is not None  # the cursor stays near where it was
        assert messages(app)[-1] == ("Reminder for Micro learning community industrial building acknowledged")
    assert threads and threading.get_ident() not in threads  # a thread worker did it
    store = reminder_store(workspace, community)
    records = [r for r in store.records(clock()) if r.cycle == "micro-industrial"]
    assert [r.status for r in records] == ["acknowledged"]
    assert "micro-industrial" not in [e.cycle for e in store.inbox(clock())]


async def test_snooze_removes_the_entry_and_records_the_snooze(
    app: CyclesApp, workspace: Workspace, community: Community, clock: FrozenClock
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "b")
        await choose(pilot, "event-digital-group")
        await press(pilot, "s")
        form = app.screen
        assert isinstance(form, SnoozeForm)
        assert form.query_one("#days", Input).value == "7"  # proposed
        form.query_one("#days").focus()
        await press(pilot, "ctrl+a", "ctrl+k")
        await type_text(pilot, "400")
        assert form.query_one("#save").disabled  # at most a year
        await press(pilot, "ctrl+a", "ctrl+k")
        await type_text(pilot, "3")
        await press(pilot, "enter")
        assert "event-digital-group" not in [e.cycle for e in inbox(app).view.entries]
        assert messages(app)[-1] == (
            "Reminders for Bouwend Nederland digitalisation group snoozed until 23 Mar"
        )
    store = reminder_store(workspace, community)
    states = ReminderStateRow.__table__.c  # type: ignore[attr-defined]
    with workspace.store.read() as repo:
        snoozed = repo.session.execute(
            select(states.snoozed_until, states.snoozed_by).where(states.cycle == "event-digital-group")
        ).one()
    assert tuple(snoozed) == (date(2026, 3, 23), "tester")
    assert "event-digital-group" not in [e.cycle for e in store.inbox(clock())]
    clock.advance(days=3)  # the snooze is over: the reminder is back
    assert "event-digital-group" in [e.cycle for e in store.inbox(clock())]


async def test_inbox_in_the_palette_and_in_help(app: CyclesApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        titles = [c.title for c in app.get_system_commands(app.board)]
        assert "Reminders: inbox" in titles
        await press(pilot, "ctrl+p")
        assert isinstance(app.screen, CommandPalette)
        await type_text(pilot, "Reminders: inbox")
        await settle(pilot)
        await press(pilot, "enter")
        screen = inbox(app)
        titles = [c.title for c in app.get_system_commands(screen)]
        assert {"Reminders: evaluate", "Reminders: acknowledge", "Reminders: snooze"} <= set(titles)
        await press(pilot, "escape", "question_mark")
        assert isinstance(app.screen, HelpScreen)
        body = " ".join(str(s.render()) for s in app.screen.query(Static))
        for part in ("board.inbox", "reminders inbox", "inbox.acknowledge", "inbox.snooze"):
            assert part in body


async def test_dates_in_the_chosen_language(
    workspace: Workspace, clock: FrozenClock, sweeper: Sweeper
) -> None:
    app = build(workspace, clock, lang="nl", reminders=sweeper)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "b")
        first = lines(inbox(app))[0]
        assert format_date(date(2025, 12, 24), "d MMM y", locale="nl") in first


async def test_without_reminders_there_is_no_inbox(workspace: Workspace, clock: FrozenClock) -> None:
    app = build(workspace, clock)  # reminders=False, as every other board test
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.reminders is None and not messages(app)
        await press(pilot, "b")
        assert app.screen is app.board
        footer = {k.action for k in app.board.query("FooterKey")}  # type: ignore[attr-defined]
        assert "inbox" not in footer
        assert "Reminders: inbox" not in [c.title for c in app.get_system_commands(app.board)]
        assert not app.board.query_one(InboxBadge).display


def test_reminders_are_on_unless_turned_off(workspace: Workspace, clock: FrozenClock) -> None:
    assert make_app(workspace, Settings(), clock=clock).reminders_enabled
    assert not make_app(workspace, Settings(), clock=clock, reminders=False).reminders_enabled


async def test_clicking_the_badge_opens_the_inbox(app: CyclesApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert await pilot.click("#reminders")
        await settle(pilot)
        assert [e.cycle for e in inbox(app).view.entries] == OWED
