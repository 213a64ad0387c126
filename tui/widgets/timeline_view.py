"""``TimelineView``: cycles as bars over the months, each iteration a segment of its own shade.

Rows run down (funding routes first, with a coverage row that marks overlaps and gaps, then every
other cycle by scale); time runs across, one cell per ``days`` days. The label column and the two
header lines (months, today) stay put while the bars scroll. Drawn with the Line API: only the
visible lines and columns are computed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import ClassVar
from zoneinfo import ZoneInfo

from rich.segment import Segment
from rich.style import Style
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from cycles.cadence import local_date
from cycles.model import CycleSummary, Iteration, Status
from tui.widgets.board_view import fit
from tui.widgets.fmt import month

LABEL = 34
HEADER = 2
SHADES = ("█", "▓")
PLANNED, OVERDUE = "░", "▲"


@dataclass
class Row:
    label: str
    spans: list[tuple[int, int, str, str]] = field(default_factory=list)  # from, to (days), char, style
    kind: str = "cycle"  # cycle, title, coverage, blank


def _spans(
    its: list[Iteration], ended: bool, zone: ZoneInfo, today: date, origin: date
) -> list[tuple[int, int, str, str]]:
    out: list[tuple[int, int, str, str]] = []
    for it in its:
        start = (local_date(it.opened_at, zone) - origin).days
        shade = SHADES[(it.number - 1) % 2]
        style = "iter-a" if it.number % 2 else "iter-b"
        if it.decision is not None:
            out.append((start, (local_date(it.decision.at, zone) - origin).days, shade, style))
            continue
        if ended:
            continue
        now, due = (today - origin).days, (it.due_on - origin).days
        out.append((start, min(now, due), shade, style))
        if due > now:
            out.append((max(start, now + 1), due, PLANNED, "planned"))
        elif now > due:
            out.append((due + 1, now, OVERDUE, "overdue"))
    return out


class TimelineView(ScrollView, can_focus=True):
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "timeline--label",
        "timeline--title",
        "timeline--header",
        "timeline--today",
        "timeline--iter-a",
        "timeline--iter-b",
        "timeline--planned",
        "timeline--overdue",
        "timeline--gap",
        "timeline--single",
        "timeline--overlap",
    }

    DEFAULT_CSS = """
    TimelineView { background: $surface; }
    TimelineView > .timeline--label { color: $text; }
    TimelineView > .timeline--title { color: $text-accent; text-style: bold; }
    TimelineView > .timeline--header { color: $text-muted; background: $panel; }
    TimelineView > .timeline--today { color: $text-warning; text-style: bold; }
    TimelineView > .timeline--iter-a { color: $primary; }
    TimelineView > .timeline--iter-b { color: $secondary; }
    TimelineView > .timeline--planned { color: $text-muted; }
    TimelineView > .timeline--overdue { color: $text-error; }
    TimelineView > .timeline--gap { color: $text-error; text-style: bold; }
    TimelineView > .timeline--single { color: $text-warning; }
    TimelineView > .timeline--overlap { color: $text-success; text-style: bold; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.rows: list[Row] = []
        self.origin = self.end = self.today = date.min
        self.days = 7
        self.columns = 0

    def set_rows(self, rows: list[Row], origin: date, end: date, today: date) -> None:
        self.rows, self.origin, self.end, self.today = rows, origin, end, today
        self.columns = (end - origin).days // self.days + 1
        self.virtual_size = Size(LABEL + self.columns, HEADER + len(rows))
        self.refresh()

    def zoom(self, days: int) -> None:
        """Show ``days`` days per cell, keeping the first visible day in view."""
        first_day = int(self.scroll_offset.x) * self.days
        self.days = days
        self.set_rows(self.rows, self.origin, self.end, self.today)
        self.scroll_to(x=first_day // days, animate=False, immediate=True)

    def scroll_to_today(self) -> None:
        width = self.scrollable_content_region.width - LABEL
        x = (self.today - self.origin).days // self.days - width * 2 // 3
        self.scroll_to(x=max(0, x), animate=False, immediate=True)

    # -- drawing ----------------------------------------------------------------------------

    def style(self, name: str) -> Style:
        return self.get_component_rich_style(f"timeline--{name}")

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        bars = max(0, width - LABEL)
        x0 = self.scroll_offset.x
        if not self.columns:  # nothing read yet
            return Strip.blank(width, self.rich_style)
        if y < HEADER:
            return self._header(y, x0, bars, width)
        index = y - HEADER + self.scroll_offset.y
        if index >= len(self.rows):
            return Strip.blank(width, self.rich_style)
        row = self.rows[index]
        label_style = self.style("title" if row.kind in ("title", "coverage") else "label")
        segments = [Segment(fit(row.label, LABEL - 1) + " ", label_style)]
        segments.extend(self._bars(row, x0, bars))
        return Strip(segments, width)

    def _header(self, y: int, x0: int, bars: int, width: int) -> Strip:
        """Line 0: month names; line 1: a tick at each month's start, the year at January, ▼ today."""
        hs, ts = self.style("header"), self.style("today")
        cells: list[tuple[str, Style]] = [(" ", hs)] * bars

        def put(x: int, text: str, style: Style) -> None:
            if x < 0 or x + len(text) > bars or any(c != " " for c, _s in cells[x : x + len(text)]):
                return
            for k, ch in enumerate(text):
                cells[x + k] = (ch, style)

        today_x = (self.today - self.origin).days // self.days - x0
        if y == 1 and 0 <= today_x < bars:
            cells[today_x] = ("▼", ts)
        for col in range(max(0, x0 - 6), x0 + bars):
            start = self.origin + timedelta(days=col * self.days)
            before = self.origin + timedelta(days=max(0, col - 1) * self.days)
            if col and start.month == before.month:
                continue
            if y == 0:
                put(col - x0, month(start), hs)
            else:
                put(col - x0, f"╵{start.year}" if start.month == 1 or col == x0 else "╵", hs)
        return Strip([Segment(" " * LABEL, hs), *[Segment(c, st) for c, st in cells]], width)

    def _bars(self, row: Row, x0: int, bars: int) -> list[Segment]:
        today_col = (self.today - self.origin).days // self.days
        cells: list[tuple[str, Style]] = [(" ", self.rich_style)] * bars
        if row.kind != "blank" and 0 <= today_col - x0 < bars:
            cells[today_col - x0] = ("┊", self.style("today"))
        for start, end, char, style in row.spans:
            a = max(start // self.days - x0, 0)
            b = min(end // self.days - x0, bars - 1)
            st = self.style(style)
            for x in range(a, b + 1):
                cells[x] = (char, st)
        return [Segment(c, s) for c, s in cells]


def build_rows(
    summaries: list[CycleSummary],
    iterations: dict[str, list[Iteration]],
    zone: ZoneInfo,
    today: date,
    scale_titles: dict[str, str],
    words: dict[str, str],
    funding_types: tuple[str, ...] = (),
) -> tuple[list[Row], date, date]:
    """The timeline's rows for ``summaries``, the cycles of ``funding_types`` first with their
    coverage; returns rows, first and last day shown."""
    opened = [local_date(its[0].opened_at, zone) for s in summaries if (its := iterations.get(s.key))]
    origin = min(opened, default=today).replace(day=1)
    origin = max(origin, date(today.year - 3, 1, 1))
    rows: list[Row] = []
    funding = [s for s in summaries if s.activity_type in funding_types]
    others = [s for s in summaries if s.activity_type not in funding_types]

    def row_for(s: CycleSummary) -> Row:
        ended = s.status is not Status.ACTIVE
        mark = " ✕" if s.status is Status.DROPPED else " ↪" if s.status is Status.REROUTED else ""
        return Row(f" {s.name}{mark}", _spans(iterations.get(s.key, []), ended, zone, today, origin))

    if funding:
        rows.append(Row(words["funding"], kind="title"))
        frows = [row_for(s) for s in funding]
        rows.extend(frows)
        rows.append(coverage(frows, words["coverage"]))
        rows.append(Row("", kind="blank"))
    order = {k: i for i, k in enumerate(scale_titles)}
    for scale in sorted({s.scale for s in others}, key=lambda k: order.get(k, 99)):
        rows.append(Row(scale_titles.get(scale, scale), kind="title"))
        rows.extend(row_for(s) for s in others if s.scale == scale)
    last = max((sp[1] for r in rows for sp in r.spans), default=(today - origin).days)
    return rows, origin, origin + timedelta(days=max(last, (today - origin).days) + 60)


def coverage(rows: list[Row], label: str) -> Row:
    """Per day, how many funding routes run: ✗ a gap, 1 one route, 2+ an overlap (the overlap model)."""
    covered: dict[int, int] = {}
    for row in rows:
        days = {d for start, end, char, _s in row.spans if char != PLANNED for d in range(start, end + 1)}
        for d in days:
            covered[d] = covered.get(d, 0) + 1
    if not covered:
        return Row(label, kind="coverage")
    first, last = min(covered), max(covered)
    spans: list[tuple[int, int, str, str]] = []  # gaps go last, so no overlap in the same cell hides one
    for d in range(first, last + 1):
        n = covered.get(d, 0)
        char, style = ("✗", "gap") if n == 0 else ("1", "single") if n == 1 else (str(min(n, 9)), "overlap")
        if spans and spans[-1][2] == char and spans[-1][1] == d - 1:
            spans[-1] = (spans[-1][0], d, char, style)
        else:
            spans.append((d, d, char, style))
    spans.sort(key=lambda sp: sp[3] == "gap")
    return Row(label, spans, kind="coverage")
