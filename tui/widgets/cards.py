"""A cycle as the board holds it in memory (a card), and the filters and sort orders over cards.

Cards keep what filtering and sorting read as plain values, computed once when the cycles are read
(in a worker), so that a keystroke in the search field only compares strings.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING

from cycles.i18n import N_
from cycles.kinds import DueState, Phase, Status
from tui.widgets.fmt import due_state

if TYPE_CHECKING:  # not imported at run time: the first frame draws before pydantic is imported
    from cycles.model import CycleSummary

COLUMNS = (Phase.COLLECT, Phase.RUN, Phase.EVALUATE)
SORTS = {
    "due": N_("due date"),
    "name": N_("name"),
    "iteration": N_("iteration"),
    "owner": N_("owner"),
}


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


@dataclass(slots=True, eq=False)
class Card:
    """A cycle on the board, with what filtering and sorting read kept as plain values."""

    summary: CycleSummary
    due: DueState | None
    haystack: str  # what free-text search looks in, lower case
    active: bool
    scale: str
    owner: str  # lower case
    column: int
    order: dict[str, tuple[object, ...]]  # sort key by sort name


def column_of(s: CycleSummary) -> int:
    """Ended cycles (decided to drop or reroute) stand in the evaluate column, where they were decided."""
    if s.status is not Status.ACTIVE or s.phase is Phase.DECIDED:
        return 2
    return COLUMNS.index(s.phase)


def sort_keys(s: CycleSummary, today: date) -> dict[str, tuple[object, ...]]:
    name = s.name.lower()
    return {
        "due": (s.due_on is None, s.due_on or today, name),
        "name": (name, s.key),
        "iteration": (-s.iteration, name),
        "owner": (s.owner.lower() or "\uffff", name),
    }


def make_card(s: CycleSummary, today: date) -> Card:
    return Card(
        summary=s,
        due=due_state(s.due_on, today),
        haystack=f"{s.key} {s.name} {s.owner} {s.activity_type}".lower(),
        active=s.status is Status.ACTIVE,
        scale=s.scale,
        owner=s.owner.lower(),
        column=column_of(s),
        order=sort_keys(s, today),
    )


def make_cards(summaries: Iterable[CycleSummary], today: date) -> dict[str, Card]:
    """The cards for ``summaries`` (pure: a worker builds them off the UI thread)."""
    return {s.key: make_card(s, today) for s in summaries}
