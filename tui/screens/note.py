"""The form for a dated monitoring note on the running iteration."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Input

from cycles.i18n import _
from cycles.model import Cycle
from tui.screens.form import FormScreen, Problem, Values, label


class NoteForm(FormScreen):
    def __init__(self, cycle: Cycle) -> None:
        super().__init__(f"{cycle.name} · {_('iteration')} {cycle.current.number}")

    def heading(self) -> str:
        return _("Monitoring note")

    def fields(self) -> ComposeResult:
        yield from label(_("What did you observe?"))
        yield Input("", id="text", classes="field")

    def problems(self) -> list[Problem]:
        return [] if self.text("text") else [("text", _("A note needs text"))]

    def values(self) -> Values:
        return {"text": self.text("text")}
