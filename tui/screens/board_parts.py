"""The board's widgets but its footer, which the board and its quick first frame compose alike."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Input, Static

from cycles.i18n import _, language
from tui.widgets.board_model import BoardModel
from tui.widgets.board_view import BoardView
from tui.widgets.fmt import long_day
from tui.widgets.inbox_badge import InboxBadge

if TYPE_CHECKING:
    from tui.app_context import BoardApp


def board_widgets(app: BoardApp, columns: str) -> tuple[BoardModel, ComposeResult]:
    """The board's model, and its widgets but the footer (``BoardScreen`` and this screen compose
    the same): the top bar, the search bar, the column header (``columns``, until the board is laid
    out and counts), the board itself and the hint shown when there are no cycles."""
    community = app.community
    model = BoardModel(community.scale_keys)

    def widgets() -> ComposeResult:
        view = BoardView(model, id="board")
        lang = language()
        view.labels = {s.key: s.label.get(lang) for s in community.scales}
        view.type_labels = {t.key: t.label.get(lang) for t in community.activity_types}
        with Horizontal(id="topbar"):
            yield Static(f"Learning Cycles · {community.name}", id="title", markup=False)
            yield InboxBadge("", id="reminders", markup=False)
            yield Static(long_day(app.today()), id="today")
        with Horizontal(id="bar"):
            yield Input(placeholder=_("Search name, key, owner, type  ( / )"), id="search")
            yield Static(_("Loading cycles…"), id="filters-info", markup=False)
        yield Static(columns, id="columns", markup=False)
        yield view
        yield Static("", id="hint", markup=False)

    return model, widgets()
