"""What the screens ask of the app, as a protocol: screens talk to ``tui.app.CyclesApp`` through
this, never by importing it (the app imports the screens)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from textual.app import App

    from cycles.community import Community
    from cycles.errors import CyclesError
    from cycles.model import Cycle, DecisionKind
    from storage.records import InboxEntry
    from storage.workspace import Workspace
    from tui.first_read import FirstRead
    from tui.messages import ExampleLoaded
    from tui.reminders import InAppReminders
    from tui.settings import Settings
    from tui.writes import WriteQueue


class Board(Protocol):
    """What other screens ask of the board."""

    def show_decided(self, cycle: Cycle, kind: DecisionKind, why: str) -> None: ...

    def unstored_refused(self, key: str | None) -> None: ...

    def open_form(self, purpose: str, cycle: Cycle, version: int) -> None: ...

    def refetch(self, key: str) -> Any: ...

    def reopen(self, key: str, purpose: str, typed: dict[str, Any]) -> None: ...

    def example_loaded(self, message: ExampleLoaded) -> None: ...


class BoardApp(Protocol):
    """The app as its screens see it: the data it holds and the few things it does for them."""

    workspace: Workspace
    community: Community
    settings: Settings
    clock: Callable[[], datetime]
    writes: WriteQueue
    reminders: InAppReminders | None
    inbox_entries: list[InboxEntry]
    first_read: FirstRead
    validate_files: Callable[[], tuple[Settings, Community]] | None
    carried_cursor: str | None
    carried_columns: str
    start_error: CyclesError | None

    @property
    def board(self) -> Board: ...

    @property
    def reminders_enabled(self) -> bool: ...

    def today(self) -> date: ...

    def open_cycle(self, key: str) -> None: ...

    def known_cycles(self) -> dict[str, str]: ...

    def board_loaded(self) -> None: ...

    def action_inbox(self) -> None: ...

    def action_timeline(self) -> None: ...


def app_of(app: App[Any]) -> BoardApp:
    """``app`` (a ``CyclesApp``) as its screens see it."""
    from typing import cast

    return cast("BoardApp", app)
