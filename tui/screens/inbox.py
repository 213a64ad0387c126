"""The reminders inbox: every evaluation reminder owed now and not acknowledged, one line each.

Enter opens the evaluate form for the cycle (or, when its run has not started, the cycle itself);
``a`` acknowledges a reminder and ``s`` snoozes the cycle's reminders. Every read runs in a thread
worker and every write in the app's write queue (``tui.writes``), through
``tui.reminders.InAppReminders``, whose methods block; each reports back as a message. The list
itself, drawn line by line, is ``tui.widgets.inbox_list.InboxView``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING, ClassVar, cast

from textual import work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.dom import DOMNode
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Input, Static

from cycles import loop
from cycles.errors import CyclesError
from cycles.i18n import N_, _, ngettext
from cycles.model import Cycle, Phase
from tui.labels import phase_label
from tui.messages import ActionFailed
from tui.screens.form import FormScreen, Problem, Values, label
from tui.widgets.fmt import day, number
from tui.widgets.footer import Footer
from tui.widgets.inbox_badge import InboxBadge as InboxBadge
from tui.widgets.inbox_list import InboxView, headings, row_text
from tui.widgets.keys import key_for, translate_bindings
from tui.writes import Write

if TYPE_CHECKING:
    from storage.records import InboxEntry
    from tui.app_context import BoardApp

SNOOZE_DAYS = 7  # what the snooze form proposes
MAX_SNOOZE_DAYS = 365  # as ``cycles remind snooze --days``


# -- messages from the workers ---------------------------------------------------------------


class InboxLoaded(Message):
    """The inbox as read now (posted to the app); ``done`` says what an action did."""

    def __init__(self, entries: list[InboxEntry], done: str = "") -> None:
        self.entries = entries
        self.done = done
        super().__init__()


class EntryCycleFetched(Message):
    """The cycle of an inbox entry, read so that its evaluate form (or the cycle) can open."""

    def __init__(self, cycle: Cycle) -> None:
        self.cycle = cycle
        super().__init__()


# -- the snooze prompt -----------------------------------------------------------------------


class SnoozeForm(FormScreen):
    """How many days to silence one cycle's reminders."""

    def __init__(self, entry: InboxEntry) -> None:
        super().__init__(entry.name)

    def heading(self) -> str:
        return _("Snooze reminders")

    def fields(self) -> ComposeResult:
        yield from label(
            _("Days"),
            _("No reminders for this cycle until this many days from today (1 to {n}).").format(
                n=MAX_SNOOZE_DAYS
            ),
        )
        yield Input(str(SNOOZE_DAYS), id="days", classes="field", type="integer")

    def days(self) -> int | None:
        try:
            n = int(self.text("days"))
        except ValueError:
            return None
        return n if 1 <= n <= MAX_SNOOZE_DAYS else None

    def problems(self) -> list[Problem]:
        if self.days() is None:
            return [("days", _("Give a number of days from 1 to {n}").format(n=MAX_SNOOZE_DAYS))]
        return []

    def values(self) -> Values:
        return {"days": self.days()}


# ``InboxView``, the list, lives in ``tui.widgets.inbox_list``; ``InboxBadge``, on the board's top
# bar, in ``tui.widgets.inbox_badge`` (the board imports it before its first frame).


# -- the screen --------------------------------------------------------------------------------


