"""The records of the iterate loop: a cycle, its numbered iterations, links and history events.

All datetimes are timezone-aware (UTC); dates (due dates) are calendar dates in the community's zone.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from cycles.kinds import (  # re-exported: the same objects
    SUMMARY_FIELDS,
    DecisionKind,
    DueState,
    LinkKind,
    Phase,
    Status,
    utc_datetime,
)

__all__ = [
    "SUMMARY_FIELDS", "Change", "Collect", "Cycle", "CycleSummary", "Decision", "DecisionKind", "DueState",
    "Evaluation", "Event", "Iteration", "Link", "LinkKind", "Note", "Phase", "Status", "utc_datetime",
]  # fmt: skip


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class Collect(_Record):
    """What the collect step found: need, stakeholders, preconditions, resources."""

    need: str = ""
    stakeholders_involved: list[str] = []
    stakeholders_needed: list[str] = []
    preconditions: str = ""
    resources: str = ""

    def is_empty(self) -> bool:
        return self == Collect()


class Note(_Record):
    """A dated monitoring note taken while an iteration runs."""

    id: str = Field(min_length=1, max_length=64)
    at: AwareDatetime
    author: str = ""
    text: str = Field(min_length=1)


class Evaluation(_Record):
    findings: str = ""
    value_levels: list[str] = []
    outcome_levels: list[str] = []
    principles: list[str] = []
    at: AwareDatetime


class Decision(_Record):
    kind: DecisionKind
    rationale: str = Field(min_length=1)
    at: AwareDatetime
    route_to: str | None = None  # key of the cycle an "other route" decision opened


class Iteration(_Record):
    """One pass through collect, run and monitor, evaluate, ending in a decision."""

    number: int = Field(ge=1)
    phase: Phase = Phase.COLLECT
    opened_at: AwareDatetime
    due_on: date
    collect: Collect = Collect()
    context: str = ""
    started_at: AwareDatetime | None = None
    notes: list[Note] = []
    evaluation: Evaluation | None = None
    decision: Decision | None = None


class Cycle(_Record):
    """One activity's line of development; the aggregate every change goes through."""

    key: str = Field(pattern=r"^[a-z0-9][a-z0-9_.-]*$", max_length=80)
    name: str = Field(min_length=1, max_length=200)
    activity_type: str
    scale: str
    level: str
    cadence_days: int = Field(gt=0, le=3650)
    owner: str = ""
    owner_email: str = ""
    stakeholders: list[str] = []
    description: str = ""
    status: Status = Status.ACTIVE
    created_at: AwareDatetime
    ended_at: AwareDatetime | None = None
    iterations: list[Iteration] = Field(min_length=1)
    version: int = 0  # optimistic concurrency: the version this copy was read at

    @property
    def current(self) -> Iteration:
        return self.iterations[-1]

    @property
    def phase(self) -> Phase:
        return self.current.phase

    @property
    def active(self) -> bool:
        return self.status is Status.ACTIVE

    @property
    def due_on(self) -> date | None:
        """The date the current evaluation is due; None once evaluated or ended."""
        if not self.active or self.phase not in (Phase.COLLECT, Phase.RUN):
            return None
        return self.current.due_on

    def iteration(self, number: int) -> Iteration:
        for it in self.iterations:
            if it.number == number:
                return it
        raise KeyError(number)


class CycleSummary(_Record):
    """What the board and ``cycles list`` show of a cycle, without its history."""

    key: str
    name: str
    activity_type: str
    scale: str
    level: str
    owner: str = ""
    status: Status
    iteration: int
    phase: Phase
    due_on: date | None
    cadence_days: int
    version: int = 0

    @classmethod
    def from_row(cls, row: tuple[Any, ...]) -> CycleSummary:
        """A summary from a database row in ``SUMMARY_FIELDS`` order. The due date may come as a
        date or as ISO text (plain sqlite3); validation converts it and the enums (measured
        faster than ``model_construct`` with the conversions done by hand)."""
        return cls.model_validate(dict(zip(SUMMARY_FIELDS, row, strict=True)))

    @classmethod
    def of(cls, cycle: Cycle) -> CycleSummary:
        return cls(
            key=cycle.key,
            name=cycle.name,
            activity_type=cycle.activity_type,
            scale=cycle.scale,
            level=cycle.level,
            owner=cycle.owner,
            status=cycle.status,
            iteration=cycle.current.number,
            phase=cycle.phase,
            due_on=cycle.due_on,
            cadence_days=cycle.cadence_days,
            version=cycle.version,
        )


class Link(_Record):
    source: str
    target: str
    kind: LinkKind
    created_at: AwareDatetime
    note: str = ""


class Event(_Record):
    """One change in the append-only history: who, when, what, before and after.

    ``before`` and ``after`` hold the parts of the cycle the change touched: its header fields and
    the iterations by number (see ``cycles.history``), so a change can be shown and undone.
    """

    cycle: str
    at: AwareDatetime
    actor: str
    action: str
    summary: str = ""
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None


class Change(_Record):
    """What one user action produced: the changed cycle, cycles it created, links and events."""

    cycle: Cycle
    created: list[Cycle] = []
    links: list[Link] = []
    events: list[Event] = []
    touched: list[int] = []  # iteration numbers written (added or changed)
    removed: list[int] = []  # iteration numbers deleted (only by undo)
    unlinks: list[Link] = []  # links deleted (only by undo)
    deleted: list[str] = []  # keys of cycles deleted (only by undo of an other-route decision)
