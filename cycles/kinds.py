"""The domain's plain kinds: the enums of ``cycles.model`` and a cycle's summary as a plain tuple.

Light to import (no pydantic): the board's first frame is drawn from these, before the validated
records of ``cycles.model`` (which re-exports the enums, the same objects) are imported.
"""

from __future__ import annotations

from datetime import date, datetime, tzinfo
from enum import StrEnum
from typing import Any, NamedTuple


class Phase(StrEnum):
    """Where an iteration stands in the loop."""

    COLLECT = "collect"
    RUN = "run"
    EVALUATE = "evaluate"
    DECIDED = "decided"


class Status(StrEnum):
    """Whether a line of development goes on."""

    ACTIVE = "active"
    REROUTED = "rerouted"  # ended by an "other route" decision; a linked cycle carries on
    DROPPED = "dropped"


class DecisionKind(StrEnum):
    NEXT = "next"
    ROUTE = "route"
    DROP = "drop"


class LinkKind(StrEnum):
    """Coherence between cycles; a link points from the newer or smaller cycle to the other."""

    ROUTE_OF = "route_of"  # source is an alternative route of target
    SPAWNED_FROM = "spawned_from"  # source arose inside target (a challenge inside a showcase)
    RELATED = "related"


class DueState(StrEnum):
    UPCOMING = "upcoming"
    DUE = "due"
    OVERDUE = "overdue"


SUMMARY_FIELDS = (
    "key", "name", "activity_type", "scale", "level", "owner", "status",
    "iteration", "phase", "due_on", "cadence_days", "version",
)  # fmt: skip


class SummaryRow(NamedTuple):
    """A cycle's summary as a database row gives it (``SUMMARY_FIELDS``), with the enums and the
    due date converted: what the board's first frame draws, with the attributes of
    ``cycles.model.CycleSummary``, without validating it (the full read that follows does)."""

    key: str
    name: str
    activity_type: str
    scale: str
    level: str
    owner: str
    status: Status
    iteration: int
    phase: Phase
    due_on: date | None
    cadence_days: int
    version: int

    @classmethod
    def of(cls, row: tuple[Any, ...]) -> SummaryRow:
        """From a row in ``SUMMARY_FIELDS`` order; the due date as a date or ISO text (sqlite3)."""
        key, name, activity_type, scale, level, owner, status, iteration, phase, due, days, version = row
        if isinstance(due, str):
            due = date.fromisoformat(due)
        return cls(
            key, name, activity_type, scale, level, owner or "", Status(status), iteration,
            Phase(phase), due, days, version,
        )  # fmt: skip


def utc_datetime(value: datetime) -> datetime:
    """Refuse naive datetimes at the domain's edge: a clock must say its zone."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("datetime must be timezone-aware")
    return value


def local_date(at: datetime, zone: tzinfo) -> date:
    """The calendar date in ``zone`` at the instant ``at`` (as ``cycles.cadence.local_date``)."""
    return utc_datetime(at).astimezone(zone).date()
