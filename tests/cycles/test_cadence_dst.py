"""Due dates and due states on the wall calendar of Europe/Amsterdam, across the 2026 DST changes
(summer time starts 2026-03-29 02:00 CET, ends 2026-10-25 03:00 CEST)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from cycles import loop
from cycles.cadence import at_local, days_left, due_on, due_state, local_date
from cycles.community import Community
from cycles.model import DecisionKind, DueState

AMS = ZoneInfo("Europe/Amsterdam")


def local(y: int, mo: int, d: int, h: int, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=AMS)


@pytest.mark.parametrize(
    ("opened", "cadence", "due"),
    [
        (local(2026, 3, 20, 10), 14, date(2026, 4, 3)),  # across the spring change
        (local(2026, 3, 28, 23, 30), 1, date(2026, 3, 29)),  # the 23-hour day
        (local(2026, 10, 20, 10), 14, date(2026, 11, 3)),  # across the autumn change
        (local(2026, 10, 24, 23, 30), 1, date(2026, 10, 25)),  # the 25-hour day
        (local(2026, 3, 20, 0, 30), 14, date(2026, 4, 3)),  # 23:30 UTC the day before
        (local(2026, 1, 1, 9), 364, date(2026, 12, 31)),
    ],
)
def test_due_date_is_the_opening_day_plus_cadence_on_the_local_calendar(
    opened: datetime, cadence: int, due: date
) -> None:
    assert due_on(opened.astimezone(UTC), cadence, AMS) == due


def test_an_iteration_opened_on_20_march_with_cadence_14_is_due_3_april(community: Community) -> None:
    now = local(2026, 3, 20, 10).astimezone(UTC)
    cycle = loop.new_cycle(
        community, key="k", name="K", activity_type="nanomodule", now=now, actor="a", cadence_days=14
    ).cycle
    assert cycle.due_on == date(2026, 4, 3)


@pytest.mark.parametrize(
    ("due", "now", "state", "left"),
    [
        # due the day after the spring change
        (date(2026, 3, 30), local(2026, 3, 29, 23, 30), DueState.UPCOMING, 1),
        (date(2026, 3, 30), local(2026, 3, 30, 0, 30), DueState.DUE, 0),  # 22:30 UTC the day before
        (date(2026, 3, 30), local(2026, 3, 30, 23, 30), DueState.DUE, 0),
        (date(2026, 3, 30), local(2026, 3, 31, 0, 30), DueState.OVERDUE, -1),
        # due on the spring change day itself
        (date(2026, 3, 29), local(2026, 3, 28, 23, 30), DueState.UPCOMING, 1),
        (date(2026, 3, 29), local(2026, 3, 29, 3, 30), DueState.DUE, 0),
        (date(2026, 3, 29), local(2026, 3, 30, 0, 30), DueState.OVERDUE, -1),
        # due on the autumn change day
        (date(2026, 10, 25), local(2026, 10, 24, 23, 30), DueState.UPCOMING, 1),
        (date(2026, 10, 25), local(2026, 10, 25, 0, 30), DueState.DUE, 0),
        (date(2026, 10, 25), local(2026, 10, 25, 23, 30), DueState.DUE, 0),  # 22:30 UTC
        (date(2026, 10, 25), local(2026, 10, 26, 0, 30), DueState.OVERDUE, -1),  # 23:30 UTC on the 25th
        # the example from the issue: due 2026-04-03
        (date(2026, 4, 3), local(2026, 4, 2, 23, 30), DueState.UPCOMING, 1),
        (date(2026, 4, 3), local(2026, 4, 4, 0, 30), DueState.OVERDUE, -1),
    ],
)
def test_due_state_follows_the_local_day_not_the_utc_day(
    due: date, now: datetime, state: DueState, left: int
) -> None:
    utc_now = now.astimezone(UTC)
    assert due_state(due, utc_now, AMS) is state
    assert days_left(due, utc_now, AMS) == left


@pytest.mark.parametrize(
    ("day", "wall", "utc"),
    [
        (date(2026, 3, 28), time(9), datetime(2026, 3, 28, 8, tzinfo=UTC)),  # CET, +01:00
        (date(2026, 3, 29), time(9), datetime(2026, 3, 29, 7, tzinfo=UTC)),  # CEST, +02:00
        (date(2026, 10, 24), time(9), datetime(2026, 10, 24, 7, tzinfo=UTC)),  # CEST
        (date(2026, 10, 25), time(9), datetime(2026, 10, 25, 8, tzinfo=UTC)),  # CET
        # 02:30 does not exist on 29 March: it lands after the gap, at 03:30 CEST
        (date(2026, 3, 29), time(2, 30), datetime(2026, 3, 29, 1, 30, tzinfo=UTC)),
        # 02:30 exists twice on 25 October: the first one, still CEST
        (date(2026, 10, 25), time(2, 30), datetime(2026, 10, 25, 0, 30, tzinfo=UTC)),
    ],
)
def test_at_local_gives_the_wall_clock_instant_across_dst(day: date, wall: time, utc: datetime) -> None:
    instant = at_local(day, wall, AMS)
    assert instant == utc
    assert instant.tzinfo is UTC


def test_a_skipped_wall_time_lands_after_the_gap() -> None:
    instant = at_local(date(2026, 3, 29), time(2, 30), AMS)
    assert instant.astimezone(AMS).replace(tzinfo=None) == datetime(2026, 3, 29, 3, 30)
    assert instant > at_local(date(2026, 3, 29), time(1, 59), AMS)


def test_nine_oclock_every_day_is_23_and_25_hours_apart_over_the_changes() -> None:
    def gap(day: date) -> timedelta:
        return at_local(day + timedelta(days=1), time(9), AMS) - at_local(day, time(9), AMS)

    assert gap(date(2026, 3, 28)) == timedelta(hours=23)
    assert gap(date(2026, 10, 24)) == timedelta(hours=25)
    assert gap(date(2026, 6, 1)) == timedelta(hours=24)


def test_a_next_step_on_the_autumn_change_day_is_due_a_calendar_cadence_later(community: Community) -> None:
    opened = local(2026, 10, 11, 9).astimezone(UTC)
    cycle = loop.new_cycle(
        community, key="k", name="K", activity_type="nanomodule", now=opened, actor="a"
    ).cycle
    cycle = loop.start_run(cycle, now=opened, actor="a").cycle
    cycle = loop.evaluate(cycle, community, now=opened, actor="a").cycle
    decided_at = local(2026, 10, 25, 23, 30).astimezone(UTC)  # 22:30 UTC, still the 25th locally
    cycle = loop.decide(cycle, community, kind=DecisionKind.NEXT, why="go", now=decided_at, actor="a").cycle
    assert cycle.current.due_on == date(2026, 11, 8)


def test_the_community_zone_decides_the_calendar_day() -> None:
    instant = datetime(2026, 3, 29, 23, 30, tzinfo=UTC)
    assert local_date(instant, AMS) == date(2026, 3, 30)
    assert local_date(instant, ZoneInfo("America/New_York")) == date(2026, 3, 29)
    assert due_on(instant, 1, ZoneInfo("Asia/Tokyo")) == date(2026, 3, 31)


def test_naive_instants_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        due_state(date(2026, 4, 3), datetime(2026, 4, 3, 12), AMS)
