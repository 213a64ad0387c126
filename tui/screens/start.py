"""The form that starts the run: the one concrete context this iteration is set up in."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Input

from cycles.i18n import _
from cycles.model import Cycle
from tui.screens.form import FormScreen, Problem, Values, label


class StartForm(FormScreen):
    def __init__(self, cycle: Cycle) -> None:
        super().__init__(f"{cycle.name} · {_('iteration')} {cycle.current.number}")

    def heading(self) -> str:
        return _("Start the run")

    def fields(self) -> ComposeResult:
        yield from label(_("Context"), _("Where, with whom and when it runs: one specific context."))
        yield Input("", id="context", classes="field")

    def problems(self) -> list[Problem]:
        return [] if self.text("context") else [("context", _("Name the context it runs in"))]

    def values(self) -> Values:
        return {"context": self.text("context")}
