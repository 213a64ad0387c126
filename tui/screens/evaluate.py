"""The evaluation form: findings, and the community's value levels, outcome levels and design
principles to tick (its vocabulary comes from the community file)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import SelectionList, TextArea

from cycles.community import Community
from cycles.i18n import _, language
from cycles.model import Cycle
from tui.screens.form import FormScreen, Problem, Values, label


class EvaluateForm(FormScreen):
    def __init__(self, cycle: Cycle, community: Community) -> None:
        super().__init__(f"{cycle.name} · {_('iteration')} {cycle.current.number}")
        self.community = community
        self.before = cycle.current.evaluation

    def heading(self) -> str:
        return _("Evaluate")

    def _choices(self, kind: str, field: str, chosen: list[str]) -> SelectionList[str]:
        entries = getattr(self.community, kind)
        lang = language()
        return SelectionList[str](
            *[(e.label.get(lang), e.key, e.key in chosen) for e in entries], id=field, classes="field"
        )

    def fields(self) -> ComposeResult:
        ev = self.before
        yield from label(_("Findings"), _("What happened, what it brought, what you learned."))
        yield TextArea(ev.findings if ev else "", id="findings", classes="field")
        yield from label(_("Value created"), _("Space ticks an item."))
        yield self._choices("value_levels", "value_levels", ev.value_levels if ev else [])
        yield from label(_("Outcome levels"))
        yield self._choices("outcome_levels", "outcome_levels", ev.outcome_levels if ev else [])
        yield from label(_("Design principles that worked"))
        yield self._choices("principles", "principles", ev.principles if ev else [])

    def problems(self) -> list[Problem]:
        return [] if self.text("findings") else [("findings", _("Write down the findings"))]

    def values(self) -> Values:
        def ticked(field: str) -> list[str]:
            return list(self.query_one(f"#{field}", SelectionList).selected)

        return {
            "findings": self.text("findings"),
            "value_levels": ticked("value_levels"),
            "outcome_levels": ticked("outcome_levels"),
            "principles": ticked("principles"),
        }
