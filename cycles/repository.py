"""The persistence interface the domain needs; ``storage`` implements it."""

from __future__ import annotations

from datetime import date
from typing import Protocol

from pydantic import BaseModel, ConfigDict

from cycles.model import Change, Cycle, CycleSummary, DueState, Event, Link, Phase


class CycleFilter(BaseModel):
    """Which cycles a list or the board shows. ``None`` means any."""

    model_config = ConfigDict(extra="forbid")
    scale: str | None = None
    activity_type: str | None = None
    phase: Phase | None = None
    owner: str | None = None
    due: DueState | None = None  # due: due today or overdue; overdue: past due; upcoming: not yet
    text: str | None = None
    include_ended: bool = False


class Repository(Protocol):
    """One unit of work's view of the stored cycles."""

    def get(self, key: str) -> Cycle:
        """The cycle with its whole iteration history; NotFoundError if there is none."""
        ...

    def exists(self, key: str) -> bool: ...

    def summaries(self, flt: CycleFilter, today: date) -> list[CycleSummary]:
        """Cycles matching ``flt`` ordered by scale, due date and name; ``today`` for due filters."""
        ...

    def apply(self, change: Change, expected_version: int) -> Cycle:
        """Write a change; ConflictError if the cycle is no longer at ``expected_version``."""
        ...

    def add(self, cycles: list[Cycle], links: list[Link], events: list[Event]) -> None:
        """Insert new cycles in bulk (import); refuses keys that exist."""
        ...

    def history(self, key: str) -> list[Event]:
        """The cycle's events, oldest first."""
        ...

    def links(self, key: str) -> list[Link]:
        """Links from or to the cycle."""
        ...
