"""The form for a new cycle: activity type first, then scale level and cadence, prefilled from the
community's configuration, then name, owner and stakeholders."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Input, Select

from cycles.community import Community
from cycles.i18n import _, language
from tui.screens.form import FormScreen, Problem, Values, label, split_list


def cadence_problem(text: str) -> str | None:
    if not text.isdigit() or not 1 <= int(text) <= 3650:
        return _("Cadence: a whole number of days from 1 to 3650")
    return None


class NewCycleForm(FormScreen):
    def __init__(self, community: Community, owner: str = "") -> None:
        super().__init__(_("A new cycle opens at iteration 1, collect."))
        self.community = community
        self.owner = owner
        self._type: str | None = None
        self._level: tuple[str | None, str | None] = (None, None)
        self._prefilled = ""

    def heading(self) -> str:
        return _("New cycle")

    def fields(self) -> ComposeResult:
        lang = language()
        types = [
            (self.community.label("activity_type", t.key, lang), t.key) for t in self.community.activity_types
        ]
        yield from label(_("Activity type"), _("Choose this first: it sets the scale, level and cadence."))
        yield Select(types, prompt=_("Choose an activity type"), id="type", classes="field")
        yield from label(_("Scale level"))
        yield Select([], prompt=_("Choose a level"), id="level", classes="field", disabled=True)
        yield from label(_("Cadence (days)"), _("How long one iteration runs before its evaluation is due."))
        yield Input("", id="cadence", classes="field", restrict=r"[0-9]*")
        yield from label(_("Name"))
        yield Input("", id="name", classes="field", placeholder=_("e.g. Nanomodule AI for directors"))
        yield from label(_("Owner"))
        yield Input(self.owner, id="owner", classes="field")
        yield from label(_("Stakeholders"), _("Separate them with commas."))
        yield Input("", id="stakeholders", classes="field")
        yield from label(_("Description"))
        yield Input("", id="description", classes="field")

    def changed(self) -> None:
        kind = self.choice("type")
        level = self.query_one("#level", Select)
        if kind != self._type:
            self._type = kind
            if kind is None:
                level.disabled = True
                return
            t = self.community.activity_type(kind)
            scale = self.community.scale(t.scale)
            lang = language()
            level.set_options([(lv.label.get(lang), lv.key) for lv in scale.levels])
            level.disabled = False
            level.value = t.level
            return
        chosen = (kind, self.choice("level"))
        if kind is None or chosen == self._level or chosen[1] is None:
            return
        self._level = chosen
        t = self.community.activity_type(kind)
        default = str(self.community.level(t.scale, chosen[1]).cadence)
        cadence = self.query_one("#cadence", Input)
        if cadence.value in ("", self._prefilled):  # never overwrite a cadence the user typed
            self._prefilled = default
            cadence.value = default

    def problems(self) -> list[Problem]:
        out: list[Problem] = []
        if self.choice("type") is None:
            out.append(("type", _("Choose an activity type first")))
        if not self.text("name"):
            out.append(("name", _("Give the cycle a name")))
        bad = cadence_problem(self.text("cadence"))
        if bad and self.choice("type") is not None:
            out.append(("cadence", bad))
        return out

    def values(self) -> Values:
        return {
            "activity_type": self.choice("type"),
            "level": self.choice("level"),
            "cadence_days": int(self.text("cadence")),
            "name": self.text("name"),
            "owner": self.text("owner"),
            "stakeholders": split_list(self.text("stakeholders")),
            "description": self.text("description"),
        }
