"""The cycle screen: one cycle's header, its iterations on a timeline and in full, its links (which
open the linked cycle) and its history. The loop's actions work here as on the board."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from cycles.errors import CyclesError
from cycles.i18n import N_, _
from cycles.model import Cycle, CycleSummary, Event, Link
from tui.labels import link_label
from tui.messages import ActionFailed, CycleChanged, CycleLoaded
from tui.screens.actions import ActionsScreen
from tui.widgets import cycle_detail


class CycleScreen(ActionsScreen):
    CSS_PATH = "cycle.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", N_("back"), id="cycle.back", tooltip=N_("back to the board")),
        Binding(
            "r", "reload", N_("reload"), show=False, id="cycle.reload", tooltip=N_("read the cycle again")
        ),
    ]

    def __init__(self, key: str) -> None:
        super().__init__()
        self.key = key
        self.cycle: Cycle | None = None
        self.links: list[Link] = []

    def compose(self) -> ComposeResult:
        yield Static(self.key, id="cycle-title", markup=False)
        with Horizontal(id="cycle-body"):
            with VerticalScroll(id="detail"):
                yield Static(_("Loading…"), id="loading")
                yield Static("", id="header")
                yield Static(_("Iterations"), classes="section")
                yield Static("", id="strip")
                yield Static("", id="iterations")
            with Vertical(id="side"):
                yield Static(_("Links"), classes="section")
                yield OptionList(id="links")
                yield Static(_("History"), classes="section")
                with VerticalScroll(id="history-scroll"):
                    yield Static("", id="history")
        yield Footer()

    def on_mount(self) -> None:
        self.load()

    # -- reading -----------------------------------------------------------------------------

    @work(thread=True, exclusive=True, exit_on_error=False, group="load")
    def load(self) -> None:
        try:
            cycle, links, events = self.ctx.workspace.detail(self.key)
        except CyclesError as exc:
            self.app.post_message(ActionFailed("open", self.key, str(exc)))
            return
        self.post_message(CycleLoaded(cycle, links, events))

    def on_cycle_loaded(self, message: CycleLoaded) -> None:
        self.show(message.cycle, message.links, message.events)

    def show(self, cycle: Cycle, links: list[Link], events: list[Event]) -> None:
        self.cycle, self.links = cycle, links
        ctx = self.ctx
        today, zone = ctx.today(), ctx.community.zone
        self.query_one("#loading").display = False
        title = f"{cycle.name}  [{cycle.key}]  ·  {cycle_detail.status_text(cycle)}"
        self.query_one("#cycle-title", Static).update(title)
        self.query_one("#header", Static).update(cycle_detail.header(cycle, ctx.community, today))
        self.query_one("#strip", Static).update(cycle_detail.strip(cycle, zone, today))
        parts = [cycle_detail.iteration(it, zone, ctx.community) for it in reversed(cycle.iterations)]
        self.query_one("#iterations", Static).update(Text("\n").join(parts))
        self.query_one("#history", Static).update(cycle_detail.history(events, zone))
        options = self.query_one("#links", OptionList)
        options.clear_options()
        for lk in links:
            other = lk.target if lk.source == cycle.key else lk.source
            text = (
                f"{link_label(lk.kind.value)} → {other}"
                if lk.source == cycle.key
                else f"← {other} {link_label(lk.kind.value)}"
            )
            options.add_option(Option(text, id=other))
        if links:
            options.highlighted = 0
        else:
            options.add_option(Option(_("no links yet"), disabled=True))
        self.selection_changed()

    # -- what the actions act on -------------------------------------------------------------

    def selected(self) -> CycleSummary | None:
        return CycleSummary.of(self.cycle) if self.cycle is not None else None

    def full_cycle(self) -> Cycle | None:
        return self.cycle

    def apply_change(self, message: CycleChanged) -> None:
        if message.cycle.key == self.key:
            self.cycle = message.cycle
            self.load()  # links and history changed too: read this one cycle again
        elif self.key in message.deleted:
            self.app.notify(
                _("{key} no longer exists").format(key=self.key), severity="warning", markup=False
            )
            self.dismiss()

    def palette_commands(self) -> Iterable[SystemCommand]:
        yield from super().palette_commands()
        yield SystemCommand(_("Cycle: back to the board"), _("Close this cycle"), self.action_back)

    # -- navigation --------------------------------------------------------------------------

    @on(OptionList.OptionSelected, "#links")
    def _follow(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self.ctx.open_cycle(event.option.id)

    def action_back(self) -> None:
        self.dismiss()

    def action_reload(self) -> None:
        self.load()
