"""The pure reminder policy: lead times, which reminder is owed, snoozes, wall-clock instants."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from cycles.reminders import Policy, ReminderKind, kind_of

AMS = ZoneInfo("Europe/Amsterdam")
DUE = date(2026, 6, 15)  # a Monday, far from any daylight-saving change


def policy(**kw: object) -> Policy:
    return Policy(zone=AMS, **kw)  # type: ignore[arg-type]


def at(day: date, hour: int = 9, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=AMS).astimezone(UTC)


def owed(p: Policy, now: datetime, cadence: int = 14, **kw: object):  # type: ignore[no-untyped-def]
    return p.owed(cycle="c", iteration=1, due_on=DUE, cadence_days=cadence, now=now, **kw)  # type: ignore[arg-type]


def test_lead_grows_with_the_cadence_within_its_bounds() -> None:
    p = policy()
    assert p.lead_days(14) == 2  # 15 % of two weeks
    assert p.lead_days(42) == 6
    assert p.lead_days(91) == 14  # clamped to lead_max_days
    assert p.lead_days(364) == 14
    assert p.lead_days(3) == 1  # clamped to lead_min_days
    assert p.lead_days(1) == 0  # never before the iteration opened: no upcoming reminder
    assert policy(lead_fraction=0.5, lead_max_days=30).lead_days(28) == 14


def test_upcoming_due_and_overdue_on_their_days_at_nine() -> None:
    p = policy()
    assert owed(p, at(DUE - timedelta(days=2), 8, 59)) is None
    up = owed(p, at(DUE - timedelta(days=2)))
    assert up is not None and up.kind is ReminderKind.UPCOMING and up.occurrence == -2
    assert up.send_at == at(DUE - timedelta(days=2))
    assert owed(p, at(DUE, 8, 59)) == up  # until 09:00 on the due day the upcoming one is latest
    due = owed(p, at(DUE))
    assert due is not None and due.kind is ReminderKind.DUE and due.occurrence == 0
    late = owed(p, at(DUE + timedelta(days=1), 9, 30))
    assert late is not None and late.kind is ReminderKind.OVERDUE and late.occurrence == 1


def test_overdue_repeats_every_interval_and_only_then() -> None:
    p = policy(overdue_every_days=7)
    seen: list[int] = []
    for n in range(1, 30):
        r = owed(p, at(DUE + timedelta(days=n), 12), done=seen[-1] if seen else 0)
        if r is not None:
            seen.append(r.occurrence)
    assert seen == [1, 8, 15, 22, 29]


def test_only_the_latest_reminder_is_owed_after_a_pause() -> None:
    p = policy()
    r = owed(p, at(DUE + timedelta(days=10), 12))  # nothing ran from before the upcoming day
    assert r is not None and r.occurrence == 8 and r.kind is ReminderKind.OVERDUE
    assert owed(p, at(DUE + timedelta(days=10), 12), done=8) is None


def test_a_reminder_already_done_is_not_owed_again() -> None:
    p = policy()
    assert owed(p, at(DUE, 10), done=0) is None
    assert owed(p, at(DUE, 10), done=-2) is not None


def test_snooze_silences_until_its_day_then_repeats_from_it() -> None:
    p = policy(overdue_every_days=7)
    until = DUE + timedelta(days=3)  # snoozed on the first overdue day for two days
    assert owed(p, at(DUE + timedelta(days=2), 12), done=1, snoozed_until=until) is None
    r = owed(p, at(until), done=1, snoozed_until=until)
    assert r is not None and r.occurrence == 3 and r.send_at == at(until)
    assert owed(p, at(until + timedelta(days=6), 12), done=3, snoozed_until=until) is None
    r = owed(p, at(until + timedelta(days=7)), done=3, snoozed_until=until)
    assert r is not None and r.occurrence == 10
    assert p.next_day(due_on=DUE, cadence_days=14, after=3, snoozed_until=until) == DUE + timedelta(days=10)


def test_snooze_before_the_due_date_keeps_the_due_reminder() -> None:
    p = policy()
    until = DUE - timedelta(days=1)
    r = owed(p, at(until, 10), done=-2, snoozed_until=until)
    assert r is not None and r.kind is ReminderKind.UPCOMING and r.occurrence == -1
    r = owed(p, at(DUE, 10), done=-1, snoozed_until=until)
    assert r is not None and r.kind is ReminderKind.DUE


def test_next_day_is_the_first_reminder_day_not_handled() -> None:
    p = policy(overdue_every_days=7)
    nd = p.next_day
    assert nd(due_on=DUE, cadence_days=14, after=None) == DUE - timedelta(days=2)
    assert nd(due_on=DUE, cadence_days=14, after=-2) == DUE
    assert nd(due_on=DUE, cadence_days=14, after=0) == DUE + timedelta(days=1)
    assert nd(due_on=DUE, cadence_days=14, after=1) == DUE + timedelta(days=8)
    assert nd(due_on=DUE, cadence_days=1, after=None) == DUE  # no lead: the due day first


def test_kind_follows_the_day() -> None:
    assert [kind_of(n) for n in (-3, 0, 4)] == [
        ReminderKind.UPCOMING,
        ReminderKind.DUE,
        ReminderKind.OVERDUE,
    ]


@pytest.mark.parametrize(
    ("day", "utc_hour"),
    [
        (date(2026, 3, 28), 8),  # CET, the day before the spring change
        (date(2026, 3, 29), 7),  # CEST from 02:00 that night
        (date(2026, 3, 30), 7),
        (date(2026, 10, 24), 7),  # CEST, the day before the autumn change
        (date(2026, 10, 25), 8),  # CET from 03:00 that night
        (date(2026, 10, 26), 8),
    ],
)
def test_nine_oclock_is_nine_on_the_wall_across_daylight_saving(day: date, utc_hour: int) -> None:
    p = policy()
    assert p.send_at(day) == datetime.combine(day, time(utc_hour), tzinfo=UTC)
    assert p.last_day(p.send_at(day)) == day
    assert p.last_day(p.send_at(day) - timedelta(seconds=1)) == day - timedelta(days=1)


def test_a_reminder_time_skipped_by_the_spring_change_moves_past_the_gap() -> None:
    p = policy(send_time=time(2, 30))
    assert p.send_at(date(2026, 3, 29)) == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)  # 03:30 CEST
    assert p.send_at(date(2026, 10, 25)) == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)  # first 02:30


def test_snooze_ends_a_whole_number_of_days_from_today() -> None:
    p = policy()
    assert p.snooze_until(at(DUE, 23, 30), 2) == DUE + timedelta(days=2)
    with pytest.raises(ValueError):
        p.snooze_until(at(DUE), 0)
