"""The schema, as SQLModel tables. Alembic migrations in ``storage/schema/migrations`` create and upgrade it.

The board's read needs only the ``cycle`` table: the current iteration number, phase and due date
are kept on the cycle row (indexed), so listing does not grow with the size of the history.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
)
from sqlmodel import Field, SQLModel


class CycleRow(SQLModel, table=True):
    __tablename__ = "cycle"
    __table_args__ = (
        Index("ix_cycle_board", "status", "scale", "due_on"),
        Index("ix_cycle_due", "due_on"),
    )

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(sa_column=Column(String(80), unique=True, nullable=False))
    name: str = Field(sa_column=Column(String(200), nullable=False))
    activity_type: str = Field(sa_column=Column(String(64), nullable=False, index=True))
    scale: str = Field(sa_column=Column(String(64), nullable=False))
    level: str = Field(sa_column=Column(String(64), nullable=False))
    cadence_days: int
    owner: str = Field(default="", sa_column=Column(String(120), nullable=False, index=True))
    owner_email: str = Field(default="", sa_column=Column(String(254), nullable=False))
    stakeholders: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    description: str = Field(default="", sa_column=Column(Text, nullable=False))
    status: str = Field(sa_column=Column(String(16), nullable=False))
    created_at: datetime
    ended_at: datetime | None = None
    iteration: int  # the current iteration's number
    phase: str = Field(sa_column=Column(String(16), nullable=False))
    due_on: date | None = None  # the current evaluation's due date while one is awaited
    version: int = Field(sa_column=Column(Integer, nullable=False, server_default="1"))


class IterationRow(SQLModel, table=True):
    __tablename__ = "iteration"

    cycle_id: int = Field(
        sa_column=Column(Integer, ForeignKey("cycle.id", ondelete="CASCADE"), primary_key=True)
    )
    number: int = Field(primary_key=True)
    phase: str = Field(sa_column=Column(String(16), nullable=False))
    opened_at: datetime
    due_on: date
    need: str = Field(default="", sa_column=Column(Text, nullable=False))
    stakeholders_involved: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    stakeholders_needed: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    preconditions: str = Field(default="", sa_column=Column(Text, nullable=False))
    resources: str = Field(default="", sa_column=Column(Text, nullable=False))
    context: str = Field(default="", sa_column=Column(Text, nullable=False))
    started_at: datetime | None = None
    evaluated_at: datetime | None = None
    findings: str | None = Field(default=None, sa_column=Column(Text))
    value_levels: list[str] | None = Field(default=None, sa_column=Column(JSON))
    outcome_levels: list[str] | None = Field(default=None, sa_column=Column(JSON))
    principles: list[str] | None = Field(default=None, sa_column=Column(JSON))
    decision: str | None = Field(default=None, sa_column=Column(String(16)))
    rationale: str | None = Field(default=None, sa_column=Column(Text))
    decided_at: datetime | None = None
    route_to: str | None = Field(default=None, sa_column=Column(String(80)))


class NoteRow(SQLModel, table=True):
    __tablename__ = "note"
    __table_args__ = (
        ForeignKeyConstraint(
            ["cycle_id", "iteration"],
            ["iteration.cycle_id", "iteration.number"],
            ondelete="CASCADE",
        ),
        Index("ix_note_iteration", "cycle_id", "iteration"),
    )

    id: str = Field(sa_column=Column(String(64), primary_key=True))
    cycle_id: int
    iteration: int
    at: datetime
    author: str = Field(default="", sa_column=Column(String(120), nullable=False))
    text: str = Field(sa_column=Column(Text, nullable=False))


class LinkRow(SQLModel, table=True):
    __tablename__ = "link"
    __table_args__ = (Index("ux_link", "source_id", "target_id", "kind", unique=True),)

    id: int | None = Field(default=None, primary_key=True)
    source_id: int = Field(
        sa_column=Column(Integer, ForeignKey("cycle.id", ondelete="CASCADE"), nullable=False)
    )
    target_id: int = Field(
        sa_column=Column(Integer, ForeignKey("cycle.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    kind: str = Field(sa_column=Column(String(16), nullable=False))
    created_at: datetime
    note: str = Field(default="", sa_column=Column(Text, nullable=False))


class EventRow(SQLModel, table=True):
    """Append-only: rows are inserted, never updated or deleted."""

    __tablename__ = "event"
    __table_args__ = (Index("ix_event_cycle", "cycle", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    cycle: str = Field(sa_column=Column(String(80), nullable=False))
    at: datetime
    actor: str = Field(default="", sa_column=Column(String(120), nullable=False))
    action: str = Field(sa_column=Column(String(32), nullable=False))
    summary: str = Field(default="", sa_column=Column(Text, nullable=False))
    before: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    after: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))


class CycleDocumentRow(SQLModel, table=True):
    """Derived data: a cycle's piece of an export, stored so that an export is a concatenation:
    its line of the JSON export (``format`` "json", see ``storage.exports.documents``) or its rows of the
    CSV export's tables ("csv", "xlsx": see ``storage.exports.table_pieces``). Valid while ``key``
    and ``version``
    equal the cycle's; any change to what the piece holds bumps the cycle's version or deletes
    the cycle's pieces."""

    __tablename__ = "cycle_document"

    cycle_id: int = Field(
        sa_column=Column(Integer, ForeignKey("cycle.id", ondelete="CASCADE"), primary_key=True)
    )
    format: str = Field(sa_column=Column(String(8), primary_key=True))
    key: str = Field(sa_column=Column(String(80), nullable=False))
    version: int = Field(sa_column=Column(Integer, nullable=False))
    body: bytes = Field(sa_column=Column(LargeBinary, nullable=False))  # LZ4 (storage.units.document_store)
    # what the line holds, for the export's summary (``storage.reading.export.counts``)
    n_iterations: int
    n_notes: int
    n_evaluations: int
    n_events: int


