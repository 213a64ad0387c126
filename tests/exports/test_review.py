"""The programme review: its content for a known portfolio, and its Markdown, HTML and XLSX forms."""

from __future__ import annotations

import re
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest
from openpyxl import load_workbook

from cycles import review
from cycles.i18n import set_language
from storage.formats import review_html, review_md, review_xlsx
from storage.reading.review_read import read_review_records
from storage.reading.rows import Selection


@pytest.fixture
def q3(filled) -> review.Review:
    cycles = read_review_records(filled.store)
    return review.build(cycles, filled.community, review.period("2026-Q3"), now=filled.now())


def test_domain_cycles_give_the_same_review(filled, q3: review.Review) -> None:
    keys = [c.key for c in read_review_records(filled.store)]
    cycles = [filled.get(key) for key in keys]
    assert review.build(cycles, filled.community, review.period("2026-Q3"), now=filled.now()) == q3


def test_periods() -> None:
    assert review.period("2026-Q3") == review.Period(date(2026, 7, 1), date(2026, 9, 30), "2026-Q3")
    assert review.period("2026-02").end == date(2026, 2, 28)
    assert review.period("2026").end == date(2026, 12, 31)
    assert review.period("2026-W53").start == date(2026, 12, 28)
    assert review.between(date(2026, 7, 1), date(2026, 7, 31)).label == "2026-07-01/2026-07-31"
    assert review.quarter_of(date(2026, 11, 28)).label == "2026-Q4"
    for bad in ("2026-Q5", "2026-13", "Q3", "2025-W53"):
        with pytest.raises(review.PeriodError):
            review.period(bad)


def test_running_cycles_per_scale_and_type(q3: review.Review) -> None:
    assert q3.as_of == date(2026, 9, 30)
    assert q3.running == 8
    assert [(t.scale, t.activity_type, t.count) for t in q3.running_by_type] == [
        ("inhoud", "nanomodule", 1),
        ("inhoud", "training", 1),
        ("inhoud", "event", 1),
        ("inhoud", "showcase", 1),
        ("netwerk", "satellite", 1),
        ("organisatie", "funding-route", 3),
    ]


def test_decisions_with_their_rationale(q3: review.Review) -> None:
    assert [(d.on, d.cycle, d.iteration, d.kind, d.rationale, d.route_to) for d in q3.completed] == [
        (date(2026, 7, 10), "nano-ai", 1, "next", "Run again with directors", None),
        (date(2026, 8, 1), "nano-ai", 2, "route", "Turn it into a training", "nano-ai-training"),
        (date(2026, 8, 15), "fund-subsidy", 1, "drop", "The subsidy ended", None),
        (date(2026, 8, 20), "fund-project", 1, "drop", "Project closed", None),
    ]
    assert q3.decisions == {"next": 1, "route": 1, "drop": 2}
    assert q3.evaluations == 3  # nano-ai's first evaluation was in June


def test_overdue_evaluations(q3: review.Review) -> None:
    assert [(o.cycle, o.iteration, o.due_on, o.days) for o in q3.overdue] == [
        ("opencoffee", 1, date(2026, 7, 13), 79),
        ("nano-ai-training", 1, date(2026, 9, 12), 18),
    ]


def test_overdue_is_as_of_the_end_of_a_past_period(filled) -> None:
    cycles = read_review_records(filled.store)
    july = review.build(cycles, filled.community, review.period("2026-07"), now=filled.now())
    # on 31 July nano-ai's second iteration (due 24 July) had been evaluated on the 25th
    assert [(o.cycle, o.days) for o in july.overdue] == [("opencoffee", 18)]


def test_levels_and_principles(q3: review.Review) -> None:
    assert dict(q3.value_levels) == {
        "expected": 0, "immediate": 0, "potential": 1, "applied": 1, "realised": 1, "transformative": 0,
    }  # fmt: skip
    assert dict(q3.outcome_levels) == {"micro": 0, "meso": 1, "macro": 1}
    assert q3.principles_covered == [
        ("own-interest", 1),
        ("whole-chain", 1),
        ("above-all-do", 1),
        ("radar", 1),
    ]
    assert q3.principles_missing == [
        "ambitious-mission", "everyone-contributes", "independent-facilitation", "hinge",
        "challenge-based-adoption",
    ]  # fmt: skip


