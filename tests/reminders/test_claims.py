"""The claim table on SQLite and PostgreSQL: a reminder is held by one process at a time, is done
once, and comes back only when its claim is released or its lease runs out."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select, text

from cycles.community import Community
from cycles.errors import NotFoundError, TransitionError
from cycles.model import DecisionKind
from storage.reminders.claims import LEASE, STATE, ReminderStore, retry_delay
from storage.schema.migrate import HEAD, current_revision, upgrade
from storage.units.store import Store
from storage.workspace import Workspace
from tests.conftest import FrozenClock
from tests.reminders.conftest import add_cycle, local
from tui.reminders.sweep import policy_for
from tui.settings import ReminderSettings

DUE = date(2026, 3, 16)


def reminders(workspace: Workspace, **kw: object) -> ReminderStore:
    return ReminderStore(workspace.store, policy_for(workspace.community, ReminderSettings(**kw)))  # type: ignore[arg-type]


def test_schema_is_at_head_with_the_claim_tables(workspace: Workspace) -> None:
    assert current_revision(workspace.store.engine) == HEAD
    with workspace.store.read() as repo:
        assert repo.session.execute(text("SELECT count(*) FROM reminder")).scalar() == 0
        assert repo.session.execute(text("SELECT count(*) FROM reminder_state")).scalar() == 0


def test_a_reminder_is_claimed_by_one_token_only(workspace: Workspace) -> None:
    add_cycle(workspace, "a", DUE)
    store = reminders(workspace)
    now = local(DUE, 9, 5)
    owed = store.owed(now)
    assert [(c.key, r.kind.value) for c, r in owed] == [("a", "due")]
    first = store.claim(owed, now, "one")
    second = store.claim(owed, now, "two")
    assert len(first) == 1 and second == []
    assert first[0].attempts == 1
    # Still owed (not sent) but held: nobody else may take it before its lease runs out.
    held = now + LEASE - timedelta(seconds=1)
    assert store.claim(store.owed(held), held, "x") == []


def test_a_crashed_senders_claim_is_taken_over_after_its_lease(workspace: Workspace) -> None:
    add_cycle(workspace, "a", DUE)
    store = reminders(workspace)
    now = local(DUE, 9, 5)
    store.claim(store.owed(now), now, "crashed")
    later = now + LEASE
    taken = store.claim(store.owed(later), later, "next")
    assert len(taken) == 1 and taken[0].attempts == 2
    assert store.mark_sent(taken, later, {taken[0].id: "email"}) == 1
    assert store.owed(later + timedelta(hours=1)) == []


def test_a_released_claim_is_retried_after_its_back_off(workspace: Workspace) -> None:
    add_cycle(workspace, "a", DUE)
    store = reminders(workspace)
    now = local(DUE, 9, 5)
    (claim,) = store.claim(store.owed(now), now, "one")
    store.release(claim, now, "SMTP 554: refused")
    (record,) = store.records(now)
    assert record.status == "retrying" and record.last_error == "SMTP 554: refused"
    soon = now + retry_delay(1) - timedelta(seconds=1)
    assert store.claim(store.owed(soon), soon, "two") == []
    retry = now + retry_delay(1)
    (again,) = store.claim(store.owed(retry), retry, "three")
    assert again.id == claim.id and again.attempts == 2


def test_marking_sent_needs_the_claim_and_moves_the_state_on(workspace: Workspace) -> None:
    add_cycle(workspace, "a", DUE)
    store = reminders(workspace)
    now = local(DUE, 9, 5)
    (claim,) = store.claim(store.owed(now), now, "one")
    stolen = claim.__class__(claim.id, "other", claim.reminder, claim.candidate, claim.attempts)
    assert store.mark_sent([stolen], now, {}) == 0
    assert store.mark_sent([claim], now, {claim.id: "email,inbox"}) == 1
    assert store.mark_sent([claim], now, {}) == 0  # never twice
    assert store.owed(now) == []
    with workspace.store.read() as repo:
        row = repo.session.execute(select(STATE.c.done, STATE.c.next_day)).one()
    assert row[0] == 0 and row[1] == DUE + timedelta(days=1)
    (record,) = store.records(now)
    assert record.status == "sent" and record.channels == "email,inbox"


def test_the_sweep_query_skips_cycles_with_nothing_new_owed(workspace: Workspace) -> None:
    for n in range(5):
        add_cycle(workspace, f"c{n}", DUE + timedelta(days=n))
    add_cycle(workspace, "far", DUE + timedelta(days=60), activity_type="showcase")
    store = reminders(workspace)
    now = local(DUE, 9, 5)
    owed = store.owed(now)
    # due today, and the upcoming ones of the next two days (lead 2 for a two-week cadence)
    assert sorted(c.key for c, _ in owed) == ["c0", "c1", "c2"]
    claims = store.claim(owed, now, "t")
    store.mark_sent(claims, now, {})
    assert store.owed(now) == []
    with workspace.store.read() as repo:
        assert store._candidates.scan(repo.session, now, only_new=True, with_email=True) == []


def test_an_idle_sweep_still_sees_what_changed_since(workspace: Workspace) -> None:
    add_cycle(workspace, "a", DUE)
    store = reminders(workspace)
    now = local(DUE, 9, 5)
    store.mark_sent(store.claim(store.owed(now), now, "t"), now, {})
    assert store.owed(now) == []  # nothing owed: later sweeps of this day look only at changes
    assert store.owed(now + timedelta(minutes=5)) == []
    add_cycle(workspace, "b", DUE)  # as another process could, at any time
    assert [c.key for c, _ in store.owed(now + timedelta(minutes=10))] == ["b"]
    store.mark_sent(store.claim(store.owed(now), now, "t"), now, {})
    add_cycle(workspace, "c", DUE + timedelta(days=10))
    assert store.owed(now + timedelta(minutes=15)) == []  # its first reminder day is ahead
    workspace.edit("c", cadence_days=4)  # opened on DUE - 4: now due today
    owed = store.owed(now + timedelta(minutes=20))
    assert [(c.key, r.kind.value) for c, r in owed] == [("c", "due")]


def test_reminders_follow_the_current_iteration(workspace: Workspace) -> None:
    add_cycle(workspace, "a", DUE)
    store = reminders(workspace)
    now = local(DUE, 9, 5)
    store.mark_sent(store.claim(store.owed(now), now, "t"), now, {})
    clock = workspace.clock
    assert isinstance(clock, FrozenClock)
    clock.set(now + timedelta(hours=1))
    workspace.start("a")
    workspace.evaluate("a", findings="done")
    assert store.owed(now + timedelta(days=3)) == []  # evaluated: nothing awaited
    workspace.decide("a", DecisionKind.NEXT, "again")
    nxt = store.owed(local(DUE + timedelta(days=14)))
    assert [(c.iteration, r.kind.value) for c, r in nxt] == [(2, "due")]


def test_snooze_and_acknowledge(workspace: Workspace) -> None:
    add_cycle(workspace, "a", DUE)
    store = reminders(workspace)
    now = local(DUE + timedelta(days=1), 10)
    assert [r.occurrence for _, r in store.owed(now)] == [1]
    until = store.snooze("a", 2, now, "ann")
    assert until == DUE + timedelta(days=3)
    assert store.owed(now) == []
    assert store.inbox(now) == []
    assert store.owed(local(until, 8, 59)) == []
    assert [r.occurrence for _, r in store.owed(local(until))] == [3]
    acked = store.acknowledge("a", local(until), "ann")
    assert acked is not None and acked.occurrence == 3
    assert store.owed(local(until, 12)) == []
    assert store.inbox(local(until, 12)) == []
    (record,) = store.records(local(until, 12))
    assert record.status == "acknowledged"
    assert [r.occurrence for _, r in store.owed(local(until + timedelta(days=7)))] == [10]


def test_acknowledging_needs_an_awaited_evaluation(workspace: Workspace) -> None:
    store = reminders(workspace)
    with pytest.raises(NotFoundError):
        store.acknowledge("nope", local(DUE), "ann")
    add_cycle(workspace, "a", DUE)
    assert store.acknowledge("a", local(DUE - timedelta(days=5)), "ann") is None  # nothing reached yet
    workspace.start("a")
    workspace.evaluate("a", findings="x")
    with pytest.raises(TransitionError):
        store.snooze("a", 1, local(DUE), "ann")


def test_inbox_shows_owed_reminders_sent_or_not(workspace: Workspace) -> None:
    add_cycle(workspace, "a", DUE)
    add_cycle(workspace, "b", DUE + timedelta(days=1))
    store = reminders(workspace)
    now = local(DUE, 9, 5)
    owed = store.owed(now)
    store.mark_sent(store.claim([o for o in owed if o[0].key == "a"], now, "t"), now, {})
    inbox = {e.cycle: e for e in store.inbox(now)}
    assert inbox["a"].sent and inbox["a"].kind.value == "due"
    assert not inbox["b"].sent and inbox["b"].kind.value == "upcoming"


def test_upgrading_a_database_from_0001_keeps_its_cycles(sqlite_url: str, community: Community) -> None:
    from storage.schema.engine import make_engine

    engine = make_engine(sqlite_url)
    upgrade(engine, target="0001")
    old = Workspace(Store(engine), community, actor="ann", clock=FrozenClock(local(DUE)))
    add_cycle(old, "a", DUE)
    engine.dispose()
    store = Store.open(sqlite_url)
    try:
        assert current_revision(store.engine) == HEAD
        new = Workspace(store, community, actor="ann", clock=FrozenClock(local(DUE)))
        assert [c.key for c, _ in reminders(new).owed(local(DUE))] == ["a"]
    finally:
        store.close()


def test_the_migration_matches_the_tables_and_downgrades(db_url: str) -> None:
    from alembic import command
    from alembic.autogenerate import compare_metadata
    from alembic.config import Config
    from alembic.migration import MigrationContext

    from storage.schema.migrate import MIGRATIONS
    from storage.schema.tables import metadata

    store = Store.open(db_url)
    try:
        with store.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), metadata)
        ours = [d for d in diff if "reminder" in repr(d)]
        assert ours == []
        cfg = Config()
        cfg.set_main_option("script_location", str(MIGRATIONS))
        with store.engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "0001")
        assert current_revision(store.engine) == "0001"
        upgrade(store.engine)
        assert current_revision(store.engine) == HEAD
    finally:
        store.close()
