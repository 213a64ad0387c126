"""``tui.widgets.plain_fmt`` writes numbers and dates exactly as Babel does, in both languages."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from babel.dates import format_date
from babel.numbers import format_decimal
from hypothesis import given
from hypothesis import strategies as st

from tui.widgets import plain_fmt


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_dates_as_babel_writes_them(lang: str) -> None:
    day = date(2024, 1, 1)
    while day < date(2028, 1, 1):
        assert plain_fmt.long_day(day, lang) == format_date(day, "full", locale=lang)
        assert plain_fmt.day(day, lang, year=False) == format_date(day, "d MMM", locale=lang)
        assert plain_fmt.day(day, lang, year=True) == format_date(day, "d MMM y", locale=lang)
        assert plain_fmt.month(day, lang) == format_date(day, "MMM", locale=lang)
        day += timedelta(days=1)


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_numbers_as_babel_writes_them(lang: str) -> None:
    for n in [*range(-1100, 1100, 7), 9999, 10000, 123456, 1234567, 10**9 + 7]:
        assert plain_fmt.number(n, lang) == format_decimal(n, locale=lang)


@given(
    day=st.dates(date(1900, 1, 1), date(2200, 12, 31)),
    n=st.integers(-(10**15), 10**15),
    lang=st.sampled_from(["en", "nl"]),
)
def test_any_date_and_number_as_babel_writes_them(day: date, n: int, lang: str) -> None:
    """Beyond the years checked day by day above: any date and any whole number."""
    assert plain_fmt.long_day(day, lang) == format_date(day, "full", locale=lang)
    assert plain_fmt.day(day, lang, year=True) == format_date(day, "d MMM y", locale=lang)
    assert plain_fmt.number(n, lang) == format_decimal(n, locale=lang)
