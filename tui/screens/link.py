"""The form that links the cycle to another one (coherence: related, spawned from, route of)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.suggester import SuggestFromList
from textual.widgets import Input, Select, Static

from cycles.i18n import _
from cycles.model import Cycle, LinkKind
from tui.labels import link_label
from tui.screens.form import FormScreen, Problem, Values, label


class LinkForm(FormScreen):
    def __init__(self, cycle: Cycle, known: dict[str, str]) -> None:
        super().__init__(f"{cycle.name} [{cycle.key}]")
        self.cycle = cycle
        self.known = known  # key -> name of every cycle the board holds

    def heading(self) -> str:
        return _("Link to another cycle")

    def fields(self) -> ComposeResult:
        yield from label(_("This cycle is"))
        kinds = [(link_label(k.value), k.value) for k in LinkKind]
        yield Select(kinds, value=LinkKind.RELATED.value, allow_blank=False, id="kind", classes="field")
        yield from label(_("Other cycle (its key)"), _("Type a few letters; → accepts the suggestion."))
        suggester = SuggestFromList(sorted(self.known), case_sensitive=False)
        yield Input("", id="target", classes="field", suggester=suggester)
        yield Static("", id="target-name", classes="field-hint", markup=False)
        yield from label(_("Note"))
        yield Input("", id="note", classes="field")

    def changed(self) -> None:
        self.query_one("#target-name", Static).update(self.known.get(self.text("target"), ""))

    def problems(self) -> list[Problem]:
        target = self.text("target")
        if not target:
            return [("target", _("Which cycle? Type its key"))]
        if target == self.cycle.key:
            return [("target", _("A cycle cannot be linked to itself"))]
        if target not in self.known:
            return [("target", _("No cycle has the key {key}").format(key=target))]
        return []

    def values(self) -> Values:
        return {
            "target": self.text("target"),
            "kind": LinkKind(self.choice("kind")),
            "note": self.text("note"),
        }
