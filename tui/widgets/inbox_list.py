"""``InboxView``: the reminders inbox's list, one line per reminder, drawn line by line (the Line API).

Only the lines on screen are drawn, so a long inbox costs no more to show than a short one. With it
the text of a reminder: its badge, its cells under the inbox's headings, and the one-line
notification for reminders that just arrived. The screen around it is ``tui.screens.inbox``.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, ClassVar

from rich.segment import Segment
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from cycles.i18n import N_, _, ngettext
from cycles.model import DueState
from cycles.reminders import ReminderKind
from tui.labels import due_count, due_label
from tui.widgets.board_view import fit
from tui.widgets.fmt import DUE_SYMBOL, day, number
from tui.widgets.keys import translate_bindings

if TYPE_CHECKING:
    from storage.records import InboxEntry

# -- a reminder as text ------------------------------------------------------------------------

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
        f"{DUE_SYMBOL[DueState(kind.value)]} {due_count(kind.value, n, number(n))}"
        for kind in order
        if (n := sum(1 for e in new if e.kind is kind))
    )
    text = ngettext(
        "{n} evaluation needs attention: {counts} — press {key} for the inbox",
        "{n} evaluations need attention: {counts} — press {key} for the inbox",
        len(new),
    )
    return text.format(n=number(len(new)), counts=counts, key=key)


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
