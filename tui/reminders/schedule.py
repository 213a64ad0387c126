"""Ticking the sweep with APScheduler 3.x: headless (``cycles remind``) or on the board's loop.

One job per process, in APScheduler's in-memory job store: the scheduler only decides *when* to
sweep; *what* to send is decided by the database claims, so several processes ticking at once
are harmless. (A job store shared between schedulers runs jobs twice; we never share one.)

The job runs at start (catch-up after the process was down), every ``sweep_minutes``, and at the
community's reminder time in its zone (so a 09:00 reminder goes out at 09:00, on the wall clock,
across daylight-saving changes). ``misfire_grace_time=None`` with ``coalesce=True``: a tick missed
while the machine slept runs once when it wakes, never dropped, never piled up.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from cycles.errors import CyclesError
from cycles.reminders import Reminder
from storage.records import InboxEntry
from tui.reminders.sweep import Sweeper, SweepReport

if TYPE_CHECKING:
    from storage.workspace import Workspace
    from tui.settings import Settings

log = logging.getLogger(__name__)

JOB_ID = "reminder-sweep"
Clock = Callable[[], datetime]


def sweep_trigger(sweep_minutes: int, send_time: time, zone: ZoneInfo, start: datetime | None = None) -> Any:
    """Every ``sweep_minutes`` (from ``start``, default now), and at ``send_time`` on the wall clock
    of ``zone``."""
    from apscheduler.triggers.combining import OrTrigger
    from apscheduler.triggers.cron import CronTrigger
    from apscheduler.triggers.interval import IntervalTrigger

    return OrTrigger(
        [
            IntervalTrigger(minutes=sweep_minutes, start_date=start, timezone=zone),
            CronTrigger(hour=send_time.hour, minute=send_time.minute, second=send_time.second, timezone=zone),
        ]
    )


def job_options(zone: ZoneInfo) -> dict[str, Any]:
    return {
        "id": JOB_ID,
        "name": "reminder sweep",
        "misfire_grace_time": None,  # run however late: the default (1 s) would drop a late tick
        "coalesce": True,  # several missed ticks run as one
        "max_instances": 1,  # a slow sweep is never overlapped by the next tick
        "next_run_time": datetime.now(zone),  # catch up at start
        "replace_existing": True,
    }


def serve(sweeper: Sweeper, clock: Clock, on_report: Callable[[SweepReport], None]) -> None:
    """Sweep until stopped (Ctrl+C or SIGTERM), in the foreground: ``cycles remind``."""
    import signal
    import threading

    from apscheduler.executors.pool import ThreadPoolExecutor
    from apscheduler.schedulers.blocking import BlockingScheduler

    policy = sweeper.policy
    scheduler = BlockingScheduler(timezone=policy.zone, executors={"default": ThreadPoolExecutor(1)})

    def tick() -> None:
        try:
            on_report(sweeper.sweep(clock()))
        except CyclesError as exc:  # database unreachable: say so, try again at the next tick
            log.error("reminder sweep failed: %s", exc)

    trigger = sweep_trigger(sweeper.settings.reminders.sweep_minutes, policy.send_time, policy.zone)
    scheduler.add_job(tick, trigger, **job_options(policy.zone))

    def stop(_signum: int, _frame: object) -> None:
        scheduler.shutdown(wait=False)

    # systemd stops a service with SIGTERM; only the main thread may install a handler.
    in_main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, stop) if in_main else None
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        if in_main:
            signal.signal(signal.SIGTERM, previous)


OnReminders = Callable[[list[InboxEntry], list[InboxEntry]], None]


class InAppReminders:
    """Reminders inside the board: sweeps on the board's asyncio loop, inbox for its panel.

    ``start()`` (awaited on the running loop, e.g. in ``App.on_mount``) creates an
    AsyncIOScheduler on that loop. Each tick runs the sweep and reads the inbox in a thread, so
    the loop never waits on the database or SMTP, then calls ``on_reminders(new, inbox)`` on the
    loop: ``new`` are the entries this board has not reported before (all of them at the first
    tick), ``inbox`` everything owed and not acknowledged. The other methods block: call them
    from a thread worker.
    """

    def __init__(
        self,
        workspace: Workspace,
        settings: Settings,
        on_reminders: OnReminders,
        *,
        sweep: bool = True,
        sweeper: Sweeper | None = None,
    ) -> None:
        self.workspace = workspace
        self.settings = settings
        self.on_reminders = on_reminders
        self.sweeper = sweeper or Sweeper.build(workspace, settings)
        self.sweeping = sweep
        self.last_report: SweepReport | None = None
        self._seen: set[tuple[str, int, date, int]] = set()
        self._scheduler: Any = None

    async def start(self) -> None:
        from apscheduler.schedulers.asyncio import AsyncIOScheduler

        policy = self.sweeper.policy
        self._scheduler = AsyncIOScheduler(event_loop=asyncio.get_running_loop(), timezone=policy.zone)
        trigger = sweep_trigger(self.settings.reminders.sweep_minutes, policy.send_time, policy.zone)
        self._scheduler.add_job(self.tick, trigger, **job_options(policy.zone))
        self._scheduler.start()

    def stop(self) -> None:
        if self._scheduler is not None and self._scheduler.running:
            self._scheduler.shutdown(wait=False)
        self._scheduler = None

    async def tick(self) -> list[InboxEntry] | None:
        """One sweep and inbox read off the loop; the callback runs on the loop."""
        try:
            report, inbox = await asyncio.to_thread(self._work)
        except CyclesError as exc:
            log.error("reminder sweep failed: %s", exc)
            return None
        except asyncio.CancelledError:
            # The board quit during a tick: the claims are in the database; stop quietly.
            return None
        self.last_report = report
        new = [e for e in inbox if _ident(e) not in self._seen]
        self._seen.update(_ident(e) for e in inbox)
        try:
            self.on_reminders(new, inbox)
        except Exception:  # the board's callback must not stop the ticking
            log.exception("reminder callback failed")
        return new

    def _work(self) -> tuple[SweepReport | None, list[InboxEntry]]:
        now = self.workspace.now()
        report = self.sweeper.sweep(now) if self.sweeping else None
        return report, self.sweeper.reminders.inbox(now)

    # -- blocking actions for the board's thread workers -------------------------------------

    def inbox(self) -> list[InboxEntry]:
        return self.sweeper.reminders.inbox(self.workspace.now())

    def acknowledge(self, key: str) -> Reminder | None:
        return self.sweeper.reminders.acknowledge(key, self.workspace.now(), self.workspace.actor)

    def snooze(self, key: str, days: int) -> date:
        return self.sweeper.reminders.snooze(key, days, self.workspace.now(), self.workspace.actor)


def _ident(e: InboxEntry) -> tuple[str, int, date, int]:
    return (e.cycle, e.iteration, e.due_on, e.occurrence)


async def start_in_app(workspace: Workspace, settings: Settings, on_reminders: OnReminders) -> InAppReminders:
    """Create and start the board's reminders on the running loop."""
    reminders = InAppReminders(workspace, settings, on_reminders)
    await reminders.start()
    return reminders
