"""The scheduler only ticks: 09:00 on the wall clock across daylight-saving changes, late ticks run
instead of being dropped, and on the board's loop the sweep runs in a thread."""

from __future__ import annotations

import asyncio
import threading
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from storage.reminders.claims import InboxEntry
from storage.workspace import Workspace
from tests.conftest import FrozenClock
from tests.reminders.conftest import SmtpServer, add_cycle, local, make_settings, sweeper
from tui.reminders import InAppReminders, sweep_trigger
from tui.reminders.schedule import job_options

AMS = ZoneInfo("Europe/Amsterdam")


def utc(year: int, month: int, day: int, hour: int) -> datetime:
    return datetime(year, month, day, hour, tzinfo=UTC)


def fire_times(trigger: object, start: datetime, end: datetime) -> list[datetime]:
    out: list[datetime] = []
    previous, now = None, start
    while True:
        nxt = trigger.get_next_fire_time(previous, now)  # type: ignore[attr-defined]
        if nxt is None or nxt > end:
            return out
        out.append(nxt.astimezone(UTC))
        previous = now = nxt


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        (
            date(2026, 3, 27),
            [utc(2026, 3, 27, 8), utc(2026, 3, 28, 8), utc(2026, 3, 29, 7), utc(2026, 3, 30, 7)],
        ),
        (
            date(2026, 10, 23),
            [utc(2026, 10, 23, 7), utc(2026, 10, 24, 7), utc(2026, 10, 25, 8), utc(2026, 10, 26, 8)],
        ),
    ],
)
def test_a_daily_cron_at_nine_follows_the_wall_clock(start: date, expected: list[datetime]) -> None:
    from apscheduler.triggers.cron import CronTrigger

    trigger = CronTrigger(hour=9, timezone=AMS)
    begin = datetime.combine(start, time(0), tzinfo=AMS)
    assert fire_times(trigger, begin, begin + timedelta(days=4)) == expected


@pytest.mark.parametrize(
    ("due", "days", "spring"),
    [(date(2026, 3, 25), range(25, 32), True), (date(2026, 10, 21), range(21, 28), False)],
)
def test_a_nine_oclock_reminder_fires_once_a_day_at_nine_across_daylight_saving(
    sqlite_workspace: Workspace, smtp: SmtpServer, due: date, days: range, spring: bool
) -> None:
    settings = make_settings(smtp.port, overdue_every_days=1, sweep_minutes=60)
    add_cycle(sqlite_workspace, "nano", due)
    s = sweeper(sqlite_workspace, settings)
    month = due.month
    # From the due day on, daily overdue reminders. Hourly ticks at :17 past, so only the
    # 09:00 cron part of the trigger can hit 09:00.
    begin = datetime.combine(date(2026, month, days[0]), time(0, 17), tzinfo=AMS)
    trigger = sweep_trigger(60, time(9, 0), AMS, start=begin)
    sent: list[datetime] = []
    ticks = fire_times(trigger, begin, begin + timedelta(days=len(days)) - timedelta(hours=1))
    for tick in ticks:
        sent += [tick for _ in s.sweep(tick).sent]
    change = 29 if spring else 25
    want = [datetime.combine(date(2026, month, d), time(9), tzinfo=AMS).astimezone(UTC) for d in days]
    catch_up, *daily = sent
    assert catch_up == begin  # the upcoming reminder nothing sent before: at the first tick
    assert daily == want  # then due, and overdue every day, each at 09:00 on the wall clock
    for d, instant in zip(days, daily, strict=True):
        before_change = d < change
        summer = before_change != spring  # spring: winter time before; autumn: summer time before
        assert instant.hour == (7 if summer else 8)
    assert len(smtp.mailbox.messages) == len(days) + 1


def test_a_late_tick_runs_instead_of_being_dropped() -> None:
    from apscheduler.events import EVENT_JOB_EXECUTED, EVENT_JOB_MISSED
    from apscheduler.schedulers.background import BackgroundScheduler

    scheduler = BackgroundScheduler(timezone=AMS)
    outcome: dict[str, str] = {}
    done = threading.Event()

    def listen(event: object) -> None:
        outcome[event.job_id] = "ran" if event.code == EVENT_JOB_EXECUTED else "missed"  # type: ignore[attr-defined]
        if len(outcome) == 2:
            done.set()

    scheduler.add_listener(listen, EVENT_JOB_EXECUTED | EVENT_JOB_MISSED)
    # The machine slept through twelve ticks; the latest of them was due 2.5 minutes ago.
    an_hour_ago = datetime.now(AMS) - timedelta(minutes=62.5)
    ours = job_options(AMS) | {"id": "ours", "next_run_time": an_hour_ago}
    scheduler.add_job(lambda: None, "interval", minutes=5, **ours)
    scheduler.add_job(lambda: None, "interval", minutes=5, id="default", next_run_time=an_hour_ago)
    scheduler.start()
    try:
        assert done.wait(10)
    finally:
        scheduler.shutdown(wait=False)
    # APScheduler's default grace of 1 s drops it; ours (None, coalesced) runs it once.
    assert outcome == {"ours": "ran", "default": "missed"}


async def test_in_app_reminders_sweep_off_the_loop_and_report_new_entries(
    sqlite_workspace: Workspace, smtp: SmtpServer
) -> None:
    due = date(2026, 3, 16)
    add_cycle(sqlite_workspace, "a", due)
    add_cycle(sqlite_workspace, "b", due + timedelta(days=1))
    clock = sqlite_workspace.clock
    assert isinstance(clock, FrozenClock)
    clock.set(local(due, 9, 5))
    loop_thread = threading.get_ident()
    calls: list[tuple[int, list[InboxEntry], list[InboxEntry]]] = []
    ticked = asyncio.Event()

    def on_reminders(new: list[InboxEntry], inbox: list[InboxEntry]) -> None:
        calls.append((threading.get_ident(), new, inbox))
        ticked.set()

    reminders = InAppReminders(sqlite_workspace, make_settings(smtp.port), on_reminders)
    sweep_threads: list[int] = []
    real_sweep = reminders.sweeper.sweep

    def sweep(now: datetime):  # type: ignore[no-untyped-def]
        sweep_threads.append(threading.get_ident())
        return real_sweep(now)

    reminders.sweeper.sweep = sweep  # type: ignore[method-assign]
    await reminders.start()
    try:
        await asyncio.wait_for(ticked.wait(), 20)  # the first tick runs at start: catch-up
    finally:
        reminders.stop()
    thread, new, inbox = calls[0]
    assert thread == loop_thread and sweep_threads and loop_thread not in sweep_threads
    assert [(e.cycle, e.kind.value, e.sent) for e in inbox] == [("a", "due", True), ("b", "upcoming", True)]
    assert new == inbox
    assert len(smtp.mailbox.messages) == 2

    assert await reminders.tick() == []  # nothing new for this board
    assert len(smtp.mailbox.messages) == 2
    await asyncio.to_thread(reminders.acknowledge, "a")
    await reminders.tick()
    assert [e.cycle for e in calls[-1][2]] == ["b"]
    until = await asyncio.to_thread(reminders.snooze, "b", 2)
    assert until == due + timedelta(days=2)
    assert await asyncio.to_thread(reminders.inbox) == []
