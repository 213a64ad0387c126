"""Numbers and dates as Babel writes them in the interface's languages (English and Dutch), without
Babel: importing it and loading its locale data would come before the board's first frame.

``tui.widgets.fmt`` writes through these; a test keeps them equal to Babel's for every day of
several years and a range of numbers, in both languages.
"""

from __future__ import annotations

from datetime import date

MONTHS = {
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December"),
    "nl": ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september",
           "oktober", "november", "december"),
}  # fmt: skip
SHORT_MONTHS = {
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
    "nl": ("jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"),
}
WEEKDAYS = {
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
    "nl": ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag"),
}
GROUP = {"en": ",", "nl": "."}  # the thousands separator


def known(lang: str) -> bool:
    return lang in GROUP


def number(value: int, lang: str) -> str:
    """Babel's ``format_decimal`` of an integer."""
    return f"{value:,}".replace(",", GROUP[lang])


def day(value: date, lang: str, year: bool) -> str:
    """Babel's ``d MMM`` (``d MMM y`` with ``year``)."""
    text = f"{value.day} {SHORT_MONTHS[lang][value.month - 1]}"
    return f"{text} {value.year}" if year else text


def month(value: date, lang: str) -> str:
    """Babel's ``MMM``."""
    return SHORT_MONTHS[lang][value.month - 1]


def long_day(value: date, lang: str) -> str:
    """Babel's ``full`` date format."""
    weekday, name = WEEKDAYS[lang][value.weekday()], MONTHS[lang][value.month - 1]
    if lang == "nl":
        return f"{weekday} {value.day} {name} {value.year}"
    return f"{weekday}, {name} {value.day}, {value.year}"
