"""Words, dates and tables shared by the review writers (Markdown, HTML, XLSX).

Headings are marked with ``_()`` (English source, Dutch in the catalog); the language is chosen
once by the command line (``set_language``). Names of scales, activity types, levels and
principles come from the community file in the review's language; dates are formatted by babel
for that locale.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from babel.dates import format_date, format_datetime

from cycles.community import Community
from cycles.i18n import _, ngettext
from cycles.review import Review

LOCALES = {"en": "en_GB", "nl": "nl_NL"}
MAX_LISTED = 200  # rows of one list shown in the review; the XLSX review has them all


def locale_of(lang: str) -> str:
    return LOCALES.get(lang, "en_GB")


def day(value: date, lang: str) -> str:
    return format_date(value, format="medium", locale=locale_of(lang))


def moment(value: datetime, community: Community, lang: str) -> str:
    return format_datetime(value, format="medium", tzinfo=community.zone, locale=locale_of(lang))


def month(value: date, lang: str) -> str:
    return format_date(value, format="MMM yyyy", locale=locale_of(lang))


def decision_label(kind: str) -> str:
    return {"next": _("next step"), "route": _("other route"), "drop": _("drop"), "open": _("open")}.get(
        kind, kind
    )


class Words:
    """The review's headings and the community's labels in one language."""

    def __init__(self, community: Community, lang: str) -> None:
        self.community = community
        self.lang = lang

    def scale(self, key: str) -> str:
        return self.community.label("scale", key, self.lang)

    def activity_type(self, key: str) -> str:
        return self.community.label("activity_type", key, self.lang)

    def principle(self, key: str) -> str:
        return self.community.label("principle", key, self.lang)

    def value_level(self, key: str) -> str:
        return self.community.label("value_level", key, self.lang)

    def outcome_level(self, key: str) -> str:
        return self.community.label("outcome_level", key, self.lang)

    def day(self, value: date) -> str:
        return day(value, self.lang)

    def title(self, review: Review) -> str:
        return _("Programme review {community}: {period}").format(
            community=review.community, period=review.period.label
        )

    def subtitle(self, review: Review) -> str:
        return _("From {start} to {end}, as of {as_of}; made {made}.").format(
            start=self.day(review.period.start),
            end=self.day(review.period.end),
            as_of=self.day(review.as_of),
            made=moment(review.generated, self.community, self.lang),
        )

    def filters(self, review: Review) -> str:
        parts = []
        if review.scales:
            parts.append(_("scales: {names}").format(names=", ".join(self.scale(s) for s in review.scales)))
        if review.types:
            parts.append(
                _("types: {names}").format(names=", ".join(self.activity_type(t) for t in review.types))
            )
        return "; ".join(parts)

    def completed_summary(self, review: Review) -> str:
        d = review.decisions
        return ngettext(
            "{n} iteration completed: {next} next step, {route} other route, {drop} drop; "
            "{evaluations} evaluations made.",
            "{n} iterations completed: {next} next step, {route} other route, {drop} drop; "
            "{evaluations} evaluations made.",
            len(review.completed),
        ).format(
            n=len(review.completed),
            next=d.get("next", 0),
            route=d.get("route", 0),
            drop=d.get("drop", 0),
            evaluations=review.evaluations,
        )

    def more(self, n: int) -> str:
        return _("... and {n} more (all of them are in the XLSX review).").format(n=n)


def headings() -> dict[str, str]:
    """Section headings, looked up when a review is written (after the language is set)."""
    return {
        "running": _("Active cycles per scale and type"),
        "completed": _("Iterations completed and decisions taken"),
        "overdue": _("Evaluations overdue"),
        "levels": _("Value creation and outcome levels reached"),
        "principles": _("Design principles"),
        "funding": _("Funding routes"),
        "timeline": _("Timeline"),
    }


def columns() -> dict[str, str]:
    return {
        "scale": _("Scale"),
        "type": _("Type"),
        "cycles": _("Cycles"),
        "total": _("Total"),
        "date": _("Date"),
        "cycle": _("Cycle"),
        "iteration": _("Iteration"),
        "decision": _("Decision"),
        "rationale": _("Rationale"),
        "route_to": _("Other route"),
        "owner": _("Owner"),
        "due_on": _("Due on"),
        "days": _("Days overdue"),
        "value_level": _("Value creation"),
        "outcome_level": _("Outcome level"),
        "evaluations": _("Evaluations"),
        "principle": _("Principle"),
        "covered": _("Covered"),
        "missing": _("Missing"),
        "route": _("Route"),
        "from": _("From"),
        "to": _("To"),
        "running": _("running"),
        "ended": _("ended"),
        "overlaps": _("Overlaps"),
        "gaps": _("Gaps"),
        "days_n": _("Days"),
        "none": _("None."),
        "no_overdue": _("No evaluation was overdue."),
        "no_missing": _("Every design principle was named in an evaluation."),
        "no_funding": _("No funding route ran in this period."),
        "no_gaps": _("No gaps: a funding route ran on every day of the period."),
        "gap_risk": _("Days without any funding route are a risk (the overlap model)."),
        "start": _("Start"),
        "end": _("End"),
        "iterations": _("Iterations"),
        "state": _("State"),
    }


@dataclass(frozen=True)
class Table:
    """One table of the review: its header, its rows (of a long list only the first MAX_LISTED)
    and how many rows the whole list has (``total``), for a note on those left out."""

    header: list[str]
    rows: list[list[object]]
    total: int


def _table(header: list[str], rows: list[list[object]], total: int | None = None) -> Table:
    return Table(header, rows, len(rows) if total is None else total)


def tables(review: Review, w: Words) -> dict[str, Table]:
    """The tables of the Markdown and HTML reviews, by name: ``running`` (with a total row),
    ``completed``, ``overdue``, ``value_levels``, ``outcome_levels``, ``covered``, ``funding``,
    ``overlaps``, ``gaps`` and ``timeline``. The lists that can be long (completed, overdue,
    overlaps, timeline) hold their first MAX_LISTED rows; a writer shows a table only when there is
    something to show."""
    col = columns()
    return {
        "running": _table(
            [col["scale"], col["type"], col["cycles"]],
            [
                *(
                    [w.scale(t.scale), w.activity_type(t.activity_type), t.count]
                    for t in review.running_by_type
                ),
                [col["total"], "", review.running],
            ],
        ),
        "completed": _table(
            [col["date"], col["cycle"], col["iteration"], col["decision"], col["rationale"], col["route_to"]],
            [
                [
                    w.day(d.on),
                    f"{d.name} ({d.cycle})",
                    d.iteration,
                    decision_label(d.kind),
                    d.rationale,
                    d.route_to or "",
                ]
                for d in review.completed[:MAX_LISTED]
            ],
            len(review.completed),
        ),
        "overdue": _table(
            [col["cycle"], col["owner"], col["iteration"], col["due_on"], col["days"]],
            [
                [f"{o.name} ({o.cycle})", o.owner, o.iteration, w.day(o.due_on), o.days]
                for o in review.overdue[:MAX_LISTED]
            ],
            len(review.overdue),
        ),
        "value_levels": _table(
            [col["value_level"], col["evaluations"]], [[w.value_level(k), n] for k, n in review.value_levels]
        ),
        "outcome_levels": _table(
            [col["outcome_level"], col["evaluations"]],
            [[w.outcome_level(k), n] for k, n in review.outcome_levels],
        ),
        "covered": _table(
            [col["principle"], col["evaluations"]],
            [[w.principle(k), n] for k, n in review.principles_covered],
        ),
        "funding": _table(
            [col["route"], col["from"], col["to"], col["state"]],
            [
                [
                    f"{s.name} ({s.cycle})",
                    w.day(s.start),
                    w.day(s.end),
                    col["running"] if s.running else col["ended"],
                ]
                for s in review.funding
            ],
        ),
        "overlaps": _table(
            [col["route"], col["route"], col["from"], col["to"], col["days_n"]],
            [[o.first, o.second, w.day(o.start), w.day(o.end), o.days] for o in review.overlaps[:MAX_LISTED]],
            len(review.overlaps),
        ),
        "gaps": _table(
            [col["from"], col["to"], col["days_n"]],
            [[w.day(g.start), w.day(g.end), g.days] for g in review.gaps],
        ),
        "timeline": _table(
            [col["cycle"], col["scale"], col["start"], col["end"], col["iterations"]],
            [
                [
                    f"{r.name} ({r.cycle})",
                    w.scale(r.scale),
                    w.day(r.segments[0].start),
                    w.day(r.segments[-1].end),
                    ", ".join(f"{s.iteration} {decision_label(s.outcome)}" for s in r.segments),
                ]
                for r in review.timeline[:MAX_LISTED]
            ],
            len(review.timeline),
        ),
    }
