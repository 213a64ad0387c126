"""The form for the collect step: what is needed, for and with whom, on which preconditions."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Input, TextArea

from cycles.i18n import _
from cycles.model import Cycle
from tui.screens.form import FormScreen, Problem, Values, label, split_list


class CollectForm(FormScreen):
    def __init__(self, cycle: Cycle) -> None:
        super().__init__(f"{cycle.name} · {_('iteration')} {cycle.current.number}")
        self.found = cycle.current.collect

    def heading(self) -> str:
        return _("Collect")

    def fields(self) -> ComposeResult:
        c = self.found
        yield from label(_("What is interesting and needed in content?"))
        yield TextArea(c.need, id="need", classes="field")
        yield from label(_("Stakeholders involved"), _("Separate them with commas."))
        yield Input(", ".join(c.stakeholders_involved), id="involved", classes="field")
        yield from label(_("Stakeholders needed to develop it"))
        yield Input(", ".join(c.stakeholders_needed), id="needed", classes="field")
        yield from label(_("Preconditions"))
        yield Input(c.preconditions, id="preconditions", classes="field")
        yield from label(_("Resources needed"))
        yield Input(c.resources, id="resources", classes="field")

    def problems(self) -> list[Problem]:
        if not any(self.values().values()):
            return [("need", _("Write down at least what is needed"))]
        return []

    def values(self) -> Values:
        return {
            "need": self.text("need"),
            "stakeholders_involved": split_list(self.text("involved")),
            "stakeholders_needed": split_list(self.text("needed")),
            "preconditions": self.text("preconditions"),
            "resources": self.text("resources"),
        }
