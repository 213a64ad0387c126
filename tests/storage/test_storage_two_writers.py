"""Two processes writing one database at once: no "database is locked", no lost update.

Each writer does read-modify-write actions on the same cycle (a monitoring note appends to the
iteration it read, an edit rewrites the cycle it read); afterwards every note and every event of
both writers must be there, and the version must have moved once per action.
"""

from __future__ import annotations

import multiprocessing
import traceback
from datetime import UTC, datetime
from typing import Any

from cycles.community import load_community
from cycles.model import DecisionKind
from storage.units.store import Store
from storage.workspace import Workspace

ACTIONS = 100
NOW = datetime(2026, 3, 20, 9, tzinfo=UTC)


def writer(url: str, name: str, ready: Any, start: Any, results: Any) -> None:
    """As ``name``, do ACTIONS actions on cycle "shared" (every third a note, the rest edits);
    report ``(name, None)`` or ``(name, traceback)``."""
    try:
        store = Store.open(url)
        try:
            ws = Workspace(store, load_community(), actor=name, clock=lambda: NOW)
            ready.release()
            start.wait(60)
            for i in range(ACTIONS):
                if i % 3 == 0:
                    ws.note("shared", f"{name} {i}")
                else:
                    ws.edit("shared", description=f"{name} {i}")
        finally:
            store.close()
    except Exception:
        results.put((name, traceback.format_exc()))
    else:
        results.put((name, None))


def run_writers(url: str, names: list[str]) -> dict[str, str | None]:
    """Start one spawned process per name, let them all begin at once, and collect what they report."""
    ctx = multiprocessing.get_context("spawn")
    ready, start, results = ctx.Semaphore(0), ctx.Event(), ctx.Queue()
    procs = [ctx.Process(target=writer, args=(url, name, ready, start, results)) for name in names]
    for p in procs:
        p.start()
    for _ in procs:
        assert ready.acquire(timeout=60), "a writer did not start"
    start.set()
    reported = dict(results.get(timeout=300) for _ in procs)
    for p in procs:
        p.join(30)
        assert p.exitcode == 0
    return reported


def prepare(url: str) -> Workspace:
    store = Store.open(url)
    ws = Workspace(store, load_community(), actor="setup", clock=lambda: NOW)
    ws.create(key="shared", name="Shared", activity_type="nanomodule")
    ws.start("shared", "here")
    return ws


def check(ws: Workspace, writers: list[str]) -> None:
    cycle = ws.get("shared")
    per_writer_notes = len(range(0, ACTIONS, 3))
    texts = [n.text for n in cycle.current.notes]
    assert len(texts) == len(writers) * per_writer_notes, "a note was lost"
    for name in writers:
        mine = [t for t in texts if t.startswith(f"{name} ")]
        assert len(mine) == per_writer_notes
    events = ws.history("shared")
    assert [e.action for e in events].count("note") == len(writers) * per_writer_notes
    assert [e.action for e in events].count("edit") == len(writers) * (ACTIONS - per_writer_notes)
    assert cycle.version == 2 + len(writers) * ACTIONS, "every action moved the version once"
    # The cycle is still usable as one consistent record.
    ws.evaluate("shared", findings="busy")
    ws.decide("shared", DecisionKind.NEXT, "go on")
    assert ws.get("shared").current.number == 2


def test_two_processes_writing_one_database_get_no_locked_error_and_lose_nothing(db_url: str) -> None:
    ws = prepare(db_url)
    try:
        errors = run_writers(db_url, ["p1", "p2"])
        assert errors == {"p1": None, "p2": None}, "\n".join(e for e in errors.values() if e)
        check(ws, ["p1", "p2"])
    finally:
        ws.store.close()
