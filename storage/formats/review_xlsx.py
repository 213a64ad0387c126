"""The programme review as a workbook: a summary sheet and one sheet per list, every row included.

Dates are real spreadsheet dates (a review is read and filtered in a spreadsheet); texts are
neutralised against formulas like the portfolio exports'.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from cycles.community import Community
from cycles.i18n import _
from cycles.review import Review
from storage.formats import xlsx_writer
from storage.formats.review_text import Words, columns, decision_label, headings
from storage.formats.safety import atomic_path, neutralise

Sheets = list[tuple[str, list[str], list[list[object]]]]


def _sheet(book: Sheets, title: str, header: list[str], rows: list[list[object]]) -> None:
    # Sheet names: at most 31 characters, none of []:*?/\ (Excel's rule).
    name = "".join(ch for ch in title if ch not in "[]:*?/\\")[:31]
    book.append((name, header, [[_cell(c) for c in row] for row in rows]))


def _cell(value: object) -> object:
    if value.__class__ is str:
        return neutralise(value)  # type: ignore[arg-type]
    if isinstance(value, datetime):
        return value.date()
    return value


def write(review: Review, community: Community, path: Path, *, lang: str) -> None:
    w, h, col = Words(community, lang), headings(), columns()
    book: Sheets = []
    summary: list[list[object]] = [
        [w.title(review), ""],
        [col["from"], review.period.start],
        [col["to"], review.period.end],
        [_("As of"), review.as_of],
        [h["running"], review.running],
        [_("Iterations completed"), len(review.completed)],
        *[[decision_label(k), n] for k, n in review.decisions.items()],
        [col["evaluations"], review.evaluations],
        [h["overdue"], len(review.overdue)],
        [col["missing"], ", ".join(w.principle(k) for k in review.principles_missing)],
        [col["gaps"], sum(g.days for g in review.gaps)],
    ]
    if w.filters(review):
        summary.insert(1, [_("Filters"), w.filters(review)])
    _sheet(book, _("Summary"), ["", ""], summary)
    _sheet(
        book,
        _("Active cycles"),
        [col["scale"], col["type"], col["cycles"]],
        [[w.scale(t.scale), w.activity_type(t.activity_type), t.count] for t in review.running_by_type],
    )
    _sheet(
        book,
        _("Decisions"),
        [
            col["date"],
            col["cycle"],
            _("Name"),
            col["iteration"],
            col["decision"],
            col["rationale"],
            col["route_to"],
        ],
        [
            [d.on, d.cycle, d.name, d.iteration, decision_label(d.kind), d.rationale, d.route_to or ""]
            for d in review.completed
        ],
    )
    _sheet(
        book,
        _("Overdue"),
        [col["cycle"], _("Name"), col["owner"], col["iteration"], col["due_on"], col["days"]],
        [[o.cycle, o.name, o.owner, o.iteration, o.due_on, o.days] for o in review.overdue],
    )
    _sheet(
        book,
        _("Levels"),
        [_("Kind"), _("Level"), col["evaluations"]],
        [[col["value_level"], w.value_level(k), n] for k, n in review.value_levels]
        + [[col["outcome_level"], w.outcome_level(k), n] for k, n in review.outcome_levels],
    )
    _sheet(
        book,
        _("Principles"),
        [col["principle"], col["evaluations"], col["state"]],
        [[w.principle(k), n, col["covered"]] for k, n in review.principles_covered]
        + [[w.principle(k), 0, col["missing"]] for k in review.principles_missing],
    )
    _sheet(
        book,
        h["funding"],
        [_("Kind"), col["route"], col["route"], col["from"], col["to"], col["days_n"]],
        [[col["route"], s.cycle, s.name, s.start, s.end, (s.end - s.start).days + 1] for s in review.funding]
        + [[col["overlaps"], o.first, o.second, o.start, o.end, o.days] for o in review.overlaps]
        + [[col["gaps"], "", "", g.start, g.end, g.days] for g in review.gaps],
    )
    _sheet(
        book,
        h["timeline"],
        [
            col["cycle"],
            _("Name"),
            col["scale"],
            col["type"],
            col["iteration"],
            col["start"],
            col["end"],
            col["decision"],
            col["due_on"],
        ],
        [
            [
                r.cycle,
                r.name,
                w.scale(r.scale),
                w.activity_type(r.activity_type),
                s.iteration,
                s.start,
                s.end,
                decision_label(s.outcome),
                s.due_on,
            ]
            for r in review.timeline
            for s in r.segments
        ],
    )
    with atomic_path(path) as tmp:
        xlsx_writer.write(tmp, book)
