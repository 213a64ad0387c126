"""``BoardView``: the board's grid of lanes and columns, drawn line by line (the Line API).

Only the lines on screen are drawn, and a cursor move redraws the two cards it touches, so the cost
of a keypress does not grow with the number of cycles. No widget per cycle.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from cycles.i18n import N_, _, ngettext
from cycles.kinds import DueState, Status
from tui.widgets.board_model import CARD_HEIGHT, BoardModel, Position
from tui.widgets.cards import Card
from tui.widgets.fmt import due_badge, ended_badge, number
from tui.widgets.keys import translate_bindings

if TYPE_CHECKING:
    from cycles.model import CycleSummary


def fit(text: str, width: int) -> str:
    """``text`` cut (with an ellipsis) or padded to exactly ``width`` cells."""
    if width <= 0:
        return ""
    if cell_len(text) > width:
        return set_cell_size(text, width - 1) + "…"
    return set_cell_size(text, width)


class BoardView(ScrollView, can_focus=True):
    """Lanes per scale, three columns per lane, one card per cycle; a cursor on one card."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "cursor(0, -1)", N_("up"), show=False, id="board.up"),
        Binding("down", "cursor(0, 1)", N_("down"), show=False, id="board.down"),
        Binding("left", "cursor(-1, 0)", N_("left"), show=False, id="board.left"),
        Binding("right", "cursor(1, 0)", N_("right"), show=False, id="board.right"),
        Binding("pageup", "page(-1)", N_("page up"), show=False, id="board.page_up"),
        Binding("pagedown", "page(1)", N_("page down"), show=False, id="board.page_down"),
        Binding("home", "edge(0)", N_("first cycle"), show=False, id="board.first"),
        Binding("end", "edge(1)", N_("last cycle"), show=False, id="board.last"),
        Binding(
            "enter",
            "open",
            N_("open"),
            show=False,
            id="board.open",
            tooltip=N_("open the cycle under the cursor"),
        ),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "board--lane",
        "board--card",
        "board--cursor",
        "board--muted",
        "board--upcoming",
        "board--due",
        "board--overdue",
        "board--ended",
        "board--sep",
    }

    DEFAULT_CSS = """
    BoardView { overflow-x: hidden; overflow-y: auto; background: $surface; }
    BoardView > .board--lane { background: $panel; color: $text; text-style: bold; }
    BoardView > .board--card { background: $boost; color: $text; }
    BoardView > .board--cursor { background: $block-cursor-blurred-background; color: $text; }
    BoardView:focus > .board--cursor {
        background: $block-cursor-background; color: $block-cursor-foreground;
    }
    BoardView > .board--muted { color: $text-muted; }
    BoardView > .board--upcoming { color: $text-muted; }
    BoardView > .board--due { color: $text-warning; text-style: bold; }
    BoardView > .board--overdue { color: $text-error; text-style: bold; }
    BoardView > .board--ended { color: $text-disabled; }
    BoardView > .board--sep { color: $panel-lighten-2; }
    """

    class CursorMoved(Message):
        """The cursor went to another card (or to none)."""

        def __init__(self, summary: CycleSummary | None) -> None:
            self.summary = summary
            super().__init__()

    class Opened(Message):
        """The user asked to open the cycle under the cursor (enter or double click)."""

        def __init__(self, key: str) -> None:
            self.key = key
            super().__init__()

    def __init__(self, model: BoardModel, *, id: str | None = None) -> None:
        super().__init__(id=id)
        translate_bindings(self)
        self.model = model
        self.cursor: Position | None = None
        self._base: Style | None = None
        self.labels: dict[str, str] = {}  # scale key -> lane title
        self.type_labels: dict[str, str] = {}

    # -- state ------------------------------------------------------------------------------

    @property
    def selected(self) -> CycleSummary | None:
        card = self.model.card_at(self.cursor)
        return card.summary if card else None

    def reload(self, keep: str | None = None) -> None:
        """Take the model's new layout; keep the cursor on ``keep`` (or the same card) if shown."""
        keep = keep or (self.selected.key if self.selected else None) or self._carried()
        pos = self.model.position(keep) if keep else None
        self.cursor = pos if self.model.card_at(pos) is not None else self.model.near(pos or self.cursor)
        self.virtual_size = Size(self.scrollable_content_region.width, self.model.height)
        self.refresh()
        self._show_cursor()
        self.post_message(self.CursorMoved(self.selected))

    def _carried(self) -> str | None:
        """The cursor of the first frame's board (``tui.first_board``), once, for this one."""
        key: str | None = getattr(self.app, "carried_cursor", None)
        if key is not None:
            self.app.carried_cursor = None  # type: ignore[attr-defined]
        return key

    def move_to(self, pos: Position | None) -> None:
        if pos == self.cursor:
            return
        old, self.cursor = self.cursor, pos
        for p in (old, pos):
            if self.model.card_at(p) is not None:
                assert p is not None
                self.refresh_lines(self.model.card_y(p), CARD_HEIGHT)
        self._show_cursor()
        self.post_message(self.CursorMoved(self.selected))

    def _show_cursor(self) -> None:
        if self.model.card_at(self.cursor) is None:
            return
        assert self.cursor is not None
        y = self.model.card_y(self.cursor)
        top = self.model.starts[self.cursor[0]] if self.cursor[2] == 0 else y
        self.scroll_to_region(Region(0, top, 1, y + CARD_HEIGHT - top), animate=False, immediate=True)

    # -- actions ----------------------------------------------------------------------------

    def action_cursor(self, dx: int, dy: int) -> None:
        if dy:
            self.move_to(self.model.vertical(self.cursor, dy))
        else:
            self.move_to(self.model.horizontal(self.cursor, dx))

    def action_page(self, direction: int) -> None:
        pos = self.cursor
        for _n in range(max(1, self.scrollable_content_region.height // CARD_HEIGHT - 1)):
            pos = self.model.vertical(pos, direction)
        self.move_to(pos)

    def action_edge(self, end: int) -> None:
        self.move_to(self.model.last() if end else self.model.first())

    def action_open(self) -> None:
        if self.selected is not None:
            self.post_message(self.Opened(self.selected.key))

    def action_toggle_lane(self, lane: int | None = None) -> None:
        if lane is None:
            if self.cursor is None:
                return
            lane = self.cursor[0]
        keep = self.selected.key if self.selected else None
        self.model.toggle_lane(lane)
        self.reload(keep)

    # -- mouse ------------------------------------------------------------------------------

    def column_width(self) -> int:
        return max(10, (self.scrollable_content_region.width - 2) // 3)

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or not self.model.lanes:
            return
        y = offset.y + self.scroll_offset.y
        if y >= self.model.height:
            return
        lane, line = self.model.locate(y)
        if line == 0:
            self.action_toggle_lane(lane)
            return
        col = min(2, offset.x // (self.column_width() + 1))
        pos = (lane, col, (line - 1) // CARD_HEIGHT)
        if self.model.card_at(pos) is not None:
            self.move_to(pos)
            if event.chain >= 2:
                self.action_open()

    # -- drawing ----------------------------------------------------------------------------

    def notify_style_update(self) -> None:
        self._base = None
        super().notify_style_update()

    @property
    def base_style(self) -> Style:
        # ``rich_style`` walks every ancestor's styles; a line asks for it several times.
        if self._base is None:
            self._base = self.rich_style
        return self._base

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self.base_style
        vy = y + self.scroll_offset.y
        if not self.model.lanes or vy >= self.model.height:
            return Strip.blank(width, base)
        li, line = self.model.locate(vy)
        lane = self.model.lanes[li]
        if line == 0:
            return self._lane_header(li, width)
        if line == lane.lines - 1:
            return Strip.blank(width, base)
        row, sub = divmod(line - 1, CARD_HEIGHT)
        if lane.count == 0:
            text = f"   {_('no cycles here')}" if row == 0 and sub == 0 else ""
            return Strip([Segment(fit(text, width), self.get_component_rich_style("board--muted"))])
        colw = max(10, (width - 2) // 3)
        sep = Segment("│", self.get_component_rich_style("board--sep"))
        segments: list[Segment] = []
        for col in range(3):
            w = colw if col < 2 else width - 2 * (colw + 1)
            segments.extend(self._cell((li, col, row), sub, w))
            if col < 2:
                segments.append(sep)
        return Strip(segments, width)

    def _lane_header(self, li: int, width: int) -> Strip:
        lane = self.model.lanes[li]
        arrow = "▶" if lane.collapsed else "▼"
        title = self.labels.get(lane.scale, lane.scale)
        n = lane.count
        cycles = ngettext("{n} cycle", "{n} cycles", n).format(n=number(n))
        counts = " · ".join(
            f"{label} {number(len(col))}"
            for label, col in zip(
                (_("collect"), _("run and monitor"), _("evaluate")), lane.columns, strict=True
            )
        )
        text = f" {arrow} {title} · {cycles}   {counts}"
        return Strip([Segment(fit(text, width), self.get_component_rich_style("board--lane"))], width)

    def _cell(self, pos: Position, sub: int, width: int) -> list[Segment]:
        card = self.model.card_at(pos)
        base = self.base_style
        if card is None or sub == CARD_HEIGHT - 1:
            return [Segment(" " * width, base)]
        style = self.get_component_rich_style("board--cursor" if pos == self.cursor else "board--card")
        inner = width - 2
        if sub == 0:
            right = f"{_('it.')} {card.summary.iteration}"
            name = fit(card.summary.name, max(1, inner - cell_len(right) - 1))
            return [Segment(f" {name} {right} ", style + Style(bold=True))]
        return self._details(card, style, inner, cursor=pos == self.cursor)

    def _details(self, card: Card, style: Style, inner: int, cursor: bool) -> list[Segment]:
        s = card.summary
        if s.status is not Status.ACTIVE:
            badge, badge_style = ended_badge(s.status), "board--ended"
        else:
            badge = due_badge(card.due, s.due_on, self.model.today)
            badge_style = {
                DueState.OVERDUE: "board--overdue",
                DueState.DUE: "board--due",
            }.get(card.due, "board--upcoming")  # type: ignore[arg-type]
        # The owner first: who to ask matters more than the type, which the name often repeats.
        kind = self.type_labels.get(s.activity_type, s.activity_type)
        room = max(0, inner - cell_len(badge) - 1 if badge else inner)
        meta = f"{s.owner} · {kind}" if s.owner else kind
        if cell_len(meta) > room and s.owner:
            meta = s.owner  # rather no type than a type cut to a letter
        meta_text = fit(meta, room)
        if cursor:  # on the cursor's background the badge's colour would not read; its words do
            bstyle = mstyle = style
        else:
            bstyle = style + self.get_component_rich_style(badge_style, partial=True)
            mstyle = style + self.get_component_rich_style("board--muted", partial=True)
        segments = [Segment(" " + meta_text, mstyle)]
        if badge:
            segments.append(Segment(" " + fit(badge, inner - cell_len(meta_text) - 1), bstyle))
        segments.append(Segment(" ", style))
        return segments

    def on_resize(self) -> None:
        self.virtual_size = Size(self.scrollable_content_region.width, self.model.height)
