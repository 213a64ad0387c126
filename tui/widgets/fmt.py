"""How the board writes dates, numbers and due badges in the chosen language.

Due states are told by a symbol and a word, so they read the same without colour.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal

from cycles.i18n import _, language
from cycles.model import DueState, Status
from tui.labels import due_label, status_label

DUE_SYMBOL = {DueState.UPCOMING: "○", DueState.DUE: "●", DueState.OVERDUE: "▲"}
ENDED_SYMBOL = {Status.DROPPED: "✕", Status.REROUTED: "↪"}


@lru_cache(maxsize=4)
def _locale(lang: str) -> Locale:
    return Locale.parse(lang)


def locale() -> Locale:
    return _locale(language())


def day(value: date, today: date | None = None) -> str:
    """A short date: "24 Mar", with the year when it is not this year's."""
    pattern = "d MMM" if today is not None and value.year == today.year else "d MMM y"
    return format_date(value, pattern, locale=locale())


def long_day(value: date) -> str:
    return format_date(value, "full", locale=locale())


def moment(value: datetime, zone: ZoneInfo) -> str:
    """Date and wall-clock time in the community's zone."""
    return format_datetime(value.astimezone(zone), "d MMM y HH:mm", locale=locale())


def month(value: date) -> str:
    return format_date(value, "MMM", locale=locale())


def number(value: int) -> str:
    return format_decimal(value, locale=locale())


def due_state(due: date | None, today: date) -> DueState | None:
    if due is None:
        return None
    if today < due:
        return DueState.UPCOMING
    return DueState.DUE if today == due else DueState.OVERDUE


def due_badge(state: DueState | None, due: date | None, today: date) -> str:
    """ "○ upcoming 24 Mar", "● due today", "▲ overdue 2 Mar"; empty without a due date."""
    if state is None or due is None:
        return ""
    if state is DueState.DUE:
        return f"{DUE_SYMBOL[state]} {_('due today')}"
    return f"{DUE_SYMBOL[state]} {due_label(state.value)} {day(due, today)}"


def ended_badge(status: Status) -> str:
    return f"{ENDED_SYMBOL.get(status, '')} {status_label(status.value)}".strip()