def test_funding_overlap_and_gap(q3: review.Review) -> None:
    assert [(s.cycle, s.start, s.end, s.running) for s in q3.funding] == [
        ("fund-subsidy", date(2026, 6, 1), date(2026, 8, 15), False),
        ("fund-project", date(2026, 8, 1), date(2026, 8, 20), False),
        ("fund-partner", date(2026, 9, 1), date(2027, 3, 2), True),
    ]
    assert [(o.first, o.second, o.start, o.end, o.days) for o in q3.overlaps] == [
        ("fund-subsidy", "fund-project", date(2026, 8, 1), date(2026, 8, 15), 15)
    ]
    assert [(g.start, g.end, g.days) for g in q3.gaps] == [(date(2026, 8, 21), date(2026, 8, 31), 11)]


def test_configurable_funding_types_and_filters(filled) -> None:
    cycles = read_review_records(filled.store, Selection(scales=("inhoud",)))
    made = review.build(
        cycles, filled.community, review.period("2026-Q3"), now=filled.now(), funding_types=("event",)
    )
    assert {t.scale for t in made.running_by_type} == {"inhoud"}
    assert [s.cycle for s in made.funding] == ["opencoffee"]
    assert made.gaps == []


def test_timeline(q3: review.Review) -> None:
    rows = {r.cycle: r for r in q3.timeline}
    assert [(s.iteration, s.outcome, s.start, s.end) for s in rows["nano-ai"].segments] == [
        (1, "next", date(2026, 6, 1), date(2026, 7, 10)),
        (2, "route", date(2026, 7, 10), date(2026, 8, 1)),
    ]
    assert rows["opencoffee"].segments[0].outcome == "open"
    assert [r.scale for r in q3.timeline] == sorted(
        (r.scale for r in q3.timeline), key=["inhoud", "netwerk", "organisatie"].index
    )


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.urls: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        for name, value in attrs:
            if name in ("src", "href", "xlink:href", "action", "data") and value:
                self.urls.append(value)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_html_is_self_contained_with_an_svg_timeline(q3, filled, out: Path) -> None:
    review_html.write(q3, filled.community, out / "r.html", lang="en")
    html = (out / "r.html").read_text("utf-8")
    parser = _Collect()
    parser.feed(html)
    assert parser.urls == []
    assert not re.search(r"(https?:)?//[\w.-]+", html.replace("http://x", "")), "no external reference"
    assert "@import" not in html and "url(" not in html and "<script" not in html
    assert parser.tags.count("svg") == 1 and parser.tags.count("rect") >= 10
    text = " ".join(parser.text)
    for expected in (
        "Turn it into a training",
        "Opencoffee (opencoffee)",
        "Ambitious mission",
        "21 Aug 2026",
    ):
        assert expected in text


def test_markdown_review(q3, filled, out: Path) -> None:
    review_md.write(q3, filled.community, out / "r.md", lang="en")
    md = (out / "r.md").read_text("utf-8")
    assert md.startswith("# Programme review SPARK: 2026-Q3\n")
    assert "| 10 Jul 2026 | Nano Ai (nano-ai) | 1 | next step | Run again with directors |  |" in md
    assert "| Opencoffee (opencoffee) | Anouk | 1 | 13 Jul 2026 | 79 |" in md
    assert "- Independent facilitation" in md
    assert "| fund-subsidy | fund-project | 1 Aug 2026 | 15 Aug 2026 | 15 |" in md


