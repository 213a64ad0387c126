"""What the board shows: every cycle's summary kept in memory, filtered, sorted and laid out.

The board is lanes (one per scale) of three columns (collect | run and monitor | evaluate). A lane is
one header line, then its cards ``CARD_HEIGHT`` lines each, row by row, then a blank line. Filtering
and sorting happen here, in memory, so that typing in the search field never touches the database;
the layout keeps each lane's first line so that a line number finds its lane by bisection and drawing
costs the same at ten or ten thousand cycles.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date

from cycles.i18n import N_
from cycles.model import CycleSummary, DueState, Phase, Status
from tui.widgets.fmt import due_state

COLUMNS = (Phase.COLLECT, Phase.RUN, Phase.EVALUATE)
CARD_HEIGHT = 3  # name line, details line, spacer
SORTS = {
    "due": N_("due date"),
    "name": N_("name"),
    "iteration": N_("iteration"),
    "owner": N_("owner"),
}

Position = tuple[int, int, int]  # lane, column, row


@dataclass(frozen=True)
class Filters:
    """What the user asked to see; None means any."""

    scale: str | None = None
    activity_type: str | None = None
    owner: str | None = None
    due: DueState | None = None  # DUE means due today or overdue, as in ``cycles list --due``
    text: str = ""
    show_ended: bool = False
    sort: str = "due"

    def with_(self, **changes: object) -> Filters:
        return replace(self, **changes)  # type: ignore[arg-type]


@dataclass
class Card:
    summary: CycleSummary
    due: DueState | None
    haystack: str  # what free-text search looks in, lower case


@dataclass
class Lane:
    scale: str
    columns: list[list[Card]] = field(default_factory=lambda: [[], [], []])
    collapsed: bool = False

    @property
    def rows(self) -> int:
        return max(len(c) for c in self.columns)

    @property
    def count(self) -> int:
        return sum(len(c) for c in self.columns)

    @property
    def lines(self) -> int:
        body = 0 if self.collapsed else max(1, self.rows) * CARD_HEIGHT
        return 1 + body + 1


def column_of(s: CycleSummary) -> int:
    """Ended cycles (decided to drop or reroute) stand in the evaluate column, where they were decided."""
    if s.status is not Status.ACTIVE or s.phase is Phase.DECIDED:
        return 2
    return COLUMNS.index(s.phase)


def _sort_key(sort: str, today: date):  # type: ignore[no-untyped-def]
    if sort == "name":
        return lambda c: (c.summary.name.lower(), c.summary.key)
    if sort == "iteration":
        return lambda c: (-c.summary.iteration, c.summary.name.lower())
    if sort == "owner":
        return lambda c: (c.summary.owner.lower() or "\uffff", c.summary.name.lower())
    return lambda c: (c.summary.due_on is None, c.summary.due_on or today, c.summary.name.lower())


class BoardModel:
    """The cycles in memory and their current layout."""

    def __init__(self, scales: Iterable[str]) -> None:
        self.scales = list(scales)
        self.cards: dict[str, Card] = {}
        self.today = date.min
        self.filters = Filters()
        self.collapsed: set[str] = set()
        self.lanes: list[Lane] = []
        self.starts: list[int] = []
        self.height = 0
        self.positions: dict[str, Position] = {}
        self.loaded = False

    # -- data -------------------------------------------------------------------------------

    def load(self, summaries: Iterable[CycleSummary], today: date) -> None:
        self.today = today
        self.cards = {s.key: self._card(s) for s in summaries}
        self.loaded = True
        self.relayout()

    def put(self, summary: CycleSummary) -> None:
        self.cards[summary.key] = self._card(summary)

    def remove(self, key: str) -> None:
        self.cards.pop(key, None)

    def _card(self, s: CycleSummary) -> Card:
        text = f"{s.key} {s.name} {s.owner} {s.activity_type}".lower()
        return Card(s, due_state(s.due_on, self.today), text)

    def owners(self) -> list[str]:
        return sorted({c.summary.owner for c in self.cards.values() if c.summary.owner}, key=str.lower)

    # -- filtering and layout ---------------------------------------------------------------

    def matches(self, card: Card) -> bool:
        f, s = self.filters, card.summary
        if not f.show_ended and s.status is not Status.ACTIVE:
            return False
        if f.scale and s.scale != f.scale:
            return False
        if f.activity_type and s.activity_type != f.activity_type:
            return False
        if f.owner and s.owner.lower() != f.owner.lower():
            return False
        if f.due is DueState.DUE and card.due not in (DueState.DUE, DueState.OVERDUE):
            return False
        if f.due is not None and f.due is not DueState.DUE and card.due is not f.due:
            return False
        return not f.text or all(word in card.haystack for word in f.text.lower().split())

    def relayout(self) -> None:
        shown = sorted(
            (c for c in self.cards.values() if self.matches(c)), key=_sort_key(self.filters.sort, self.today)
        )
        order = {scale: i for i, scale in enumerate(self.scales)}
        for card in shown:
            if card.summary.scale not in order:  # a scale the community file no longer lists
                order[card.summary.scale] = len(order)
                self.scales.append(card.summary.scale)
        lanes = [Lane(scale, collapsed=scale in self.collapsed) for scale in self.scales]
        for card in shown:
            lanes[order[card.summary.scale]].columns[column_of(card.summary)].append(card)
        self.lanes = lanes
        self.starts, y = [], 0
        self.positions = {}
        for li, lane in enumerate(lanes):
            self.starts.append(y)
            y += lane.lines
            for ci, column in enumerate(lane.columns):
                for ri, card in enumerate(column):
                    self.positions[card.summary.key] = (li, ci, ri)
        self.height = y

    @property
    def shown(self) -> int:
        return len(self.positions)

    def column_counts(self) -> list[int]:
        return [sum(len(lane.columns[i]) for lane in self.lanes) for i in range(3)]

    def toggle_lane(self, lane: int) -> None:
        scale = self.lanes[lane].scale
        self.collapsed.symmetric_difference_update({scale})
        self.relayout()

    # -- geometry ---------------------------------------------------------------------------

    def locate(self, y: int) -> tuple[int, int]:
        """The lane of line ``y`` and the line's offset within the lane."""
        lane = bisect_right(self.starts, y) - 1
        return lane, y - self.starts[lane]

    def card_y(self, pos: Position) -> int:
        lane, _col, row = pos
        return self.starts[lane] + 1 + row * CARD_HEIGHT

    def card_at(self, pos: Position | None) -> Card | None:
        if pos is None:
            return None
        lane, col, row = pos
        if lane >= len(self.lanes) or self.lanes[lane].collapsed:
            return None
        column = self.lanes[lane].columns[col]
        return column[row] if row < len(column) else None

    # -- cursor movement --------------------------------------------------------------------

    def _open_lanes(self, start: int, step: int) -> Iterable[int]:
        i = start
        while 0 <= i < len(self.lanes):
            if not self.lanes[i].collapsed and self.lanes[i].count:
                yield i
            i += step

    @staticmethod
    def _nearest_column(lane: Lane, col: int) -> int | None:
        for c in sorted(range(3), key=lambda c: (abs(c - col), c)):
            if lane.columns[c]:
                return c
        return None

    def first(self) -> Position | None:
        for li in self._open_lanes(0, 1):
            col = self._nearest_column(self.lanes[li], 0)
            if col is not None:
                return li, col, 0
        return None

    def last(self) -> Position | None:
        for li in self._open_lanes(len(self.lanes) - 1, -1):
            col = self._nearest_column(self.lanes[li], 2)
            if col is not None:
                return li, col, len(self.lanes[li].columns[col]) - 1
        return None

    def vertical(self, pos: Position | None, step: int) -> Position | None:
        """One card down (step 1) or up (-1) in the column, crossing into the next open lane."""
        if self.card_at(pos) is None:
            return self.first()
        assert pos is not None
        lane, col, row = pos
        if 0 <= row + step < len(self.lanes[lane].columns[col]):
            return lane, col, row + step
        for li in self._open_lanes(lane + step, step):
            c = self._nearest_column(self.lanes[li], col)
            if c is not None:
                return li, c, 0 if step > 0 else len(self.lanes[li].columns[c]) - 1
        return pos

    def horizontal(self, pos: Position | None, step: int) -> Position | None:
        if self.card_at(pos) is None:
            return self.first()
        assert pos is not None
        lane, col, row = pos
        c = col + step
        while 0 <= c < 3:
            column = self.lanes[lane].columns[c]
            if column:
                return lane, c, min(row, len(column) - 1)
            c += step
        return pos

    def near(self, pos: Position | None) -> Position | None:
        """A valid position as close as possible to ``pos`` (after cards left or lanes folded)."""
        if pos is None:
            return self.first()
        if self.card_at(pos) is not None:
            return pos
        lane, col, row = pos
        if lane < len(self.lanes) and not self.lanes[lane].collapsed:
            c = self._nearest_column(self.lanes[lane], col)
            if c is not None:
                return lane, c, min(row, len(self.lanes[lane].columns[c]) - 1)
        for li in [*self._open_lanes(lane + 1, 1), *self._open_lanes(lane - 1, -1)]:
            c = self._nearest_column(self.lanes[li], col)
            if c is not None:
                return li, c, 0
        return None
