"""What the programme review (``cycles.review``) reads of each cycle: protocols that domain
cycles satisfy, and light records that storage builds for a review of many thousands of cycles."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import NamedTuple, Protocol

# -- what the review reads ---------------------------------------------------------------------------
# Domain records (``cycles.model.Cycle``) satisfy these protocols; so do the light records below,
# which storage builds for a review of many thousands of cycles without validating them again.


class EvaluationLike(Protocol):
    @property
    def at(self) -> datetime: ...
    @property
    def value_levels(self) -> list[str]: ...
    @property
    def outcome_levels(self) -> list[str]: ...
    @property
    def principles(self) -> list[str]: ...


class DecisionLike(Protocol):
    @property
    def at(self) -> datetime: ...
    @property
    def kind(self) -> str: ...  # next, route, drop (DecisionKind is a str)
    @property
    def rationale(self) -> str: ...
    @property
    def route_to(self) -> str | None: ...


class IterationLike(Protocol):
    @property
    def number(self) -> int: ...
    @property
    def opened_at(self) -> datetime: ...
    @property
    def due_on(self) -> date: ...
    @property
    def evaluation(self) -> EvaluationLike | None: ...
    @property
    def decision(self) -> DecisionLike | None: ...


class CycleLike(Protocol):
    @property
    def key(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def scale(self) -> str: ...
    @property
    def activity_type(self) -> str: ...
    @property
    def owner(self) -> str: ...
    @property
    def created_at(self) -> datetime: ...
    @property
    def ended_at(self) -> datetime | None: ...
    @property
    def iterations(self) -> Sequence[IterationLike]: ...


class EvaluationRecord(NamedTuple):
    at: datetime
    value_levels: list[str]
    outcome_levels: list[str]
    principles: list[str]


class DecisionRecord(NamedTuple):
    at: datetime
    kind: str
    rationale: str
    route_to: str | None


class IterationRecord(NamedTuple):
    number: int
    opened_at: datetime
    due_on: date
    evaluation: EvaluationRecord | None
    decision: DecisionRecord | None


class CycleRecord(NamedTuple):
    key: str
    name: str
    scale: str
    activity_type: str
    owner: str
    created_at: datetime
    ended_at: datetime | None
    iterations: Sequence[IterationRecord]
