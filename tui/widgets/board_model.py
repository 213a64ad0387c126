"""What the board shows: every cycle's summary kept in memory, filtered, sorted and laid out.

The board is lanes (one per scale) of three columns (collect | run and monitor | evaluate). A lane is
one header line, then its cards ``CARD_HEIGHT`` lines each, row by row, then a blank line. Filtering
and sorting happen here, in memory, so that typing in the search field never touches the database;
the layout keeps each lane's first line so that a line number finds its lane by bisection and drawing
costs the same at ten or ten thousand cycles.

The first frame need not wait for every card: ``load_first`` takes the cards a screen shows and how
many cycles each lane's columns hold, and lays the columns out at their full lengths (the cards not
read yet stand as ``PENDING``, which ``card_at`` never returns); ``load`` then takes all of them.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right, insort
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from types import SimpleNamespace
from typing import TYPE_CHECKING, cast

from cycles.kinds import DueState, Phase, Status
from tui.widgets.cards import Card, Filters, column_of, make_card

if TYPE_CHECKING:
    from cycles.model import CycleSummary

CARD_HEIGHT = 3  # name line, details line, spacer
Position = tuple[int, int, int]  # lane, column, row
Counts = dict[tuple[str, int, bool], int]  # (scale, column, active) -> cycles
Stored = dict[tuple[str, str, str], int]  # (scale, status, phase) -> cycles, as the database counts

# A place in a column whose card is not read yet (see ``load_first``).
PENDING = Card(cast("CycleSummary", None), None, "", True, "", "", 0, {})


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
        self.shown = 0
        self._positions: dict[str, Position] | None = None
        self.loaded = False  # cards to show: the first screenful at least
        self.complete = False  # every cycle's card
        self._counts: Counts | None = None  # while only the first screenful is loaded
        self._sorted: tuple[str, list[Card]] | None = None  # cards in the current sort order
        self._last: tuple[Filters, str, list[Card]] | None = None  # the last layout's filters and cards

    # -- data -------------------------------------------------------------------------------

    def load(self, cards: dict[str, Card], today: date) -> None:
        """Take every cycle's card (see ``make_cards``)."""
        self.today = today
        self.cards = cards
        self.loaded = self.complete = True
        self._counts = None
        self._sorted = self._last = None
        self.relayout()

    def load_first(self, cards: dict[str, Card], stored: Stored, today: date) -> None:
        """Take the cards of the first screenful and how many cycles each ``(scale, status,
        phase)`` holds: with the default filters and sort the board then looks as with every
        card, as far as a screen shows (``cards`` must hold the first cards of each active lane's
        columns in the default sort, as many as a screen's height)."""
        counts: Counts = {}
        for (scale, status, phase), n in stored.items():
            where = SimpleNamespace(status=Status(status), phase=Phase(phase))
            place = (scale, column_of(cast("CycleSummary", where)), status == Status.ACTIVE.value)
            counts[place] = counts.get(place, 0) + n
        self.today = today
        self.cards = cards
        self.loaded = True
        self.complete = False
        self._counts = counts
        self._sorted = self._last = None
        self.relayout()

    @property
    def total(self) -> int:
        """How many cycles there are, ended ones too (also before every card is loaded)."""
        if self._counts is not None:
            return sum(self._counts.values())
        return len(self.cards)

    def put(self, summary: CycleSummary) -> None:
        """Add or replace one cycle, keeping the sorted order without sorting everything again."""
        card = make_card(summary, self.today)
        self._unsort(self.cards.get(summary.key))
        self.cards[summary.key] = card
        if self._sorted is not None:
            sort, cards = self._sorted
            insort(cards, card, key=lambda c: c.order[sort])
        self._last = None

    def replace(self, summary: CycleSummary) -> None:
        """``put`` and lay out again: when only this card moves (one cycle changed, as after an
        action), it is taken out of its column and put in its new place, instead of laying out
        every card again; the result is the same."""
        old = self.cards.get(summary.key)
        self.put(summary)
        if not self._move(old, self.cards[summary.key]):
            self.relayout()

    def _move(self, old: Card | None, new: Card) -> bool:
        """Move one card in the current layout; False when that needs a full layout instead."""
        sort = self.filters.sort
        if self._counts is not None or self._sorted is None or self._sorted[0] != sort or not self.lanes:
            return False
        lanes = {lane.scale: lane for lane in self.lanes}

        def by(card: Card) -> tuple[object, ...]:
            return card.order[sort]

        if old is not None and old.scale in lanes:
            column = lanes[old.scale].columns[old.column]
            i = bisect_left(column, by(old), key=by)
            while i < len(column) and column[i] is not old and by(column[i]) == by(old):
                i += 1
            if i < len(column) and column[i] is old:
                del column[i]
                self.shown -= 1
            elif self.matches(old):
                return False  # not where it should stand: lay out afresh
        if self.matches(new):
            lane = lanes.get(new.scale)
            if lane is None:
                return False  # a scale the layout has no lane for yet
            insort(lane.columns[new.column], new, key=by)  # after its equals, as ``put`` sorts it
            self.shown += 1
        self.starts, y = [], 0
        for lane in self.lanes:
            self.starts.append(y)
            y += lane.lines
        self.height = y
        self._positions = None
        return True

    def remove(self, key: str) -> None:
        self._unsort(self.cards.pop(key, None))
        self._last = None

    def _unsort(self, card: Card | None) -> None:
        if card is None or self._sorted is None:
            return
        sort, cards = self._sorted
        i = bisect_left(cards, card.order[sort], key=lambda c: c.order[sort])
        while i < len(cards) and cards[i] is not card:
            i += 1
        if i < len(cards):
            del cards[i]
        else:  # not where its key says: sort again when next needed
            self._sorted = None

    def owners(self) -> list[str]:
        return sorted({c.summary.owner for c in self.cards.values() if c.summary.owner}, key=str.lower)

    # -- filtering and layout ---------------------------------------------------------------

    def matches(self, card: Card) -> bool:
        return bool(self.select([card]))

    def select(self, cards: list[Card]) -> list[Card]:
        """The cards that pass the filters, in their order: one tight pass per filter in use."""
        f = self.filters
        if not f.show_ended:
            cards = [c for c in cards if c.active]
        if f.scale:
            cards = [c for c in cards if c.scale == f.scale]
        if f.activity_type:
            cards = [c for c in cards if c.summary.activity_type == f.activity_type]
        if f.owner:
            owner = f.owner.lower()
            cards = [c for c in cards if c.owner == owner]
        if f.due is not None:
            due = {DueState.DUE, DueState.OVERDUE} if f.due is DueState.DUE else {f.due}
            cards = [c for c in cards if c.due in due]
        for word in f.text.lower().split():
            cards = [c for c in cards if word in c.haystack]
        return cards

    def ordered(self) -> list[Card]:
        sort = self.filters.sort
        if self._sorted is None or self._sorted[0] != sort:
            self._sorted = (sort, sorted(self.cards.values(), key=lambda c: c.order[sort]))
        return self._sorted[1]

    def _candidates(self) -> list[Card]:
        """Cards that can match: when the user typed on (same filters, longer text), only those
        that matched the shorter text, so search gets faster as you type."""
        last = self._last
        f = self.filters
        if last is not None and last[0] == f.with_(text="") and (f.text.lower().startswith(last[1])):
            return last[2]
        return self.ordered()

    def relayout(self) -> None:
        shown = self.select(self._candidates())
        self._last = (self.filters.with_(text=""), self.filters.text.lower(), shown)
        index = {scale: i for i, scale in enumerate(self.scales)}
        for scale in {c.scale for c in shown} - set(index):  # scales the community file no longer lists
            index[scale] = len(self.scales)
            self.scales.append(scale)
        pending = self._counts if self.filters == Filters() else None
        for scale, _col, _active in pending or ():
            if scale not in index:
                index[scale] = len(self.scales)
                self.scales.append(scale)
        lanes = [Lane(scale, collapsed=scale in self.collapsed) for scale in self.scales]
        columns = [lane.columns for lane in lanes]
        for card in shown:
            columns[index[card.scale]][card.column].append(card)
        if pending is not None:  # the cards not read yet, at their places
            for (scale, col, active), n in pending.items():
                column = columns[index[scale]][col]
                if active and len(column) < n:
                    column.extend([PENDING] * (n - len(column)))
            shown = [card for lane in lanes for column in lane.columns for card in column]
        self.lanes = lanes
        self.starts, y = [], 0
        for lane in lanes:
            self.starts.append(y)
            y += lane.lines
        self.height = y
        self.shown = len(shown)
        self._positions = None

    def position(self, key: str) -> Position | None:
        """Where the cycle ``key`` stands, or None when the filters hide it."""
        card = self.cards.get(key)
        if card is None:
            return None
        for li, lane in enumerate(self.lanes):
            if lane.scale == card.scale:
                column = lane.columns[card.column]
                try:
                    return li, card.column, column.index(card)
                except ValueError:
                    return None
        return None

    @property
    def positions(self) -> dict[str, Position]:
        """Every shown cycle's position (built when first asked for after a layout)."""
        if self._positions is None:
            self._positions = {
                card.summary.key: (li, ci, ri)
                for li, lane in enumerate(self.lanes)
                for ci, column in enumerate(lane.columns)
                for ri, card in enumerate(column)
                if card is not PENDING
            }
        return self._positions

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
        card = column[row] if row < len(column) else None
        return None if card is PENDING else card

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
