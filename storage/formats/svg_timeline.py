"""The review's timeline of parallel cycles as an SVG drawing, with no chart library.

One row per cycle (grouped by scale), one bar per iteration coloured by how it ended (next step,
other route, drop, still open), a tick where an open iteration's evaluation is due, month (or week)
lines along the period. Every bar has a ``<title>`` so a browser shows it on hover, without script.
"""

from __future__ import annotations

from datetime import date, timedelta
from html import escape

from cycles.review import Review, TimelineRow
from storage.formats.review_text import Words, decision_label, month

MAX_ROWS = 60
WIDTH = 960
LABEL = 260
ROW = 18
TOP = 28
COLOURS = {"next": "#2b6cb0", "route": "#dd6b20", "drop": "#718096", "open": "#38a169"}


def _x(day: date, start: date, days: int) -> float:
    return LABEL + (WIDTH - LABEL - 10) * ((day - start).days / days)


def _ticks(start: date, end: date) -> list[date]:
    if (end - start).days <= 45:
        first = start + timedelta(days=(7 - start.weekday()) % 7)
        return [first + timedelta(days=7 * i) for i in range(((end - first).days // 7) + 1)]
    ticks, current = [], date(start.year, start.month, 1)
    while current <= end:
        if current >= start:
            ticks.append(current)
        current = date(current.year + current.month // 12, current.month % 12 + 1, 1)
    step = max(1, len(ticks) // 12)
    return ticks[::step]


def render(review: Review, words: Words, rows: list[TimelineRow] | None = None) -> str:
    """The timeline as an ``<svg>`` element (the first MAX_ROWS cycles)."""
    rows = (review.timeline if rows is None else rows)[:MAX_ROWS]
    start, end = review.period.start, review.period.end
    days = max(1, (end - start).days + 1)
    height = TOP + ROW * max(1, len(rows)) + 30
    out = [
        f'<svg role="img" width="{WIDTH}" height="{height}" '
        f'viewBox="0 0 {WIDTH} {height}" font-family="sans-serif" font-size="11">',
        f"<title>{escape(words.title(review))}</title>",
    ]
    for tick in _ticks(start, end):
        x = _x(tick, start, days)
        out.append(f'<line x1="{x:.1f}" y1="{TOP - 6}" x2="{x:.1f}" y2="{height - 26}" stroke="#e2e8f0"/>')
        label = month(tick, words.lang) if (end - start).days > 45 else words.day(tick)
        out.append(f'<text x="{x + 2:.1f}" y="{TOP - 10}" fill="#4a5568">{escape(label)}</text>')
    if review.as_of < end:
        x = _x(review.as_of, start, days)
        out.append(
            f'<line x1="{x:.1f}" y1="{TOP - 6}" x2="{x:.1f}" y2="{height - 26}" '
            'stroke="#e53e3e" stroke-dasharray="3,3"/>'
        )
    previous_scale = None
    for i, row in enumerate(rows):
        y = TOP + i * ROW
        if row.scale != previous_scale:
            out.append(f'<line x1="0" y1="{y}" x2="{WIDTH}" y2="{y}" stroke="#a0aec0"/>')
            previous_scale = row.scale
        name = row.name if len(row.name) <= 38 else row.name[:37] + "…"
        out.append(
            f'<text x="4" y="{y + 13}" fill="#1a202c"><title>{escape(row.name)} ({escape(row.cycle)}), '
            f"{escape(words.scale(row.scale))}</title>{escape(name)}</text>"
        )
        for seg in row.segments:
            a = _x(max(seg.start, start), start, days)
            b = _x(min(seg.end, end) + timedelta(days=1), start, days)
            colour = COLOURS.get(seg.outcome, "#a0aec0")
            tip = (
                f"{row.cycle} #{seg.iteration}: {words.day(seg.start)} – {words.day(seg.end)}, "
                f"{decision_label(seg.outcome)}"
            )
            fill = colour if seg.outcome != "open" else "#c6f6d5"
            out.append(
                f'<rect x="{a:.1f}" y="{y + 3}" width="{max(1.5, b - a - 1):.1f}" height="{ROW - 6}" '
                f'fill="{fill}" stroke="{colour}"><title>{escape(tip)}</title></rect>'
            )
            if seg.outcome == "open" and start <= seg.due_on <= end:
                x = _x(seg.due_on, start, days)
                out.append(
                    f'<line x1="{x:.1f}" y1="{y + 1}" x2="{x:.1f}" y2="{y + ROW - 1}" '
                    'stroke="#22543d" stroke-width="2"/>'
                )
    y = height - 10
    x = 4.0
    for kind, colour in COLOURS.items():
        out.append(f'<rect x="{x}" y="{y - 9}" width="10" height="10" fill="{colour}"/>')
        label = escape(decision_label(kind))
        out.append(f'<text x="{x + 14}" y="{y}" fill="#1a202c">{label}</text>')
        x += 24 + 7 * len(label)
    out.append("</svg>")
    return "\n".join(out)
