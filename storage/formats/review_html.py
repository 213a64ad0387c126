"""The programme review as one self-contained HTML file: inline style, inline SVG, no script, no
link to anything outside the file, so it opens offline and can be mailed as it is."""

from __future__ import annotations

from html import escape
from pathlib import Path

from cycles.community import Community
from cycles.review import Review
from storage.formats import svg_timeline
from storage.formats.review_text import MAX_LISTED, Words, columns, decision_label, headings
from storage.formats.safety import write_atomic

STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 1000px; color: #1a202c; }
h1 { font-size: 1.6em; } h2 { font-size: 1.2em; margin-top: 2em; border-bottom: 1px solid #cbd5e0; }
table { border-collapse: collapse; margin: .5em 0 1em; }
th, td { border: 1px solid #cbd5e0; padding: .25em .6em; text-align: left; vertical-align: top; }
th { background: #edf2f7; } td.n { text-align: right; }
.note { color: #4a5568; } .risk { color: #c53030; }
@media print { h2 { break-after: avoid; } }
"""


def _td(value: object) -> str:
    cls = ' class="n"' if isinstance(value, int) else ""
    return f"<td{cls}>{escape(str(value))}</td>"


def _table(header: list[str], rows: list[list[object]], words: Words, total: int = 0) -> list[str]:
    """A table of the first MAX_LISTED rows, and a note on the rest of ``total``."""
    out = ["<table>", "<tr>" + "".join(f"<th>{escape(h)}</th>" for h in header) + "</tr>"]
    out += ["<tr>" + "".join(_td(c) for c in row) + "</tr>" for row in rows[:MAX_LISTED]]
    out.append("</table>")
    total = max(total, len(rows))
    if total > MAX_LISTED:
        out.append(f'<p class="note">{escape(words.more(total - MAX_LISTED))}</p>')
    return out


def _p(text: str, cls: str = "") -> str:
    attr = f' class="{cls}"' if cls else ""
    return f"<p{attr}>{escape(text)}</p>"


def render(review: Review, community: Community, lang: str) -> str:
    w, h, col = Words(community, lang), headings(), columns()
    out = [
        "<!DOCTYPE html>",
        f'<html lang="{escape(lang)}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(w.title(review))}</title>",
        f"<style>{STYLE}</style>",
        "</head>",
        "<body>",
        f"<h1>{escape(w.title(review))}</h1>",
        _p(w.subtitle(review), "note"),
    ]
    if w.filters(review):
        out.append(_p(w.filters(review), "note"))

    out.append(f"<h2>{escape(h['timeline'])}</h2>")
    out.append(svg_timeline.render(review, w))
    if len(review.timeline) > svg_timeline.MAX_ROWS:
        out.append(_p(w.more(len(review.timeline) - svg_timeline.MAX_ROWS), "note"))

    out.append(f"<h2>{escape(h['running'])}</h2>")
    rows: list[list[object]] = [
        [w.scale(t.scale), w.activity_type(t.activity_type), t.count] for t in review.running_by_type
    ]
    out += _table([col["scale"], col["type"], col["cycles"]], [*rows, [col["total"], "", review.running]], w)

    out += [f"<h2>{escape(h['completed'])}</h2>", _p(w.completed_summary(review))]
    if review.completed:
        rows = [
            [
                w.day(d.on),
                f"{d.name} ({d.cycle})",
                d.iteration,
                decision_label(d.kind),
                d.rationale,
                d.route_to or "",
            ]
            for d in review.completed[:MAX_LISTED]
        ]
        header = [
            col["date"],
            col["cycle"],
            col["iteration"],
            col["decision"],
            col["rationale"],
            col["route_to"],
        ]
        out += _table(header, rows, w, len(review.completed))

    out.append(f"<h2>{escape(h['overdue'])}</h2>")
    if review.overdue:
        rows = [
            [f"{o.name} ({o.cycle})", o.owner, o.iteration, w.day(o.due_on), o.days]
            for o in review.overdue[:MAX_LISTED]
        ]
        header = [col["cycle"], col["owner"], col["iteration"], col["due_on"], col["days"]]
        out += _table(header, rows, w, len(review.overdue))
    else:
        out.append(_p(col["no_overdue"]))

    out.append(f"<h2>{escape(h['levels'])}</h2>")
    out += _table(
        [col["value_level"], col["evaluations"]], [[w.value_level(k), n] for k, n in review.value_levels], w
    )
    out += _table(
        [col["outcome_level"], col["evaluations"]],
        [[w.outcome_level(k), n] for k, n in review.outcome_levels],
        w,
    )

    out.append(f"<h2>{escape(h['principles'])}</h2>")
    out.append(f"<h3>{escape(col['covered'])}</h3>")
    covered = [[w.principle(k), n] for k, n in review.principles_covered]
    out += _table([col["principle"], col["evaluations"]], covered, w) if covered else [_p(col["none"])]
    out.append(f"<h3>{escape(col['missing'])}</h3>")
    if review.principles_missing:
        out.append(
            "<ul>"
            + "".join(f"<li>{escape(w.principle(k))}</li>" for k in review.principles_missing)
            + "</ul>"
        )
    else:
        out.append(_p(col["no_missing"]))

    out.append(f"<h2>{escape(h['funding'])}</h2>")
    if review.funding:
        rows = [
            [
                f"{s.name} ({s.cycle})",
                w.day(s.start),
                w.day(s.end),
                col["running"] if s.running else col["ended"],
            ]
            for s in review.funding
        ]
        out += _table([col["route"], col["from"], col["to"], col["state"]], rows, w)
        out.append(f"<h3>{escape(col['overlaps'])}</h3>")
        rows = [
            [o.first, o.second, w.day(o.start), w.day(o.end), o.days] for o in review.overlaps[:MAX_LISTED]
        ]
        header = [col["route"], col["route"], col["from"], col["to"], col["days_n"]]
        out += _table(header, rows, w, len(review.overlaps)) if rows else [_p(col["none"])]
    else:
        out.append(_p(col["no_funding"]))
    out += [f"<h3>{escape(col['gaps'])}</h3>", _p(col["gap_risk"], "note")]
    if review.gaps:
        rows = [[w.day(g.start), w.day(g.end), g.days] for g in review.gaps]
        out.append('<div class="risk">')
        out += _table([col["from"], col["to"], col["days_n"]], rows, w)
        out.append("</div>")
    else:
        out.append(_p(col["no_gaps"]))
    out += ["</body>", "</html>"]
    return "\n".join(out) + "\n"


def write(review: Review, community: Community, path: Path, *, lang: str) -> None:
    text = render(review, community, lang)
    write_atomic(path, lambda fh: fh.write(text))
