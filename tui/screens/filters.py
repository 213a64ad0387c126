"""The board's filters: scale, activity type, owner, due state, sort order, ended cycles shown."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Checkbox, Select

from cycles.community import Community
from cycles.i18n import _, language
from cycles.model import DueState
from tui.screens.form import FormScreen, Values, label
from tui.widgets.cards import SORTS, Filters
from tui.widgets.fmt import DUE_SYMBOL


class FilterForm(FormScreen):
    def __init__(self, filters: Filters, community: Community, owners: list[str]) -> None:
        super().__init__(_("Free text: type in the search field above the board (/)."))
        self.filters = filters
        self.community = community
        self.owners = owners

    def heading(self) -> str:
        return _("Filter and sort the board")

    def fields(self) -> ComposeResult:
        f, lang = self.filters, language()
        anything = _("any")
        scales = [(s.label.get(lang), s.key) for s in self.community.scales]
        types = [(t.label.get(lang), t.key) for t in self.community.activity_types]
        dues = [
            (f"{DUE_SYMBOL[DueState.UPCOMING]} {_('upcoming')}", DueState.UPCOMING.value),
            (f"{DUE_SYMBOL[DueState.DUE]} {_('due or overdue')}", DueState.DUE.value),
            (f"{DUE_SYMBOL[DueState.OVERDUE]} {_('overdue')}", DueState.OVERDUE.value),
        ]
        yield from label(_("Scale"))
        yield Select(scales, value=f.scale or Select.NULL, prompt=anything, id="scale", classes="field")
        yield from label(_("Activity type"))
        yield Select(types, value=f.activity_type or Select.NULL, prompt=anything, id="type", classes="field")
        yield from label(_("Owner"))
        owners = [(o, o) for o in self.owners]
        owner = f.owner if f.owner in self.owners else Select.NULL
        yield Select(owners, value=owner, prompt=anything, id="owner", classes="field")
        yield from label(_("Evaluation"))
        due = f.due.value if f.due else Select.NULL
        yield Select(dues, value=due, prompt=anything, id="due", classes="field")
        yield from label(_("Sort by"))
        sorts = [(_(text), key) for key, text in SORTS.items()]
        yield Select(sorts, value=f.sort, allow_blank=False, id="sort", classes="field")
        yield Checkbox(_("Show dropped and rerouted cycles"), f.show_ended, id="ended")

    def values(self) -> Values:
        due = self.choice("due")
        return {
            "scale": self.choice("scale"),
            "activity_type": self.choice("type"),
            "owner": self.choice("owner"),
            "due": DueState(due) if due else None,
            "sort": self.choice("sort"),
            "show_ended": self.query_one("#ended", Checkbox).value,
        }
