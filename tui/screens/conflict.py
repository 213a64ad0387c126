"""Shown when the cycle changed since the user saw it: nothing was saved; reload, then try again."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from cycles.i18n import N_, _
from tui.widgets.keys import translate_bindings


class ConflictScreen(ModalScreen[bool]):
    """Returns True when the user chose to reload."""

    CSS_PATH = "conflict.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "answer(True)", N_("reload"), id="conflict.reload"),
        Binding("escape", "answer(False)", N_("close"), id="conflict.close"),
    ]

    def __init__(self, key: str, detail: str, *, kept: bool = False) -> None:
        super().__init__()
        translate_bindings(self)
        self.key = key
        self.detail = detail
        self.kept = kept  # what the user typed is kept: the form opens again after the reload

    def compose(self) -> ComposeResult:
        with Vertical(id="conflict"):
            yield Static(
                _("Someone else changed {key} meanwhile").format(key=self.key),
                id="conflict-title",
                markup=False,
            )
            yield Static(
                _(
                    "Nothing was saved, so their change is kept. Reload to see the cycle as it is "
                    "now: your form opens again with what you typed, to save on top of their change."
                )
                if self.kept
                else _(
                    "Nothing was saved, so their change is kept. "
                    "Reload to see the cycle as it is now, then try again."
                )
            )
            yield Static(self.detail, id="conflict-detail", markup=False)
            with Horizontal(id="conflict-buttons"):
                yield Button(_("Reload"), id="reload", variant="warning")
                yield Button(_("Close"), id="close")

    def on_mount(self) -> None:
        self.query_one("#reload", Button).focus()

    def action_answer(self, reload: bool) -> None:
        self.dismiss(reload)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "reload")
