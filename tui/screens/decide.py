"""The decision after an evaluation: next step, other route (a new linked cycle), or drop.

Dropping asks for a confirmation afterwards (``ConfirmScreen``), so this form only collects.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Checkbox, Input, RadioButton, RadioSet, Select

from cycles.community import Community
from cycles.i18n import _, language
from cycles.model import Cycle, DecisionKind
from tui.labels import decision_label
from tui.screens.form import FormScreen, Problem, Values, label

KINDS = (DecisionKind.NEXT, DecisionKind.ROUTE, DecisionKind.DROP)


class DecideForm(FormScreen):
    def __init__(self, cycle: Cycle, community: Community) -> None:
        super().__init__(f"{cycle.name} · {_('iteration')} {cycle.current.number}")
        self.cycle = cycle
        self.community = community

    def heading(self) -> str:
        return _("Decide")

    def fields(self) -> ComposeResult:
        hints = {
            DecisionKind.NEXT: _("the next iteration of this cycle"),
            DecisionKind.ROUTE: _("end this line; open a new, linked cycle"),
            DecisionKind.DROP: _("the cycle lapses; its history stays"),
        }
        yield from label(_("Decision"))
        with RadioSet(id="kind", classes="field"):
            for i, kind in enumerate(KINDS):
                yield RadioButton(f"{decision_label(kind.value)}: {hints[kind]}", value=i == 0)
        yield from label(_("Why?"), _("The rationale is kept with the decision."))
        yield Input("", id="why", classes="field")
        with Vertical(id="route"):
            lang = language()
            types = [
                (self.community.label("activity_type", t.key, lang), t.key)
                for t in self.community.activity_types
            ]
            yield from label(_("Name of the new route"))
            yield Input(
                _("{name} (other route)").format(name=self.cycle.name), id="route_name", classes="field"
            )
            yield from label(_("Activity type of the new route"))
            yield Select(
                types, value=self.cycle.activity_type, allow_blank=False, id="route_type", classes="field"
            )
            yield from label(_("Carry over"))
            yield Checkbox(_("owner"), True, id="carry_owner")
            yield Checkbox(_("stakeholders"), True, id="carry_stakeholders")
            yield Checkbox(_("collect findings"), False, id="carry_collect")

    @property
    def kind(self) -> DecisionKind:
        index = self.query_one("#kind", RadioSet).pressed_index
        return KINDS[max(0, index)]

    def changed(self) -> None:
        self.query_one("#route").display = self.kind is DecisionKind.ROUTE

    def on_mount(self) -> None:
        super().on_mount()
        self.changed()

    def problems(self) -> list[Problem]:
        out: list[Problem] = []
        if not self.text("why"):
            out.append(("why", _("Say why: a decision needs a rationale")))
        if self.kind is DecisionKind.ROUTE and not self.text("route_name"):
            out.append(("route_name", _("Give the new route a name")))
        return out

    def put_back(self, values: Values) -> None:
        kind = values.get("kind")
        if kind in KINDS:
            buttons = list(self.query_one("#kind", RadioSet).query(RadioButton))
            buttons[KINDS.index(kind)].value = True
        for k in values.get("carry", ()):
            self.query_one(f"#carry_{k}", Checkbox).value = True
        super().put_back({k: v for k, v in values.items() if k not in ("kind", "carry")})

    def values(self) -> Values:
        values: Values = {"kind": self.kind, "why": self.text("why")}
        if self.kind is DecisionKind.ROUTE:
            carry = [
                k
                for k in ("owner", "stakeholders", "collect")
                if self.query_one(f"#carry_{k}", Checkbox).value
            ]
            values |= {
                "route_name": self.text("route_name"),
                "route_type": self.choice("route_type"),
                "carry": carry,
            }
        return values
