"""Code run in spawned processes by the concurrency tests (importable by name, not collected)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from cycles.community import load_community
from storage.units.store import Store
from storage.workspace import Workspace
from tests.reminders.conftest import make_settings
from tui.reminders.sweep import Sweeper


def sweep_at(url: str, port: int, instants: list[datetime], barrier: Any, results: Any) -> None:
    """Sweep at each instant, all processes starting each sweep together; report what was sent."""
    store = Store.open(url)
    try:
        sweeper = Sweeper.build(Workspace(store, load_community(), actor="sweeper"), make_settings(port))
        sent: list[str] = []
        elsewhere = 0
        for now in instants:
            barrier.wait(timeout=60)
            report = sweeper.sweep(now)
            elsewhere += report.taken_elsewhere
            sent += [f"{r.cycle}/{r.iteration}/{r.occurrence}" for r in (d.reminder for d in report.sent)]
        results.put((sent, elsewhere))
    finally:
        store.close()
