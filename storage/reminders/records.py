"""What the reminder store hands out: plain records, importable without the ORM.

The board's inbox and the sweep's messages use these types; keeping them apart from
``storage.reminders.claims`` (which imports SQLAlchemy) lets a screen name them without loading the ORM.
"""

from __future__ import annotations

import os
import socket
import uuid
from dataclasses import dataclass
from datetime import date, datetime

from cycles.reminders import Reminder, ReminderKind


@dataclass(frozen=True, slots=True)
class Candidate:
    """A cycle awaiting an evaluation whose reminders may be owed."""

    key: str
    name: str
    owner: str
    owner_email: str
    iteration: int
    due_on: date
    cadence_days: int
    done: int | None  # latest occurrence sent or acknowledged for this iteration and due date
    acknowledged: int | None
    snoozed_until: date | None


@dataclass(frozen=True, slots=True)
class Claim:
    """A reminder this process holds and is to deliver."""

    id: int
    token: str
    reminder: Reminder
    candidate: Candidate
    attempts: int


@dataclass(frozen=True, slots=True)
class InboxEntry:
    """A reminder that is owed now and not acknowledged: what the board's inbox shows."""

    cycle: str
    name: str
    owner: str
    iteration: int
    due_on: date
    kind: ReminderKind
    occurrence: int
    send_at: datetime
    sent: bool  # delivered (by any process) or only owed


@dataclass(frozen=True, slots=True)
class Record:
    """A stored reminder row, for ``cycles remind list``."""

    cycle: str
    iteration: int
    due_on: date
    kind: str
    occurrence: int
    send_at: datetime
    recipient: str
    status: str  # claimed, retrying, sent, acknowledged
    attempts: int
    sent_at: datetime | None
    channels: str | None
    last_error: str | None
    claimed_by: str | None


def new_token() -> str:
    """Who claims: unique per sweep, readable in ``cycles remind list``."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:12]}"
