"""The programme review as one self-contained HTML file: inline style, inline SVG, no script, no
link to anything outside the file, so it opens offline and can be mailed as it is."""

from __future__ import annotations

from html import escape
from pathlib import Path

from cycles.community import Community
from cycles.review import Review
from storage.formats import svg_timeline
from storage.formats.review_text import MAX_LISTED, Table, Words, columns, headings, tables
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


def _table(table: Table, words: Words) -> list[str]:
    """A table of the first MAX_LISTED rows, and a note on the rest of ``table.total``."""
    out = ["<table>", "<tr>" + "".join(f"<th>{escape(h)}</th>" for h in table.header) + "</tr>"]
    out += ["<tr>" + "".join(_td(c) for c in row) + "</tr>" for row in table.rows[:MAX_LISTED]]
    out.append("</table>")
    total = max(table.total, len(table.rows))
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

    t = tables(review, w)
    out.append(f"<h2>{escape(h['running'])}</h2>")
    out += _table(t["running"], w)

    out += [f"<h2>{escape(h['completed'])}</h2>", _p(w.completed_summary(review))]
    if review.completed:
        out += _table(t["completed"], w)

    out.append(f"<h2>{escape(h['overdue'])}</h2>")
    if review.overdue:
        out += _table(t["overdue"], w)
    else:
        out.append(_p(col["no_overdue"]))

    out.append(f"<h2>{escape(h['levels'])}</h2>")
    out += _table(t["value_levels"], w)
    out += _table(t["outcome_levels"], w)

    out.append(f"<h2>{escape(h['principles'])}</h2>")
    out.append(f"<h3>{escape(col['covered'])}</h3>")
    out += _table(t["covered"], w) if t["covered"].rows else [_p(col["none"])]
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
        out += _table(t["funding"], w)
        out.append(f"<h3>{escape(col['overlaps'])}</h3>")
        out += _table(t["overlaps"], w) if t["overlaps"].rows else [_p(col["none"])]
    else:
        out.append(_p(col["no_funding"]))
    out += [f"<h3>{escape(col['gaps'])}</h3>", _p(col["gap_risk"], "note")]
    if review.gaps:
        out.append('<div class="risk">')
        out += _table(t["gaps"], w)
        out.append("</div>")
    else:
        out.append(_p(col["no_gaps"]))
    out += ["</body>", "</html>"]
    return "\n".join(out) + "\n"


def write(review: Review, community: Community, path: Path, *, lang: str) -> None:
    text = render(review, community, lang)
    write_atomic(path, lambda fh: fh.write(text))
