"""Review periods: a year, a quarter, a month, an ISO week, or two days (``cycles.review``)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from cycles.errors import CyclesError


class PeriodError(CyclesError):
    """A review period that cannot be read or is empty."""


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive
    label: str

    def __contains__(self, day: date) -> bool:
        return self.start <= day <= self.end


def period(text: str) -> Period:
    """``2026`` (a year), ``2026-Q3`` (a quarter), ``2026-07`` (a month) or ``2026-W27`` (ISO week)."""
    text = text.strip()
    try:
        if m := re.fullmatch(r"(\d{4})", text):
            year = int(m[1])
            return Period(date(year, 1, 1), date(year, 12, 31), text)
        if m := re.fullmatch(r"(\d{4})-?[Qq]([1-4])", text):
            year, q = int(m[1]), int(m[2])
            start = date(year, 3 * q - 2, 1)
            return Period(start, _month_end(year, 3 * q), f"{year}-Q{q}")
        if m := re.fullmatch(r"(\d{4})-(\d{2})", text):
            year, month = int(m[1]), int(m[2])
            return Period(date(year, month, 1), _month_end(year, month), text)
        if m := re.fullmatch(r"(\d{4})-?[Ww](\d{2})", text):
            start = date.fromisocalendar(int(m[1]), int(m[2]), 1)
            return Period(start, start + timedelta(days=6), f"{m[1]}-W{m[2]}")
    except ValueError as exc:
        raise PeriodError(f"period {text!r}: {exc}") from exc
    raise PeriodError(
        f"period {text!r}: give a year (2026), quarter (2026-Q3), month (2026-07) or week (2026-W27)"
    )


def between(start: date, end: date) -> Period:
    if end < start:
        raise PeriodError(f"the period ends ({end}) before it starts ({start})")
    return Period(start, end, f"{start.isoformat()}/{end.isoformat()}")


def quarter_of(day: date) -> Period:
    return period(f"{day.year}-Q{(day.month - 1) // 3 + 1}")


def _month_end(year: int, month: int) -> date:
    first_next = date(year + month // 12, month % 12 + 1, 1)
    return first_next - timedelta(days=1)
