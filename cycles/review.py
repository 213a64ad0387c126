"""The programme review: what the cycles produced in a period, for partners, the board and funders.

Pure: it takes cycles, the community and a clock reading and returns a :class:`Review`, which the
writers in ``storage.formats`` render as Markdown, HTML or XLSX. Days are calendar days in the
community's zone. "As of" is the end of the period, or today when the period has not ended yet.

- Cycles *running* in the period: created on or before its last day and not ended before its first.
- Iterations *completed*: decided within the period (next step, other route, drop).
- Evaluations *overdue*: as of that day, the iteration then open had not been evaluated and its
  due date had passed.
- Value creation, outcome levels and design principles: counted over the evaluations made in the
  period; a principle no evaluation named is *missing*.
- Funding routes (the community's funding types, ``funding = true`` in its file, unless told
  otherwise): each runs from the day it
  was created to the day it ended or, while it runs, to its next evaluation or the as-of day,
  whichever is later. Overlaps are pairs of routes running at once (the overlap model wants them);
  gaps are days of the period when no route runs (a risk).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from itertools import islice
from typing import NamedTuple
from zoneinfo import ZoneInfo

from cycles.community import Community
from cycles.periods import Period, PeriodError, between, period, quarter_of
from cycles.review_records import (
    CycleLike,
    CycleRecord,
    DecisionLike,
    DecisionRecord,
    EvaluationLike,
    EvaluationRecord,
    IterationLike,
    IterationRecord,
)

__all__ = [  # the periods and the records it reads are named here too, where callers look
    "CycleLike",
    "CycleRecord",
    "DecisionLike",
    "DecisionRecord",
    "DecisionRow",
    "EvaluationLike",
    "EvaluationRecord",
    "Gap",
    "IterationLike",
    "IterationRecord",
    "OverdueRow",
    "Overlap",
    "Period",
    "PeriodError",
    "Review",
    "Segment",
    "Span",
    "TimelineRow",
    "TypeCount",
    "between",
    "build",
    "period",
    "quarter_of",
]  # fmt: skip

# -- the content ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TypeCount:
    scale: str
    activity_type: str
    count: int


@dataclass(frozen=True)
class DecisionRow:
    cycle: str
    name: str
    scale: str
    activity_type: str
    iteration: int
    kind: str  # next, route, drop
    rationale: str
    on: date
    route_to: str | None = None


@dataclass(frozen=True)
class OverdueRow:
    cycle: str
    name: str
    scale: str
    activity_type: str
    owner: str
    iteration: int
    due_on: date
    days: int  # days past due, as of the review day


@dataclass(frozen=True)
class Span:
    cycle: str
    name: str
    start: date
    end: date  # inclusive
    running: bool  # still active: the end is planned, not final


class Overlap(NamedTuple):  # a named tuple: a review of 10,000 cycles can list 100,000s of them
    first: str
    second: str
    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


@dataclass(frozen=True)
class Gap:
    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


class Segment(NamedTuple):  # one per iteration in the period: a named tuple is quicker to make
    iteration: int
    start: date
    end: date
    outcome: str  # next, route, drop, or open
    due_on: date


@dataclass(frozen=True)
class TimelineRow:
    cycle: str
    name: str
    scale: str
    activity_type: str
    segments: tuple[Segment, ...]


@dataclass
class Review:
    community: str
    period: Period
    as_of: date
    generated: datetime
    scales: tuple[str, ...] = ()  # the filters the review was made with; empty means all
    types: tuple[str, ...] = ()
    running: int = 0
    running_by_type: list[TypeCount] = field(default_factory=list)
    completed: list[DecisionRow] = field(default_factory=list)
    decisions: dict[str, int] = field(default_factory=dict)
    evaluations: int = 0
    overdue: list[OverdueRow] = field(default_factory=list)
    value_levels: list[tuple[str, int]] = field(default_factory=list)
    outcome_levels: list[tuple[str, int]] = field(default_factory=list)
    principles_covered: list[tuple[str, int]] = field(default_factory=list)
    principles_missing: list[str] = field(default_factory=list)
    funding: list[Span] = field(default_factory=list)
    overlaps: list[Overlap] = field(default_factory=list)
    gaps: list[Gap] = field(default_factory=list)
    timeline: list[TimelineRow] = field(default_factory=list)


def build(
    cycles: Sequence[CycleLike],
    community: Community,
    within: Period,
    *,
    now: datetime,
    funding_types: tuple[str, ...] | None = None,
    scales: tuple[str, ...] = (),
    types: tuple[str, ...] = (),
) -> Review:
    """The review of ``cycles`` (already filtered by ``scales`` and ``types``) over ``within``;
    ``funding_types``: the activity types that are funding routes (default: the community's)."""
    if funding_types is None:
        funding_types = community.funding_types
    zone = community.zone
    local_date = _local_dates(zone)
    today = local_date(now)
    as_of = min(today, within.end)
    review = Review(community.name, within, as_of, now, scales=scales, types=types)
    scale_rank = {s: i for i, s in enumerate(community.scale_keys)}
    type_rank = {t.key: i for i, t in enumerate(community.activity_types)}
    running_count: Counter[tuple[str, str]] = Counter()
    values: Counter[str] = Counter()
    outcomes: Counter[str] = Counter()
    principles: Counter[str] = Counter()
    funding: list[Span] = []
    for cycle in cycles:
        created = local_date(cycle.created_at)
        ended = local_date(cycle.ended_at) if cycle.ended_at else None
        if created > within.end or (ended is not None and ended < within.start):
            continue
        running_count[(cycle.scale, cycle.activity_type)] += 1
        segments = []
        days: list[tuple[date, date | None]] = []  # each iteration's opening and evaluation day
        for it in cycle.iterations:
            ev, dec = it.evaluation, it.decision
            opened = local_date(it.opened_at)
            evaluated = None
            if ev is not None:
                evaluated = local_date(ev.at)
                if evaluated in within:
                    review.evaluations += 1
                    values.update(ev.value_levels)
                    outcomes.update(ev.outcome_levels)
                    principles.update(ev.principles)
            days.append((opened, evaluated))
            if dec is not None:
                decided = local_date(dec.at)
                if decided in within:
                    review.completed.append(
                        DecisionRow(
                            cycle.key,
                            cycle.name,
                            cycle.scale,
                            cycle.activity_type,
                            it.number,
                            str(dec.kind),
                            dec.rationale,
                            decided,
                            dec.route_to,
                        )
                    )
                segment = Segment(it.number, opened, decided, str(dec.kind), it.due_on)
            else:
                segment = Segment(it.number, opened, max(opened, as_of), "open", it.due_on)
            if segment.start <= within.end and segment.end >= within.start:
                segments.append(segment)
        late = _overdue(cycle, created, ended, days, as_of)
        if late is not None:
            review.overdue.append(late)
        if segments:
            review.timeline.append(
                TimelineRow(cycle.key, cycle.name, cycle.scale, cycle.activity_type, tuple(segments))
            )
        if cycle.activity_type in funding_types:
            end = ended if ended is not None else max(cycle.iterations[-1].due_on, as_of)
            funding.append(Span(cycle.key, cycle.name, created, end, ended is None))
    review.running = sum(running_count.values())
    review.running_by_type = [
        TypeCount(scale, kind, n)
        for (scale, kind), n in sorted(
            running_count.items(),
            key=lambda kv: (scale_rank.get(kv[0][0], 99), type_rank.get(kv[0][1], 99), kv[0]),
        )
    ]
    review.completed.sort(key=lambda d: (d.on, d.cycle, d.iteration))
    review.decisions = {k: sum(1 for d in review.completed if d.kind == k) for k in ("next", "route", "drop")}
    review.overdue.sort(key=lambda o: (-o.days, o.cycle))
    review.value_levels = [(v.key, values[v.key]) for v in community.value_levels]
    review.outcome_levels = [(o.key, outcomes[o.key]) for o in community.outcome_levels]
    review.principles_covered = [
        (p.key, principles[p.key]) for p in community.principles if principles[p.key]
    ]
    review.principles_missing = [p.key for p in community.principles if not principles[p.key]]
    review.timeline.sort(key=lambda r: (scale_rank.get(r.scale, 99), r.segments[0].start, r.cycle))
    funding = [s for s in funding if s.start <= within.end and s.end >= within.start]
    funding.sort(key=lambda s: (s.start, s.cycle))
    review.funding = funding
    review.overlaps = _overlaps(funding, within)
    review.gaps = _gaps(funding, within)
    return review


def _local_dates(zone: ZoneInfo) -> Callable[[datetime], date]:
    """The calendar day in ``zone`` of an aware instant (``cadence.local_date`` without its check:
    the records come from storage, and a review converts hundreds of thousands of instants)."""

    def local_date(at: datetime) -> date:
        return at.astimezone(zone).date()

    return local_date


def _overdue(
    cycle: CycleLike, created: date, ended: date | None, days: list[tuple[date, date | None]], as_of: date
) -> OverdueRow | None:
    """The cycle's evaluation that was overdue on ``as_of``, if any (``days``: each iteration's
    opening and evaluation day, in the zone of the review)."""
    if created > as_of:
        return None
    if ended is not None and ended <= as_of:
        return None
    open_then = None
    for it, (opened, evaluated) in zip(cycle.iterations, days, strict=True):
        if opened > as_of:
            break
        open_then = it, evaluated
    if open_then is None:
        return None
    it, evaluated = open_then
    if evaluated is not None and evaluated <= as_of:
        return None
    if it.due_on >= as_of:
        return None
    return OverdueRow(
        cycle.key, cycle.name, cycle.scale, cycle.activity_type, cycle.owner,
        it.number, it.due_on, (as_of - it.due_on).days,
    )  # fmt: skip


def _overlaps(spans: list[Span], within: Period) -> list[Overlap]:
    found: list[Overlap] = []
    first, last = within.start, within.end
    bounds = [(s.start, s.end, s.cycle) for s in spans]
    append, make = found.append, Overlap._make
    for i, (a_start, a_end, a_cycle) in enumerate(bounds):
        a_start = max(a_start, first)
        a_end = min(a_end, last)
        for b_start, b_end, b_cycle in islice(bounds, i + 1, None):
            if b_start > a_end:
                break  # sorted by start: no later route overlaps a (within the period)
            start = b_start if b_start > a_start else a_start
            end = b_end if b_end < a_end else a_end
            if start <= end:
                append(make((a_cycle, b_cycle, start, end)))
    return found


def _gaps(spans: list[Span], within: Period) -> list[Gap]:
    gaps = []
    cursor = within.start  # the first day not yet known to be covered
    for s in spans:
        if s.start > cursor:
            gaps.append(Gap(cursor, min(s.start - timedelta(days=1), within.end)))
        cursor = max(cursor, s.end + timedelta(days=1))
        if cursor > within.end:
            break
    if cursor <= within.end:
        gaps.append(Gap(cursor, within.end))
    return [g for g in gaps if g.start <= g.end]
