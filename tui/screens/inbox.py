"""The reminders inbox: every evaluation reminder owed now and not acknowledged, one line each.

Enter opens the evaluate form for the cycle (or, when its run has not started, the cycle itself);
``a`` acknowledges a reminder and ``s`` snoozes the cycle's reminders. Every database call runs in
a thread worker (through ``tui.reminders.InAppReminders``, whose methods block) and reports back as
a message. The list is drawn line by line, so a long inbox costs no more to show than a short one.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING, ClassVar, cast

from rich.segment import Segment
from textual import events, work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.dom import DOMNode
from textual.geometry import Region, Size
from textual.message import Message
from textual.screen import Screen
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widgets import Input, Static

from cycles import loop
from cycles.errors import CyclesError
from cycles.i18n import N_, _, ngettext
from cycles.model import Cycle, DueState, Phase
from cycles.reminders import ReminderKind
from tui.labels import due_label, phase_label
from tui.messages import ActionFailed
from tui.screens.form import FormScreen, Problem, Values, label
from tui.widgets.board_view import fit
from tui.widgets.fmt import DUE_SYMBOL, day, number
from tui.widgets.footer import Footer
from tui.widgets.inbox_badge import InboxBadge as InboxBadge
from tui.widgets.keys import key_for, translate_bindings

if TYPE_CHECKING:
    from storage.reminders import InboxEntry
    from tui.app import CyclesApp

SNOOZE_DAYS = 7  # what the snooze form proposes
MAX_SNOOZE_DAYS = 365  # as ``cycles remind snooze --days``

KIND_STYLE = {
    ReminderKind.OVERDUE: "inbox--overdue",
    ReminderKind.DUE: "inbox--due",
    ReminderKind.UPCOMING: "inbox--upcoming",
}


def kind_badge(kind: ReminderKind) -> str:
    """ "▲ overdue", "● due", "○ upcoming": the board's symbols, told by word too."""
    return f"{DUE_SYMBOL[DueState(kind.value)]} {due_label(kind.value)}"


def sent_text(entry: InboxEntry) -> str:
    return _("sent") if entry.sent else _("not sent yet")


def columns(width: int) -> list[int]:
    """Widths of kind, name, owner, iteration, due date and sent, filling ``width``."""
    fixed = [14, 0, 18, 6, 13, 13]
    fixed[1] = max(10, width - sum(fixed) - len(fixed))
    return fixed


def row_text(cells: list[str], width: int) -> str:
    return " " + " ".join(fit(c, w) for c, w in zip(cells, columns(width - 1), strict=True))


def headings() -> list[str]:
    return [_("reminder"), _("cycle"), _("owner"), _("it."), _("due on"), _("status")]


def entry_cells(entry: InboxEntry, today: date) -> list[str]:
    return [
        kind_badge(entry.kind),
        entry.name,
        entry.owner,
        f"{_('it.')} {entry.iteration}",
        day(entry.due_on, today),
        sent_text(entry),
    ]


def summary(new: list[InboxEntry], key: str, today: date) -> str:
    """The notification for reminders that just arrived: one line, however many."""
    if len(new) == 1:
        e = new[0]
        return _("{badge}: {name} (due {date}) — press {key} for the inbox").format(
            badge=kind_badge(e.kind), name=e.name, date=day(e.due_on, today), key=key
        )
    order = (ReminderKind.OVERDUE, ReminderKind.DUE, ReminderKind.UPCOMING)
    counts = " · ".join(
        f"{DUE_SYMBOL[DueState(kind.value)]} {number(n)} {due_label(kind.value)}"
        for kind in order
        if (n := sum(1 for e in new if e.kind is kind))
    )
    text = ngettext(
        "{n} evaluation needs attention: {counts} — press {key} for the inbox",
        "{n} evaluations need attention: {counts} — press {key} for the inbox",
        len(new),
    )
    return text.format(n=number(len(new)), counts=counts, key=key)


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


# -- the list ----------------------------------------------------------------------------------


