"""The programme review as Markdown (GitHub-flavoured tables), for a wiki, an e-mail or a PDF tool."""

from __future__ import annotations

from pathlib import Path

from cycles.community import Community
from cycles.review import Review
from storage.formats.review_text import MAX_LISTED, Table, Words, columns, headings, tables
from storage.formats.safety import write_atomic


def _cell(text: object) -> str:
    value = str(text).replace("\r\n", " ").replace("\n", " ").replace("\r", " ")
    return value.replace("\\", "\\\\").replace("|", "\\|").replace("<", "&lt;")


def _table(table: Table) -> list[str]:
    """The whole table."""
    lines = ["| " + " | ".join(_cell(h) for h in table.header) + " |", "|" + "---|" * len(table.header)]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in table.rows]
    return [*lines, ""]


def _limited(table: Table, words: Words) -> list[str]:
    """The table of a long list (its first MAX_LISTED rows) and a note on the rest of ``total``."""
    if table.total <= MAX_LISTED:
        return _table(table)
    return [*_table(table), words.more(table.total - MAX_LISTED), ""]


def render(review: Review, community: Community, lang: str) -> str:
    w, h, col = Words(community, lang), headings(), columns()
    t = tables(review, w)
    out = [f"# {_cell(w.title(review))}", "", w.subtitle(review), ""]
    if w.filters(review):
        out += [w.filters(review), ""]

    out += [f"## {h['running']}", ""]
    out += _table(t["running"])

    out += [f"## {h['completed']}", "", w.completed_summary(review), ""]
    if review.completed:
        out += _limited(t["completed"], w)

    out += [f"## {h['overdue']}", ""]
    if review.overdue:
        out += _limited(t["overdue"], w)
    else:
        out += [col["no_overdue"], ""]

    out += [f"## {h['levels']}", ""]
    out += _table(t["value_levels"])
    out += _table(t["outcome_levels"])

    out += [f"## {h['principles']}", ""]
    out += [f"**{col['covered']}**", ""]
    out += _table(t["covered"]) if t["covered"].rows else [col["none"], ""]
    out += [f"**{col['missing']}**", ""]
    if review.principles_missing:
        out += [f"- {_cell(w.principle(k))}" for k in review.principles_missing] + [""]
    else:
        out += [col["no_missing"], ""]

    out += [f"## {h['funding']}", ""]
    if review.funding:
        out += _table(t["funding"])
        out += [f"**{col['overlaps']}**", ""]
        out += _limited(t["overlaps"], w) if t["overlaps"].rows else [col["none"], ""]
    else:
        out += [col["no_funding"], ""]
    out += [f"**{col['gaps']}**", "", col["gap_risk"], ""]
    if review.gaps:
        out += _table(t["gaps"])
    else:
        out += [col["no_gaps"], ""]

    out += [f"## {h['timeline']}", ""]
    out += _limited(t["timeline"], w)
    return "\n".join(out).rstrip() + "\n"


def write(review: Review, community: Community, path: Path, *, lang: str) -> None:
    text = render(review, community, lang)
    write_atomic(path, lambda fh: fh.write(text))