class ReminderRow(SQLModel, table=True):
    """One evaluation reminder, claimed before it is sent (see ``storage.reminders.claims``).

    The unique key is the reminder itself; inserting it is the claim, so two processes sweeping
    at once cannot both send it. A row with ``sent_at`` and ``acknowledged_at`` NULL is claimable
    again once ``lease_until`` has passed: a crashed sender's lease expires, a failed delivery is
    held back until its retry time.
    """

    __tablename__ = "reminder"
    __table_args__ = (
        Index("ux_reminder", "cycle", "iteration", "due_on", "kind", "occurrence", unique=True),
    )

    id: int | None = Field(default=None, primary_key=True)
    cycle: str = Field(sa_column=Column(String(80), nullable=False))
    iteration: int
    due_on: date
    kind: str = Field(sa_column=Column(String(16), nullable=False))
    occurrence: int  # the reminder day counted from the due date
    send_at: datetime
    recipient: str = Field(default="", sa_column=Column(String(254), nullable=False, server_default=""))
    claimed_by: str | None = Field(default=None, sa_column=Column(String(80)))
    claimed_at: datetime | None = None
    lease_until: datetime | None = None
    attempts: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))
    last_error: str | None = Field(default=None, sa_column=Column(Text))
    sent_at: datetime | None = None
    channels: str | None = Field(default=None, sa_column=Column(String(64)))
    acknowledged_at: datetime | None = None
    acknowledged_by: str | None = Field(default=None, sa_column=Column(String(120)))


class ReminderStateRow(SQLModel, table=True):
    """Per cycle: how far its current evaluation's reminders are handled, and any snooze.

    ``next_day`` is the first reminder day not yet handled, so the sweep's query skips every
    cycle with nothing new owed. A row whose iteration or due date differs from the cycle's is
    stale and ignored.
    """

    __tablename__ = "reminder_state"

    cycle: str = Field(sa_column=Column(String(80), primary_key=True))
    iteration: int
    due_on: date
    done: int | None = None  # latest occurrence sent or acknowledged
    acknowledged: int | None = None  # latest occurrence acknowledged
    next_day: date | None = None
    snoozed_until: date | None = None
    snoozed_by: str | None = Field(default=None, sa_column=Column(String(120)))
    updated_at: datetime


metadata = SQLModel.metadata
