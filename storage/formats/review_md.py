"""The programme review as Markdown (GitHub-flavoured tables), for a wiki, an e-mail or a PDF tool."""

from __future__ import annotations

from pathlib import Path

from cycles.community import Community
from cycles.review import Review
from storage.formats.review_text import MAX_LISTED, Words, columns, decision_label, headings
from storage.formats.safety import write_atomic


def _cell(text: object) -> str:
    value = str(text).replace("\r\n", " ").replace("\n", " ").replace("\r", " ")
    return value.replace("\\", "\\\\").replace("|", "\\|").replace("<", "&lt;")


def _table(header: list[str], rows: list[list[object]]) -> list[str]:
    lines = ["| " + " | ".join(_cell(h) for h in header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return [*lines, ""]


def _limited(rows: list[list[object]], words: Words, total: int) -> tuple[list[list[object]], list[str]]:
    """The rows shown (the first MAX_LISTED of ``total``) and a note on the rest."""
    if total <= MAX_LISTED:
        return rows, []
    return rows[:MAX_LISTED], [words.more(total - MAX_LISTED), ""]


def render(review: Review, community: Community, lang: str) -> str:
    w, h, col = Words(community, lang), headings(), columns()
    out = [f"# {_cell(w.title(review))}", "", w.subtitle(review), ""]
    if w.filters(review):
        out += [w.filters(review), ""]

    out += [f"## {h['running']}", ""]
    rows: list[list[object]] = [
        [w.scale(t.scale), w.activity_type(t.activity_type), t.count] for t in review.running_by_type
    ]
    out += _table([col["scale"], col["type"], col["cycles"]], [*rows, [col["total"], "", review.running]])

    out += [f"## {h['completed']}", "", w.completed_summary(review), ""]
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
        shown, more = _limited(rows, w, len(review.completed))
        header = [
            col["date"],
            col["cycle"],
            col["iteration"],
            col["decision"],
            col["rationale"],
            col["route_to"],
        ]
        out += _table(header, shown) + more

    out += [f"## {h['overdue']}", ""]
    if review.overdue:
        rows = [
            [f"{o.name} ({o.cycle})", o.owner, o.iteration, w.day(o.due_on), o.days]
            for o in review.overdue[:MAX_LISTED]
        ]
        shown, more = _limited(rows, w, len(review.overdue))
        out += (
            _table([col["cycle"], col["owner"], col["iteration"], col["due_on"], col["days"]], shown) + more
        )
    else:
        out += [col["no_overdue"], ""]

    out += [f"## {h['levels']}", ""]
    out += _table(
        [col["value_level"], col["evaluations"]], [[w.value_level(k), n] for k, n in review.value_levels]
    )
    out += _table(
        [col["outcome_level"], col["evaluations"]],
        [[w.outcome_level(k), n] for k, n in review.outcome_levels],
    )

    out += [f"## {h['principles']}", ""]
    covered = [[w.principle(k), n] for k, n in review.principles_covered]
    out += [f"**{col['covered']}**", ""]
    out += _table([col["principle"], col["evaluations"]], covered) if covered else [col["none"], ""]
    out += [f"**{col['missing']}**", ""]
    if review.principles_missing:
        out += [f"- {_cell(w.principle(k))}" for k in review.principles_missing] + [""]
    else:
        out += [col["no_missing"], ""]

    out += [f"## {h['funding']}", ""]
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
        out += _table([col["route"], col["from"], col["to"], col["state"]], rows)
        out += [f"**{col['overlaps']}**", ""]
        rows = [
            [o.first, o.second, w.day(o.start), w.day(o.end), o.days] for o in review.overlaps[:MAX_LISTED]
        ]
        shown, more = _limited(rows, w, len(review.overlaps))
        header = [col["route"], col["route"], col["from"], col["to"], col["days_n"]]
        out += (_table(header, shown) + more) if rows else [col["none"], ""]
    else:
        out += [col["no_funding"], ""]
    out += [f"**{col['gaps']}**", "", col["gap_risk"], ""]
    if review.gaps:
        out += _table(
            [col["from"], col["to"], col["days_n"]],
            [[w.day(g.start), w.day(g.end), g.days] for g in review.gaps],
        )
    else:
        out += [col["no_gaps"], ""]

    out += [f"## {h['timeline']}", ""]
    rows = [
        [
            f"{r.name} ({r.cycle})",
            w.scale(r.scale),
            w.day(r.segments[0].start),
            w.day(r.segments[-1].end),
            ", ".join(f"{s.iteration} {decision_label(s.outcome)}" for s in r.segments),
        ]
        for r in review.timeline[:MAX_LISTED]
    ]
    shown, more = _limited(rows, w, len(review.timeline))
    out += _table([col["cycle"], col["scale"], col["start"], col["end"], col["iterations"]], shown) + more
    return "\n".join(out).rstrip() + "\n"


def write(review: Review, community: Community, path: Path, *, lang: str) -> None:
    text = render(review, community, lang)
    write_atomic(path, lambda fh: fh.write(text))
