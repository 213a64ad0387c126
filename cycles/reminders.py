"""Which evaluation reminders are owed: the pure policy, with the clock passed in.

A cycle awaiting an evaluation gets reminders on *reminder days*, each at the community's
wall-clock reminder time (default 09:00) in its zone:

- **upcoming**: ``lead`` days before the due date, where ``lead`` grows with the cadence
  (``lead_fraction`` of it, clamped to ``lead_min_days..lead_max_days`` and to less than the
  cadence, so it never falls before the iteration opened); a lead of 0 means no upcoming reminder;
- **due**: on the due date;
- **overdue**: the day after, then every ``overdue_every_days`` until the iteration is evaluated.

A reminder is identified by its *occurrence*: the reminder day counted from the due date (``-lead``
for upcoming, 0 for due, ``n`` for n days overdue). Occurrences grow with time, so "the latest one
handled" is one number, and a reminder day can never be reminded twice.

Only the latest reminder day reached is owed: after a pause (nothing running over a weekend), one
reminder catches up, not every one that was missed.

A **snooze** until day ``S`` silences the days before ``S`` and makes ``S`` a reminder day; past the
due date the overdue repeats continue from ``S``. An **acknowledgement** marks the owed reminder as
handled; the next reminder day still comes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from cycles.cadence import at_local, local_date
from cycles.model import utc_datetime


class ReminderKind(StrEnum):
    UPCOMING = "upcoming"
    DUE = "due"
    OVERDUE = "overdue"


def kind_of(occurrence: int) -> ReminderKind:
    """The kind of a reminder from its day relative to the due date."""
    if occurrence < 0:
        return ReminderKind.UPCOMING
    if occurrence == 0:
        return ReminderKind.DUE
    return ReminderKind.OVERDUE


@dataclass(frozen=True, slots=True)
class Reminder:
    """One owed reminder of one cycle's current evaluation."""

    cycle: str
    iteration: int
    due_on: date
    occurrence: int  # the reminder day relative to due_on
    send_at: datetime  # UTC: the reminder time on that day, in the community's zone

    @property
    def kind(self) -> ReminderKind:
        return kind_of(self.occurrence)

    @property
    def day(self) -> date:
        return self.due_on + timedelta(days=self.occurrence)


@dataclass(frozen=True, slots=True)
class Policy:
    """The reminder settings of one community; every method is pure."""

    zone: ZoneInfo
    send_time: time = time(9, 0)
    lead_fraction: float = 0.15
    lead_min_days: int = 1
    lead_max_days: int = 14
    overdue_every_days: int = 7

    def __post_init__(self) -> None:
        if self.overdue_every_days < 1:
            raise ValueError("overdue_every_days must be at least 1")
        if not 0 <= self.lead_min_days <= self.lead_max_days:
            raise ValueError("need 0 <= lead_min_days <= lead_max_days")

    # -- the calendar ----------------------------------------------------------------------

    def lead_days(self, cadence_days: int) -> int:
        """Days before the due date that the upcoming reminder comes (0: none)."""
        lead = round(self.lead_fraction * cadence_days)
        lead = min(max(lead, self.lead_min_days), self.lead_max_days)
        return max(0, min(lead, cadence_days - 1))

    def send_at(self, day: date) -> datetime:
        """The instant of the reminder time on ``day`` (right across daylight-saving changes)."""
        return at_local(day, self.send_time, self.zone)

    def last_day(self, now: datetime) -> date:
        """The latest day whose reminder time has passed at ``now``."""
        today = local_date(utc_datetime(now), self.zone)
        return today if now >= self.send_at(today) else today - timedelta(days=1)

    # -- the schedule, in day offsets from the due date ----------------------------------------

    def _latest(self, lead: int, offset: int, snooze: int | None) -> int | None:
        """The latest reminder day at or before ``offset``."""
        every = self.overdue_every_days
        if snooze is not None and snooze > 0:
            if offset < snooze:
                return None
            return snooze + (offset - snooze) // every * every
        base: int | None
        if offset >= 1:
            base = 1 + (offset - 1) // every * every
        elif offset == 0:
            base = 0
        elif lead > 0 and offset >= -lead:
            base = -lead
        else:
            base = None
        if snooze is None:
            return base
        if offset < snooze:
            return None
        return snooze if base is None else max(base, snooze)

    def _following(self, lead: int, after: int, snooze: int | None) -> int:
        """The first reminder day after ``after``."""
        every = self.overdue_every_days
        if snooze is not None and after < snooze:
            return snooze
        if snooze is not None and snooze > 0:
            return snooze + ((after - snooze) // every + 1) * every
        if lead > 0 and after < -lead:
            return -lead
        if after < 0:
            return 0
        if after < 1:
            return 1
        return 1 + ((after - 1) // every + 1) * every

    # -- what is owed -------------------------------------------------------------------------

    def owed(
        self,
        *,
        cycle: str,
        iteration: int,
        due_on: date,
        cadence_days: int,
        now: datetime,
        done: int | None = None,
        snoozed_until: date | None = None,
    ) -> Reminder | None:
        """The reminder owed at ``now``, or None.

        ``done`` is the latest occurrence already sent or acknowledged for this iteration and due
        date; ``snoozed_until`` the day a snooze ends.
        """
        offset = (self.last_day(now) - due_on).days
        snooze = None if snoozed_until is None else (snoozed_until - due_on).days
        latest = self._latest(self.lead_days(cadence_days), offset, snooze)
        if latest is None or (done is not None and latest <= done):
            return None
        day = due_on + timedelta(days=latest)
        return Reminder(cycle, iteration, due_on, latest, self.send_at(day))

    def next_day(
        self, *, due_on: date, cadence_days: int, after: int | None, snoozed_until: date | None = None
    ) -> date:
        """The next reminder day after occurrence ``after`` (None: the first one)."""
        snooze = None if snoozed_until is None else (snoozed_until - due_on).days
        start = -(10**6) if after is None else after
        return due_on + timedelta(days=self._following(self.lead_days(cadence_days), start, snooze))

    def snooze_until(self, now: datetime, days: int) -> date:
        """The day a snooze of ``days`` days from ``now`` ends."""
        if days < 1:
            raise ValueError("a snooze lasts at least one day")
        return local_date(utc_datetime(now), self.zone) + timedelta(days=days)
