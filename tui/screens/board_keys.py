"""The board's keys and its palette entries, apart from the screen: light to import (Textual's
``Binding`` and the message catalog only), for the board and for what shows its keys early."""

from __future__ import annotations

from textual.binding import Binding, BindingType

from cycles.i18n import N_

BOARD_PALETTE = {
    "search": (N_("Board: search"), N_("Filter the board as you type")),
    "filters": (N_("Board: filter and sort"), N_("Scale, type, owner, due state, sort order")),
    "sort": (N_("Board: next sort order"), N_("Due date, name, iteration, owner")),
    "ended": (N_("Board: show or hide ended cycles"), N_("Dropped and rerouted cycles")),
    "fold": (N_("Board: fold or unfold lane"), N_("Collapse the scale under the cursor")),
    "reload": (N_("Board: reload"), N_("Read all cycles again")),
    "example": (N_("Board: load the SPARK example"), N_("Fill an empty database with the example")),
}

BOARD_BINDINGS: list[BindingType] = [
    Binding("slash", "search", N_("search"), show=False, id="board.search", tooltip=N_("search as you type")),
    Binding(
        "f",
        "filters",
        N_("filter and sort"),
        show=False,
        id="board.filter",
        tooltip=N_("filter by scale, type, owner, due state; sort"),
    ),
    Binding("o", "sort", N_("sort"), show=False, id="board.sort", tooltip=N_("next sort order")),
    Binding(
        "a",
        "ended",
        N_("ended"),
        show=False,
        id="board.ended",
        tooltip=N_("show or hide dropped and rerouted cycles"),
    ),
    Binding("r", "reload", N_("reload"), show=False, id="board.reload", tooltip=N_("read all cycles again")),
    Binding(
        "i",
        "example",
        N_("load example"),
        id="board.example",
        tooltip=N_("load SPARK's example into an empty database"),
    ),
    Binding(
        "z",
        "fold",
        N_("fold lane"),
        show=False,
        id="board.fold",
        tooltip=N_("fold or unfold the lane under the cursor"),
    ),
    Binding("q", "app.quit", N_("quit"), show=False, id="board.quit", tooltip=N_("quit")),
    Binding(
        "b",
        "inbox",
        N_("inbox"),
        id="board.inbox",
        tooltip=N_("reminders inbox: evaluations upcoming, due or overdue"),
    ),
]
