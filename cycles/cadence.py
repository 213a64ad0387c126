"""Cadence and due dates: when an evaluation is due, and whether it is upcoming, due or overdue.

Due dates are calendar dates in the community's zone, so a cadence of 14 days is 14 days on the
wall calendar whatever daylight-saving change falls in between. The clock is always passed in.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from cycles.model import DueState, utc_datetime


def local_date(at: datetime, zone: ZoneInfo) -> date:
    """The calendar date in ``zone`` at the instant ``at``."""
    return utc_datetime(at).astimezone(zone).date()


def due_on(opened_at: datetime, cadence_days: int, zone: ZoneInfo) -> date:
    """The evaluation of an iteration opened at ``opened_at`` is due ``cadence_days`` later."""
    return local_date(opened_at, zone) + timedelta(days=cadence_days)


def due_state(due: date, now: datetime, zone: ZoneInfo) -> DueState:
    """Upcoming before the due date, due on it, overdue after it (days in ``zone``)."""
    today = local_date(now, zone)
    if today < due:
        return DueState.UPCOMING
    if today == due:
        return DueState.DUE
    return DueState.OVERDUE


def days_left(due: date, now: datetime, zone: ZoneInfo) -> int:
    """Days until the due date; negative when overdue."""
    return (due - local_date(now, zone)).days


def at_local(day: date, clock: time, zone: ZoneInfo) -> datetime:
    """The instant of wall-clock ``clock`` on ``day`` in ``zone``.

    A wall time that does not exist on that day (skipped by the spring change) moves forward past
    the gap; one that exists twice (autumn) is its first occurrence.
    """
    # fold=0 reads a skipped wall time with the offset before the gap, which lands after it, and
    # an ambiguous one as its first occurrence (PEP 495).
    return datetime.combine(day, clock, tzinfo=zone).replace(fold=0).astimezone(UTC)
