"""What workers report back to the interface, each message named for what happened.

Workers run every Workspace call off the UI thread and post one of these; handlers on the UI thread
update what is shown. Loads go to the screen that asked; changes go to the app, which hands them to
every screen on the stack, so the board and an open cycle stay in step.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from textual.message import Message

from cycles.model import Change, Cycle, Event, Link
from tui.widgets.cards import Card

if TYPE_CHECKING:
    from storage.records import Changes


class CyclesLoaded(Message):
    """Every cycle's summary, read for the board (and made into cards off the UI thread)."""

    def __init__(self, cards: dict[str, Card], today: date) -> None:
        self.cards = cards
        self.today = today
        super().__init__()


class CycleLoaded(Message):
    """One cycle with its links and history, read for the cycle screen."""

    def __init__(self, cycle: Cycle, links: list[Link], events: list[Event]) -> None:
        self.cycle = cycle
        self.links = links
        self.events = events
        super().__init__()


class CycleFetched(Message):
    """A cycle read so that a form can show it (``purpose`` names the form); ``typed``: what the
    user typed before, to put back (the form then opens on the cycle as read)."""

    def __init__(
        self, cycle: Cycle, purpose: str, seen_version: int, typed: dict[str, Any] | None = None
    ) -> None:
        self.cycle = cycle
        self.purpose = purpose
        self.seen_version = seen_version
        self.typed = typed
        super().__init__()


class CycleChanged(Message):
    """An action was stored: the cycle as it is now, cycles it created, keys it removed."""

    def __init__(
        self, action: str, cycle: Cycle, created: list[Cycle] | None = None, deleted: list[str] | None = None
    ) -> None:
        self.action = action
        self.cycle = cycle
        self.created = created or []
        self.deleted = deleted or []
        super().__init__()

    @classmethod
    def of(cls, action: str, result: Change | Cycle) -> CycleChanged:
        if isinstance(result, Cycle):
            return cls(action, result)
        # Stored cycles start at version 1 (``Workspace.create`` returns the same).
        created = [c.model_copy(update={"version": 1}) for c in result.created]
        return cls(action, result.cycle, created, list(result.deleted))


class ExampleLoaded(Message):
    """The shipped example portfolio was imported into an empty database."""

    def __init__(self, count: int) -> None:
        self.count = count
        super().__init__()


class ConflictDetected(Message):
    """The cycle changed since the user saw it; nothing was written. ``typed``: the form the
    user saved and what they typed in it, to open again on the cycle as it is now."""

    def __init__(self, key: str, detail: str, typed: tuple[str, dict[str, Any]] | None = None) -> None:
        self.key = key
        self.detail = detail
        self.typed = typed
        super().__init__()


class ActionFailed(Message):
    """An action or a read was refused; nothing was written."""

    def __init__(self, action: str, key: str | None, detail: str) -> None:
        self.action = action
        self.key = key
        self.detail = detail
        super().__init__()


class ColleaguesChanged(Message):
    """Another process changed the database (``tui.live``): what, by whom, the cycles as now."""

    def __init__(self, changes: Changes) -> None:
        self.changes = changes
        super().__init__()
