"""How the board writes dates, numbers and due badges in the chosen language.

Due states are told by a symbol and a word, so they read the same without colour.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from cycles.i18n import _, language
from cycles.kinds import DueState, Status
from tui.labels import due_label, status_label
from tui.widgets import plain_fmt

if TYPE_CHECKING:
    from babel import Locale

# Babel is imported when first needed (``moment``, or a language ``plain_fmt`` does not know):
# the board's first frame writes its dates and numbers without it.

DUE_SYMBOL = {DueState.UPCOMING: "○", DueState.DUE: "●", DueState.OVERDUE: "▲"}
ENDED_SYMBOL = {Status.DROPPED: "✕", Status.REROUTED: "↪"}


@lru_cache(maxsize=4)
def _locale(lang: str) -> Locale:
    from babel import Locale

    return Locale.parse(lang)


def locale() -> Locale:
    return _locale(language())


def day(value: date, today: date | None = None) -> str:
    """A short date: "24 Mar", with the year when it is not this year's."""
    year = not (today is not None and value.year == today.year)
    if plain_fmt.known(lang := language()):
        return plain_fmt.day(value, lang, year)
    from babel.dates import format_date

    return format_date(value, "d MMM y" if year else "d MMM", locale=locale())


def long_day(value: date) -> str:
    if plain_fmt.known(lang := language()):
        return plain_fmt.long_day(value, lang)
    from babel.dates import format_date

    return format_date(value, "full", locale=locale())


def moment(value: datetime, zone: ZoneInfo) -> str:
    """Date and wall-clock time in the community's zone."""
    from babel.dates import format_datetime

    return format_datetime(value.astimezone(zone), "d MMM y HH:mm", locale=locale())


def month(value: date) -> str:
    if plain_fmt.known(lang := language()):
        return plain_fmt.month(value, lang)
    from babel.dates import format_date

    return format_date(value, "MMM", locale=locale())


def number(value: int) -> str:
    if plain_fmt.known(lang := language()):
        return plain_fmt.number(value, lang)
    from babel.numbers import format_decimal

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
