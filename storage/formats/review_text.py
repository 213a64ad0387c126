"""Words and dates shared by the review writers (Markdown, HTML, XLSX).

Headings are marked with ``_()`` (English source, Dutch in the catalog); the language is chosen
once by the command line (``set_language``). Names of scales, activity types, levels and
principles come from the community file in the review's language; dates are formatted by babel
for that locale.
"""

from __future__ import annotations

from datetime import date, datetime

from babel.dates import format_date, format_datetime

from cycles.community import Community
from cycles.i18n import _
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
        return _(
            "{n} iterations completed: {next} next step, {route} other route, {drop} drop; "
            "{evaluations} evaluations made."
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