class InboxScreen(Screen[None]):
    CSS_PATH = "inbox.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", N_("back"), id="inbox.back", tooltip=N_("back to the board")),
        Binding(
            "enter",
            "evaluate",
            N_("evaluate"),
            id="inbox.evaluate",
            tooltip=N_("open the evaluate form (the cycle, when its run has not started)"),
        ),
        Binding(
            "a",
            "acknowledge",
            N_("acknowledge"),
            id="inbox.acknowledge",
            tooltip=N_("acknowledge the reminder: it leaves the inbox"),
        ),
        Binding(
            "s",
            "snooze",
            N_("snooze"),
            id="inbox.snooze",
            tooltip=N_("no reminders for the cycle for a number of days"),
        ),
        Binding("o", "open", N_("open cycle"), id="inbox.open", tooltip=N_("open the reminder's cycle")),
        Binding(
            "r", "reload", N_("reload"), show=False, id="inbox.reload", tooltip=N_("read the inbox again")
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        translate_bindings(self)

    @property
    def ctx(self) -> BoardApp:
        return cast("BoardApp", self.app)

    @property
    def view(self) -> InboxView:
        return self.query_one(InboxView)

    def compose(self) -> ComposeResult:
        yield Static(_("Reminders inbox"), id="inbox-title", markup=False)
        yield Static("", id="inbox-head", markup=False)
        yield Static(_("No reminders: every evaluation is on time."), id="inbox-empty", markup=False)
        yield InboxView(id="inbox")
        yield Footer()

    def on_mount(self) -> None:
        self.view.focus()
        self.show(self.ctx.inbox_entries)  # what the last tick saw, at once
        self.load()

    # -- showing -----------------------------------------------------------------------------

    def show(self, entries: list[InboxEntry]) -> None:
        self.view.set_entries(entries, self.ctx.today())
        n = len(entries)
        title = _("Reminders inbox")
        count = ngettext("{n} reminder", "{n} reminders", n).format(n=number(n))
        self.query_one("#inbox-title", Static).update(f"{title} · {count}")
        self.query_one("#inbox-empty").display = n == 0
        self.update_head()
        self.refresh_bindings()

    def update_head(self) -> None:
        width = self.query_one("#inbox-head").size.width or self.app.size.width
        self.query_one("#inbox-head", Static).update(row_text(headings(), width))

    def on_resize(self) -> None:
        self.update_head()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("evaluate", "acknowledge", "snooze", "open"):
            return True if self.is_mounted and self.view.selected is not None else None
        return True

    def palette_commands(self) -> Iterable[SystemCommand]:
        commands = {
            "evaluate": (N_("Reminders: evaluate"), N_("Open the evaluate form of the selected reminder")),
            "acknowledge": (N_("Reminders: acknowledge"), N_("The selected reminder leaves the inbox")),
            "snooze": (N_("Reminders: snooze"), N_("No reminders for the selected cycle for some days")),
        }
        for action, (title, help_text) in commands.items():
            if self.check_action(action, ()):
                yield SystemCommand(_(title), _(help_text), getattr(self, f"action_{action}"))

    # -- reading -----------------------------------------------------------------------------

    def load(self) -> None:
        reminders = self.ctx.reminders
        if reminders is not None:
            self._load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="inbox-load")
    def _load(self) -> None:
        reminders = self.ctx.reminders
        assert reminders is not None
        try:
            entries = reminders.inbox()
        except CyclesError as exc:
            self.app.post_message(ActionFailed("inbox", None, str(exc)))
            return
        self.app.post_message(InboxLoaded(entries))

    # -- acting on an entry ------------------------------------------------------------------

    def action_acknowledge(self) -> None:
        entry = self.view.selected
        if entry is not None:
            self.acknowledge(entry)

    def acknowledge(self, entry: InboxEntry) -> None:
        reminders = self.ctx.reminders
        assert reminders is not None

        def call() -> list[InboxEntry]:
            reminders.acknowledge(entry.cycle)
            return reminders.inbox()

        done = _("Reminder for {name} acknowledged").format(name=entry.name)
        self.ctx.writes.submit(Write("acknowledge", entry.cycle, call, lambda es: InboxLoaded(es, done)))

    def action_snooze(self) -> None:
        entry = self.view.selected
        if entry is None:
            return

        def chosen(values: Values | None) -> None:
            if values is not None:
                self.snooze(entry, values["days"])

        self.app.push_screen(SnoozeForm(entry), chosen)

    def snooze(self, entry: InboxEntry, days: int) -> None:
        reminders = self.ctx.reminders
        assert reminders is not None
        today = self.ctx.today()

        def call() -> tuple[date, list[InboxEntry]]:
            return reminders.snooze(entry.cycle, days), reminders.inbox()

        def report(result: tuple[date, list[InboxEntry]]) -> InboxLoaded:
            until, entries = result
            done = _("Reminders for {name} snoozed until {date}").format(
                name=entry.name, date=day(until, today)
            )
            return InboxLoaded(entries, done)

        self.ctx.writes.submit(Write("snooze", entry.cycle, call, report))

    def action_evaluate(self) -> None:
        entry = self.view.selected
        if entry is not None:
            self.fetch(entry.cycle)

    def on_inbox_view_chosen(self, message: InboxView.Chosen) -> None:
        self.fetch(message.entry.cycle)

    def action_open(self) -> None:
        entry = self.view.selected
        if entry is not None:
            self.ctx.open_cycle(entry.cycle)

    @work(thread=True, exclusive=True, exit_on_error=False, group="inbox-fetch")
    def fetch(self, key: str) -> None:
        try:
            cycle = self.ctx.workspace.get(key)
        except CyclesError as exc:
            self.app.post_message(ActionFailed("evaluate", key, str(exc)))
            return
        self.post_message(EntryCycleFetched(cycle))

    def on_entry_cycle_fetched(self, message: EntryCycleFetched) -> None:
        cycle = message.cycle
        if "evaluate" in loop.allowed_actions(cycle):
            # The board's own evaluate action: same form, same stale-edit check, same messages.
            self.ctx.board.open_form("evaluate", cycle, cycle.version)
            return
        self.ctx.open_cycle(cycle.key)
        self.app.notify(why_not(cycle, self.ctx), title=_("Not evaluated yet"), timeout=10, markup=False)

    def action_reload(self) -> None:
        self.load()

    def action_back(self) -> None:
        self.dismiss()


def why_not(cycle: Cycle, ctx: BoardApp) -> str:
    """Why a cycle's evaluate form does not open, and what to do first."""
    if cycle.active and cycle.phase is Phase.COLLECT:
        nodes = cast("list[DOMNode]", [ctx.board, ctx])
        return _(
            "{name} is at collect: record the collect findings ({collect}) and start the run ({start}) "
            "before you evaluate it."
        ).format(
            name=cycle.name,
            collect=key_for(nodes, "board.collect"),
            start=key_for(nodes, "board.start"),
        )
    return _("{name} cannot be evaluated now ({phase}).").format(
        name=cycle.name, phase=phase_label(cycle.phase.value)
    )
