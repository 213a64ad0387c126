"""The rows behind reminder claims: statements, row values and portable upserts.

``storage.reminders.claims`` decides what to claim and when; this module only says how a claim, a
take-over, a "sent" mark and a state are written, on SQLite and PostgreSQL (``ON CONFLICT``) and,
more slowly, on any other database (a savepoint per row).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import bindparam, insert, or_, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from cycles.reminders import Reminder, kind_of
from storage.schema.tables import ReminderRow, ReminderStateRow

if TYPE_CHECKING:
    from storage.reminders.records import Candidate

R = ReminderRow.__table__.c  # type: ignore[attr-defined]
S = ReminderStateRow.__table__.c  # type: ignore[attr-defined]
REMINDER = ReminderRow.__table__  # type: ignore[attr-defined]
STATE = ReminderStateRow.__table__  # type: ignore[attr-defined]


def ident(r: Reminder) -> tuple[str, int, date, int]:
    return (r.cycle, r.iteration, r.due_on, r.occurrence)


def key_params(r: Reminder) -> dict[str, Any]:
    return {
        "b_cycle": r.cycle,
        "b_iteration": r.iteration,
        "b_due_on": r.due_on,
        "b_kind": r.kind.value,
        "b_occurrence": r.occurrence,
    }


RECLAIM = (
    update(REMINDER)
    .where(
        R.cycle == bindparam("b_cycle"),
        R.iteration == bindparam("b_iteration"),
        R.due_on == bindparam("b_due_on"),
        R.kind == bindparam("b_kind"),
        R.occurrence == bindparam("b_occurrence"),
        R.sent_at.is_(None),
        R.acknowledged_at.is_(None),
        or_(R.lease_until.is_(None), R.lease_until <= bindparam("b_now")),
    )
    .values(
        claimed_by=bindparam("b_token"),
        claimed_at=bindparam("b_now"),
        lease_until=bindparam("b_lease"),
        attempts=R.attempts + 1,
    )
)

MARK_SENT = (
    update(REMINDER)
    .where(R.id == bindparam("b_id"), R.sent_at.is_(None))
    .values(sent_at=bindparam("b_now"), channels=bindparam("b_channels"), lease_until=None)
)


def same(reminder: Reminder) -> list[Any]:
    return [
        R.cycle == reminder.cycle,
        R.iteration == reminder.iteration,
        R.due_on == reminder.due_on,
        R.kind == reminder.kind.value,
        R.occurrence == reminder.occurrence,
    ]


def claim_row(
    c: Candidate, reminder: Reminder, now: datetime, token: str | None, lease: timedelta
) -> dict[str, Any]:
    """A new claim row held for ``lease``; with ``token`` None an unclaimed one (acknowledged
    before it was sent)."""
    return {
        "cycle": reminder.cycle,
        "iteration": reminder.iteration,
        "due_on": reminder.due_on,
        "kind": kind_of(reminder.occurrence).value,
        "occurrence": reminder.occurrence,
        "send_at": reminder.send_at,
        "recipient": c.owner_email,
        "claimed_by": token,
        "claimed_at": now if token else None,
        "lease_until": now + lease if token else None,
        "attempts": 1 if token else 0,
    }


def insert_rows(session: Session, rows: list[dict[str, Any]]) -> None:
    """Insert the claim rows whose reminder has no row yet; existing ones are left as they are."""
    if not rows:
        return
    dialect_insert = conflict_insert(session)
    if dialect_insert is not None:
        session.execute(dialect_insert(REMINDER).on_conflict_do_nothing(), rows)
        return
    for row in rows:  # any other database: a savepoint each, and the unique index refuses
        try:
            with session.begin_nested():
                session.execute(insert(REMINDER).values(row))
        except IntegrityError:
            pass


def upsert_states(session: Session, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    dialect_insert = conflict_insert(session)
    if dialect_insert is not None:
        stmt = dialect_insert(STATE)
        changes = {k: stmt.excluded[k] for k in rows[0] if k != "cycle"}
        session.execute(stmt.on_conflict_do_update(index_elements=[S.cycle], set_=changes), rows)
        return
    for row in rows:
        changes = {k: v for k, v in row.items() if k != "cycle"}
        result = session.execute(update(STATE).where(S.cycle == row["cycle"]).values(changes))
        if result.rowcount == 0:  # type: ignore[attr-defined]
            session.execute(insert(STATE).values(row))


def conflict_insert(session: Session) -> Any:
    """The dialect's ``insert`` that knows ON CONFLICT, or None for a database without it."""
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        from sqlalchemy.dialects import sqlite

        return sqlite.insert
    if dialect == "postgresql":
        from sqlalchemy.dialects import postgresql

        return postgresql.insert
    return None


def chunks(items: list[Any], size: int) -> Iterable[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
