"""Reminder sweep times at scale: ``python -m benchmarks.sweep [--cycles N] [--db URL]``.

Stores a portfolio of N cycles (default 10,000; ``benchmarks.generate.generate`` where present, else
cycles made with ``cycles.loop.new_cycle``) in a fresh SQLite file (or ``--db``), then times:

1. the first sweep, which claims, delivers (in-app channel only: no SMTP, no desktop) and records
   every reminder owed;
2. a sweep with nothing new owed, repeated (target: at most 5 ms);
3. the next morning's sweep at 09:00, which claims the reminders that fell due overnight.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cycles.community import Community, load_community
from cycles.portfolio import Portfolio
from cycles.repository import CycleFilter
from storage.units.repository import SqlCycleRepository
from storage.units.store import Store
from storage.workspace import Workspace
from tui.reminders.sweep import Sweeper
from tui.settings import ReminderSettings, Settings

NOW = datetime(2026, 11, 28, 8, 30, tzinfo=UTC)  # 09:30 in Amsterdam


def portfolio(n: int, community: Community, now: datetime) -> Portfolio:
    try:
        from benchmarks.generate import generate
    except ImportError:
        return _fallback(n, community, now)
    return generate(n, now=now)


def _fallback(n: int, community: Community, now: datetime) -> Portfolio:
    from cycles import loop

    types = [t.key for t in community.activity_types]
    cycles, events = [], []
    for i in range(n):
        kind = types[i % len(types)]
        opened = now - timedelta(days=(i * 7) % 400, hours=i % 24)
        change = loop.new_cycle(
            community, key=f"c{i:05d}", name=f"Cycle {i}", activity_type=kind, now=opened, actor="bench"
        )
        cycles.append(change.cycle)
        events += change.events
    return Portfolio(cycles=cycles, links=[], events=events)


def forget_reminders(store: Store) -> None:
    from sqlalchemy import delete

    from storage.reminders.claims import REMINDER, STATE

    def work(repo: SqlCycleRepository) -> None:
        repo.session.execute(delete(REMINDER))
        repo.session.execute(delete(STATE))

    store.write(work)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cycles", type=int, default=10_000)
    parser.add_argument("--db", help="database URL (default: a fresh SQLite file)")
    parser.add_argument("--repeat", type=int, default=50, help="idle sweeps to time")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="keep the cycles already in --db (forgetting its reminders) instead of storing new ones",
    )
    args = parser.parse_args(argv)

    community = load_community()
    url = args.db or f"sqlite:///{Path(tempfile.mkdtemp(prefix='cycles-sweep-')) / 'bench.db'}"
    store = Store.open(url)
    workspace = Workspace(store, community, actor="bench", clock=lambda: NOW)
    if args.reuse:
        forget_reminders(store)
    else:
        started = time.perf_counter()
        workspace.import_portfolio(portfolio(args.cycles, community, NOW))
        print(f"cycles generated and stored in {time.perf_counter() - started:.1f} s")
    total = len(workspace.list(CycleFilter(include_ended=True)))
    awaiting = sum(1 for c in workspace.list() if c.due_on is not None)
    print(f"{total} cycles, {awaiting} awaiting an evaluation; {store.url}")

    settings = Settings(reminders=ReminderSettings(desktop=False))
    sweeper = Sweeper.build(workspace, settings)

    first = sweeper.sweep(NOW)
    print(
        f"first sweep, claims many:   {first.seconds * 1000:8.1f} ms  "
        f"({len(first.sent)} reminders claimed, delivered and recorded, "
        f"{first.seconds * 1e6 / max(1, len(first.sent)):.0f} us each)"
    )

    idle = []
    for i in range(args.repeat):
        report = sweeper.sweep(NOW + timedelta(minutes=5 * (i + 1)))
        assert not report.sent, "an idle sweep sent something"
        idle.append(report.seconds * 1000)
    print(
        f"sweep, nothing new owed:    {statistics.median(idle):8.2f} ms median, "
        f"{min(idle):.2f} min, {max(idle):.2f} max over {len(idle)} sweeps (target <= 5 ms)"
    )

    keys = [c.key for c in workspace.list()[:10]]
    changed = []
    for i, key in enumerate(keys):
        workspace.edit(key, description=f"changed while the sweeps run ({i})")
        report = sweeper.sweep(NOW + timedelta(minutes=5 * (args.repeat + 1 + i)))
        changed.append(report.seconds * 1000)
    print(
        f"sweep after a cycle changed:{statistics.median(changed):8.2f} ms median, {max(changed):.2f} max "
        f"over {len(changed)} (looks at the changed cycle only)"
    )
    full = []
    for i in range(5):
        fresh = Sweeper.build(workspace, settings)  # a new process: no memory of earlier scans
        full.append(fresh.sweep(NOW + timedelta(hours=1, minutes=i)).seconds * 1000)
    print(
        f"full scan:                  {statistics.median(full):8.2f} ms median, {max(full):.2f} max "
        "(at start, hourly, and when the reminder day turns)"
    )

    morning = sweeper.sweep(NOW + timedelta(days=1) - timedelta(minutes=30))  # 09:00 next day
    print(
        f"next morning's 09:00 sweep: {morning.seconds * 1000:8.1f} ms  "
        f"({len(morning.sent)} reminders that fell due overnight)"
    )
    after = sweeper.sweep(NOW + timedelta(days=1))
    print(f"and the sweep after it:     {after.seconds * 1000:8.2f} ms  ({len(after.sent)} sent)")
    store.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
