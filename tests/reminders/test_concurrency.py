"""Processes sweeping one database at the same moment send each reminder once (SQLite file and
PostgreSQL), counted at the SMTP server."""

from __future__ import annotations

import multiprocessing
from collections import Counter
from datetime import date, timedelta

from cycles.reminders import Policy
from storage.workspace import Workspace
from tests.reminders.conftest import SmtpServer, add_cycle, local, make_settings, sweeper
from tests.reminders.workers import sweep_at
from tui.reminders.sweep import policy_for

DUE = date(2026, 3, 16)
TYPES = ("nanomodule", "company-visit", "challenge", "talent")
PROCESSES = 2


def expected(workspace: Workspace, policy: Policy, instants: list) -> Counter[str]:  # type: ignore[type-arg]
    """What one process alone would send, from the pure policy."""
    out: Counter[str] = Counter()
    for s in workspace.list():
        assert s.due_on is not None
        done = None
        for now in instants:
            r = policy.owed(
                cycle=s.key, iteration=s.iteration, due_on=s.due_on, cadence_days=s.cadence_days, now=now,
                done=done,
            )  # fmt: skip
            if r is not None:
                out[f"{s.key}/{s.iteration}/{r.occurrence}"] += 1
                done = r.occurrence
    return out


def test_processes_sweeping_at_the_same_moment_send_each_reminder_once(
    workspace: Workspace, smtp: SmtpServer, db_url: str
) -> None:
    for n in range(40):
        add_cycle(workspace, f"c{n:02d}", DUE + timedelta(days=n % 25 - 18), activity_type=TYPES[n % 4])
    instants = [
        local(DUE - timedelta(days=1)),
        local(DUE),
        local(DUE, 9, 5),
        local(DUE + timedelta(days=1)),
        local(DUE + timedelta(days=8)),
    ]
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(PROCESSES)
    results = ctx.Queue()
    procs = [
        ctx.Process(target=sweep_at, args=(db_url, smtp.port, instants, barrier, results))
        for _ in range(PROCESSES)
    ]
    for p in procs:
        p.start()
    outcomes = [results.get(timeout=120) for _ in procs]
    sent = [one for one, _ in outcomes]
    contended = sum(elsewhere for _, elsewhere in outcomes)
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0

    want = expected(workspace, policy_for(workspace.community, make_settings(None).reminders), instants)
    assert len(want) > 40  # upcoming, due and overdue reminders at several moments
    received = Counter("/".join(i.split("/")[k] for k in (0, 1, 3)) for i in smtp.mailbox.idents())
    assert received == want  # each once, and none missing
    assert Counter(x for one in sent for x in one) == want  # and each counted by one process only
    # The processes really raced: reminders both found owed were claimed by one, left by the other.
    assert contended > 0
    # Nothing left to send at any of those moments.
    for now in instants:
        assert sweeper(workspace, make_settings(smtp.port)).sweep(now).sent == []
