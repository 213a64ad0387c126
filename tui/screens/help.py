"""Help: how to walk a cycle through the loop, and every key (as the user's keymap sets it)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from cycles.i18n import N_, _
from tui.screens.actions import ActionsScreen
from tui.screens.board import BoardScreen
from tui.screens.cycle import CycleScreen
from tui.screens.form import FormScreen
from tui.screens.inbox import InboxScreen
from tui.screens.timeline import TimelineScreen
from tui.widgets.board_view import BoardView, fit
from tui.widgets.footer import Footer
from tui.widgets.inbox_list import InboxView
from tui.widgets.keys import key_display, translate_bindings, translated


def own_bindings(cls: type) -> list[Binding]:
    return [b for b in cls.__dict__.get("BINDINGS", []) if isinstance(b, Binding)]


class HelpScreen(Screen[None]):
    CSS_PATH = "help.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "app.pop_screen", N_("close help"), id="help.close"),
    ]

    def __init__(self) -> None:
        super().__init__()
        translate_bindings(self)

    def key(self, binding_id: str) -> str:
        for cls in (ActionsScreen, BoardScreen, BoardView, CycleScreen, InboxScreen):
            for b in own_bindings(cls):
                if b.id == binding_id:
                    return key_display(self, b)
        return "?"

    def compose(self) -> ComposeResult:
        yield Static(_("Help · Learning Cycles"), id="help-title")
        with VerticalScroll(id="help-body"):
            yield Static(_("Walk a cycle through the loop"), classes="help-section")
            yield Static(self.guide())
            sections: list[tuple[str, Iterable[Binding]]] = [
                (_("Cycle actions (on the board and on a cycle)"), own_bindings(ActionsScreen)),
                (_("Board"), [*own_bindings(BoardView), *own_bindings(BoardScreen)]),
                (_("Cycle screen"), own_bindings(CycleScreen)),
                (_("Timeline"), own_bindings(TimelineScreen)),
                (_("Reminders inbox"), [*own_bindings(InboxScreen), *own_bindings(InboxView)]),
                (_("Forms"), own_bindings(FormScreen)),
                (_("Everywhere"), own_bindings(type(self.app))),
            ]
            for title, bindings in sections:
                yield Static(title, classes="help-section")
                yield Static(self.table(bindings))
            yield Static(_("Your own keys"), classes="help-section")
            yield Static(
                _(
                    "Put a [keys] table in the config file, binding id = keys, e.g. "
                    '"board.decide" = "D". The ids are in the right-hand column above.'
                ),
                markup=False,
            )
        yield Footer()

    def table(self, bindings: Iterable[Binding]) -> Text:
        """Key, what it does, and the binding id to use in the keymap, one binding a line."""
        text = Text()
        for b in bindings:
            t = translated(b)
            text.append(fit(key_display(self, b), 16), style="bold")
            text.append(fit(t.tooltip or t.description, 54) + "  ")
            text.append(f"{b.id or ''}\n", style="dim")
        text.rstrip()
        return text

    def guide(self) -> str:
        k = self.key
        steps = [
            _("{key}  new cycle: choose the activity type first; scale level and cadence follow.").format(
                key=k("board.new")
            ),
            _(
                "{key}  collect: what is needed, for and with which stakeholders, preconditions, resources."
            ).format(key=k("board.collect")),
            _("{key}  start the run in one specific context.").format(key=k("board.start")),
            _("{key}  add a dated monitoring note while it runs.").format(key=k("board.note")),
            _("{key}  evaluate: findings, value created, outcome levels, design principles.").format(
                key=k("board.evaluate")
            ),
            _(
                "{key}  decide: next step (the next iteration opens at collect), other route (a new, "
                "linked cycle opens), or drop (after you confirm)."
            ).format(key=k("board.decide")),
            _(
                "{key}  undo the cycle's last change; {open} opens a cycle; {timeline} shows the timeline."
            ).format(key=k("board.undo"), open=k("board.open"), timeline=k("board.timeline")),
            _("Keys of actions the cycle's state does not allow are greyed out in the footer."),
        ]
        return "\n".join(f"{i}. {step}" for i, step in enumerate(steps, start=1))