def test_xlsx_review_has_every_list(q3, filled, out: Path) -> None:
    review_xlsx.write(q3, filled.community, out / "r.xlsx", lang="en")
    book = load_workbook(out / "r.xlsx")
    assert book.sheetnames == [
        "Summary",
        "Active cycles",
        "Decisions",
        "Overdue",
        "Levels",
        "Principles",
        "Funding routes",
        "Timeline",
    ]
    decisions = list(book["Decisions"].iter_rows(min_row=2, values_only=True))
    assert [r[1] for r in decisions] == ["nano-ai", "nano-ai", "fund-subsidy", "fund-project"]
    assert decisions[0][0].date() == date(2026, 7, 10)
    gaps = [r for r in book["Funding routes"].iter_rows(min_row=2, values_only=True) if r[0] == "Gaps"]
    assert gaps == [("Gaps", None, None, gaps[0][3], gaps[0][4], 11)]


def test_dutch_review_uses_the_community_labels_and_dutch_dates(q3, filled, out: Path) -> None:
    set_language("nl")
    review_html.write(q3, filled.community, out / "r.html", lang="nl")
    review_md.write(q3, filled.community, out / "r.md", lang="nl")
    html = (out / "r.html").read_text("utf-8")
    md = (out / "r.md").read_text("utf-8")
    assert '<html lang="nl">' in html
    for text in (html, md):
        for dutch in (
            "Inhoudelijke schaal",
            "Financieringsroute",
            "Ambitieuze missie",
            "Netwerkschaal",
            "Gerealiseerde waarde",
            "aug 2026",
        ):
            assert dutch in text, dutch
        assert "Content scale" not in text and "Ambitious mission" not in text


@pytest.mark.parametrize("direct", [True, False], ids=["driver", "store"])
def test_review_records_read_from_either_database_equal_the_domain_cycles(
    db_url: str, community, export_clock, direct: bool
) -> None:
    """The review's narrow read (only the columns it uses, instants as UTC datetimes made by the
    driver) gives the review the domain's cycles give, on SQLite and on PostgreSQL, whole and
    selected, through the driver alone and through the store."""
    from datetime import UTC

    from storage.reading.rows import direct_reader
    from tests.exports.conftest import build, open_workspace

    ws = open_workspace(db_url, community, export_clock)
    try:
        build(ws, export_clock)
        q3 = review.period("2026-Q3")
        for chosen in (Selection(), Selection(scales=("inhoud",)), Selection(types=("funding-route",))):
            if direct:
                reader = direct_reader(db_url)
                assert reader is not None
                try:
                    records = read_review_records(reader, chosen)
                finally:
                    reader.close()
            else:
                records = read_review_records(ws.store, chosen)
            keys = [c.key for c in records]
            assert keys == sorted(keys) and keys
            cycles = [ws.get(key) for key in keys]
            assert all(c.scale in (chosen.scales or (c.scale,)) for c in cycles)
            assert all(c.activity_type in (chosen.types or (c.activity_type,)) for c in cycles)
            for record, cycle in zip(records, cycles, strict=True):
                assert record.created_at == cycle.created_at and record.created_at.tzinfo is UTC
                assert [it.number for it in record.iterations] == [it.number for it in cycle.iterations]
                assert [it.opened_at for it in record.iterations] == [it.opened_at for it in cycle.iterations]
            made = review.build(records, community, q3, now=export_clock())
            assert made == review.build(cycles, community, q3, now=export_clock())
    finally:
        ws.store.close()


def test_review_records_keep_iterations_in_order_whatever_order_the_database_returns(filled) -> None:
    """The iterations are read in no particular order (sorting them in the database cost more than
    here): a database that returns them backwards gives the same records."""
    from collections.abc import Sequence
    from typing import Any

    from storage.reading.rows import Reader, snapshot

    class Backwards(Reader):
        def all(self, sql: str, params: Sequence[Any] = (), **options: Any) -> list[Any]:
            rows = super().all(sql, params, **options)
            return rows[::-1] if "FROM iteration" in sql else rows

    with snapshot(filled.store) as reader:
        expected = read_review_records(reader)
        backwards = read_review_records(Backwards(reader.connection, reader.backend))
    assert any(len(c.iterations) > 1 for c in expected)
    assert backwards == expected