class InboxView(ScrollView, can_focus=True):
    """One line per reminder and a cursor on one of them; only the visible lines are drawn."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "cursor(-1)", N_("up"), show=False, id="inbox.up"),
        Binding("down", "cursor(1)", N_("down"), show=False, id="inbox.down"),
        Binding("pageup", "page(-1)", N_("page up"), show=False, id="inbox.page_up"),
        Binding("pagedown", "page(1)", N_("page down"), show=False, id="inbox.page_down"),
        Binding("home", "edge(0)", N_("first reminder"), show=False, id="inbox.first"),
        Binding("end", "edge(1)", N_("last reminder"), show=False, id="inbox.last"),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "inbox--cursor",
        "inbox--upcoming",
        "inbox--due",
        "inbox--overdue",
        "inbox--muted",
    }

    DEFAULT_CSS = """
    InboxView { overflow-x: hidden; overflow-y: auto; background: $surface; }
    InboxView > .inbox--cursor { background: $block-cursor-blurred-background; color: $text; }
    InboxView:focus > .inbox--cursor {
        background: $block-cursor-background; color: $block-cursor-foreground;
    }
    InboxView > .inbox--upcoming { color: $text-muted; }
    InboxView > .inbox--due { color: $text-warning; text-style: bold; }
    InboxView > .inbox--overdue { color: $text-error; text-style: bold; }
    InboxView > .inbox--muted { color: $text-muted; }
    """

    class Chosen(Message):
        """Enter or a double click on an entry."""

        def __init__(self, entry: InboxEntry) -> None:
            self.entry = entry
            super().__init__()

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        translate_bindings(self)
        self.entries: list[InboxEntry] = []
        self.cursor = 0
        self.today = date.min

    @property
    def selected(self) -> InboxEntry | None:
        return self.entries[self.cursor] if 0 <= self.cursor < len(self.entries) else None

    def set_entries(self, entries: list[InboxEntry], today: date) -> None:
        """Show ``entries``; the cursor stays on the same cycle, or near where it was."""
        keep = self.selected.cycle if self.selected else None
        self.entries, self.today = entries, today
        keys = [e.cycle for e in entries]
        self.cursor = keys.index(keep) if keep in keys else min(self.cursor, max(0, len(entries) - 1))
        self.virtual_size = Size(self.scrollable_content_region.width, len(entries))
        self.refresh()
        self._show_cursor()

    def move_to(self, index: int) -> None:
        index = max(0, min(index, len(self.entries) - 1))
        if index == self.cursor or not self.entries:
            return
        old, self.cursor = self.cursor, index
        self.refresh_lines(old - self.scroll_offset.y)
        self.refresh_lines(index - self.scroll_offset.y)
        self._show_cursor()

    def _show_cursor(self) -> None:
        if self.entries:
            self.scroll_to_region(Region(0, self.cursor, 1, 1), animate=False, immediate=True)

    def action_cursor(self, step: int) -> None:
        self.move_to(self.cursor + step)

    def action_page(self, direction: int) -> None:
        self.move_to(self.cursor + direction * max(1, self.scrollable_content_region.height - 1))

    def action_edge(self, end: int) -> None:
        self.move_to(len(self.entries) - 1 if end else 0)

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        index = offset.y + self.scroll_offset.y
        if 0 <= index < len(self.entries):
            self.move_to(index)
            if event.chain >= 2:
                self.post_message(self.Chosen(self.entries[index]))

    def on_resize(self) -> None:
        self.virtual_size = Size(self.scrollable_content_region.width, len(self.entries))

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self.rich_style
        index = y + self.scroll_offset.y
        if not 0 <= index < len(self.entries):
            return Strip.blank(width, base)
        entry = self.entries[index]
        cells = entry_cells(entry, self.today)
        widths = columns(width - 1)
        if index == self.cursor:
            # On the cursor's background a colour would not read; the badge's words do.
            style = self.get_component_rich_style("inbox--cursor")
            return Strip([Segment(fit(row_text(cells, width), width), style)], width)
        kind_style = base + self.get_component_rich_style(KIND_STYLE[entry.kind], partial=True)
        muted = base + self.get_component_rich_style("inbox--muted", partial=True)
        segments = [Segment(" ", base), Segment(fit(cells[0], widths[0]), kind_style)]
        for i, (cell, w) in enumerate(zip(cells[1:], widths[1:], strict=True), start=1):
            segments.append(Segment(" ", base))
            segments.append(Segment(fit(cell, w), muted if i == 5 and not entry.sent else base))
        return Strip(segments, width).adjust_cell_length(width, base)


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


# -- the badge on the board ------------------------------------------------------------------


# ``InboxBadge`` lives in ``tui.widgets.inbox_badge`` (the board imports it before its first frame).


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
    def ctx(self) -> CyclesApp:
        return cast("CyclesApp", self.app)

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

    @work(thread=True, exit_on_error=False, group="inbox-act")
    def acknowledge(self, entry: InboxEntry) -> None:
        reminders = self.ctx.reminders
        assert reminders is not None
        try:
            reminders.acknowledge(entry.cycle)
            entries = reminders.inbox()
        except CyclesError as exc:
            self.app.post_message(ActionFailed("acknowledge", entry.cycle, str(exc)))
            return
        done = _("Reminder for {name} acknowledged").format(name=entry.name)
        self.app.post_message(InboxLoaded(entries, done))

    def action_snooze(self) -> None:
        entry = self.view.selected
        if entry is None:
            return

        def chosen(values: Values | None) -> None:
            if values is not None:
                self.snooze(entry, values["days"])

        self.app.push_screen(SnoozeForm(entry), chosen)

    @work(thread=True, exit_on_error=False, group="inbox-act")
    def snooze(self, entry: InboxEntry, days: int) -> None:
        reminders = self.ctx.reminders
        assert reminders is not None
        try:
            until = reminders.snooze(entry.cycle, days)
            entries = reminders.inbox()
        except CyclesError as exc:
            self.app.post_message(ActionFailed("snooze", entry.cycle, str(exc)))
            return
        done = _("Reminders for {name} snoozed until {date}").format(
            name=entry.name, date=day(until, self.ctx.today())
        )
        self.app.post_message(InboxLoaded(entries, done))

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


def why_not(cycle: Cycle, ctx: CyclesApp) -> str:
    """Why a cycle's evaluate form does not open, and what to do first."""
    if cycle.active and cycle.phase is Phase.COLLECT:
        nodes: list[DOMNode] = [ctx.board, ctx]
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
