"""The form that edits a cycle's header: name, owner, stakeholders, cadence, description."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Input

from cycles.i18n import _
from cycles.model import Cycle
from tui.screens.form import FormScreen, Problem, Values, label, split_list
from tui.screens.new_cycle import cadence_problem


class EditForm(FormScreen):
    def __init__(self, cycle: Cycle) -> None:
        super().__init__(f"{cycle.name} [{cycle.key}]")
        self.cycle = cycle

    def heading(self) -> str:
        return _("Edit cycle")

    def fields(self) -> ComposeResult:
        c = self.cycle
        yield from label(_("Name"))
        yield Input(c.name, id="name", classes="field")
        yield from label(_("Owner"))
        yield Input(c.owner, id="owner", classes="field")
        yield from label(_("Owner's email"))
        yield Input(c.owner_email, id="owner_email", classes="field")
        yield from label(_("Stakeholders"), _("Separate them with commas."))
        yield Input(", ".join(c.stakeholders), id="stakeholders", classes="field")
        yield from label(_("Cadence (days)"), _("A new cadence moves the current evaluation's due date."))
        yield Input(str(c.cadence_days), id="cadence", classes="field", restrict=r"[0-9]*")
        yield from label(_("Description"))
        yield Input(c.description, id="description", classes="field")

    def _all(self) -> Values:
        cadence = self.text("cadence")
        return {
            "name": self.text("name"),
            "owner": self.text("owner"),
            "owner_email": self.text("owner_email"),
            "stakeholders": split_list(self.text("stakeholders")),
            "cadence_days": int(cadence) if cadence.isdigit() else None,
            "description": self.text("description"),
        }

    def problems(self) -> list[Problem]:
        out: list[Problem] = []
        if not self.text("name"):
            out.append(("name", _("Give the cycle a name")))
        email = self.text("owner_email")
        if email and ("@" not in email or " " in email):
            out.append(("owner_email", _("That does not look like an email address")))
        bad = cadence_problem(self.text("cadence"))
        if bad:
            out.append(("cadence", bad))
        if not out and not self.values():
            out.append(("", _("Nothing changed yet")))
        return out

    def values(self) -> Values:
        return {k: v for k, v in self._all().items() if v != getattr(self.cycle, k)}
