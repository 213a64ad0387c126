"""The iterate loop as pure transitions: each takes a cycle and a clock and returns a ``Change``.

The states of the current iteration and what each allows:

- collect: record collect findings (repeatable), start the run
- run: add monitoring notes, evaluate
- evaluate: amend the evaluation, decide (next step, other route, drop)
- decided: nothing; a next step has already opened the following iteration, or the cycle ended

An ended cycle (dropped, or rerouted to another route) allows nothing but reading its history.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from pydantic import ValidationError

from cycles import history
from cycles.cadence import due_on
from cycles.community import Community
from cycles.errors import TransitionError
from cycles.i18n import _
from cycles.model import (
    Change,
    Cycle,
    Decision,
    DecisionKind,
    Evaluation,
    Event,
    Iteration,
    Link,
    LinkKind,
    Note,
    Phase,
    Status,
    utc_datetime,
)

ALLOWED: dict[Phase, list[str]] = {
    Phase.COLLECT: ["collect", "start", "edit", "link"],
    Phase.RUN: ["note", "evaluate", "edit", "link"],
    Phase.EVALUATE: ["evaluate", "decide", "edit", "link"],
    Phase.DECIDED: ["link"],
}


def allowed_actions(cycle: Cycle) -> list[str]:
    """The actions the cycle's current state allows (what the interface offers)."""
    if not cycle.active:
        return ["link"]
    return list(ALLOWED[cycle.phase])


def _require(cycle: Cycle, action: str) -> None:
    if not cycle.active:
        status = {Status.DROPPED: _("dropped"), Status.REROUTED: _("rerouted")}.get(
            cycle.status, cycle.status.value
        )
        raise TransitionError(
            _(
                "{key} is {status}: its history is kept but it can no longer be changed (cannot {action})"
            ).format(key=cycle.key, status=status, action=action)
        )
    allowed = ALLOWED[cycle.phase]
    if action not in allowed:
        phase = {
            Phase.COLLECT: _("collect"),
            Phase.RUN: _("run"),
            Phase.EVALUATE: _("evaluate"),
            Phase.DECIDED: _("decided"),
        }[cycle.phase]
        raise TransitionError(
            _("{key}: cannot {action} in iteration {n}, which is at {phase}; allowed now: {allowed}").format(
                key=cycle.key, action=action, n=cycle.current.number, phase=phase, allowed=", ".join(allowed)
            )
        )


def _validated(key: str, data: dict[str, Any]) -> Cycle:
    """A cycle from ``data``, or a TransitionError naming the field and why (never a raw
    validation error: the interface shows domain errors as one line)."""
    try:
        return Cycle.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        field = ".".join(str(p) for p in err["loc"]) or "cycle"
        raise TransitionError(f"{key}: {field}: {err['msg']}") from exc


def slugify(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return (slug or "cycle")[:60]


def _clean(items: Iterable[str]) -> list[str]:
    seen: list[str] = []
    for item in items:
        item = item.strip()
        if item and item not in seen:
            seen.append(item)
    return seen


# -- creating ---------------------------------------------------------------------------------


def new_cycle(
    community: Community,
    *,
    key: str,
    name: str,
    activity_type: str,
    now: datetime,
    actor: str,
    owner: str = "",
    owner_email: str = "",
    stakeholders: Iterable[str] = (),
    description: str = "",
    cadence_days: int | None = None,
    level: str | None = None,
) -> Change:
    """A new cycle at iteration 1, collect; its cadence defaults to its level's."""
    utc_datetime(now)
    kind = community.activity_type(activity_type)
    level_key = level or kind.level
    lv = community.level(kind.scale, level_key)
    cadence = cadence_days if cadence_days is not None else lv.cadence
    if cadence <= 0:
        raise TransitionError(f"{key}: cadence must be a positive number of days, not {cadence}")
    first = Iteration(number=1, opened_at=now, due_on=due_on(now, cadence, community.zone))
    cycle = _validated(
        key,
        {
            "key": key,
            "name": name.strip(),
            "activity_type": kind.key,
            "scale": kind.scale,
            "level": lv.key,
            "cadence_days": cadence,
            "owner": owner.strip(),
            "owner_email": owner_email.strip(),
            "stakeholders": _clean(stakeholders),
            "description": description,
            "created_at": now,
            "iterations": [first],
        },
    )
    event = history.record(None, cycle, action="create", actor=actor, at=now, summary=name, numbers=[1])
    return Change(cycle=cycle, events=[event], touched=[1])


_EDITABLE = {"name", "owner", "owner_email", "stakeholders", "description", "cadence_days"}


def edit(cycle: Cycle, community: Community, *, now: datetime, actor: str, **fields: object) -> Change:
    """Change a cycle's header: name, owner, stakeholders, description or cadence.

    A new cadence moves the current iteration's due date (counted from when it opened).
    """
    _require(cycle, "edit")
    unknown = set(fields) - _EDITABLE
    if unknown:
        raise TransitionError(f"{cycle.key}: cannot edit {', '.join(sorted(unknown))}")
    data = cycle.model_dump()
    data.update({k: v for k, v in fields.items() if v is not None})
    if "stakeholders" in fields and fields["stakeholders"] is not None:
        data["stakeholders"] = _clean(fields["stakeholders"])  # type: ignore[arg-type]
    new = _validated(cycle.key, data)
    if new.cadence_days != cycle.cadence_days:
        new.current.due_on = due_on(new.current.opened_at, new.cadence_days, community.zone)
    changed = sorted(k for k in fields if getattr(new, k) != getattr(cycle, k))
    n = cycle.current.number
    event = history.record(
        cycle, new, action="edit", actor=actor, at=now, summary=", ".join(changed), numbers=[n]
    )
    return Change(cycle=new, events=[event], touched=[n])


# -- the three steps ----------------------------------------------------------------------------


def _with_own_current(cycle: Cycle) -> Cycle:
    """A copy whose current iteration and top-level fields may change; the earlier iterations,
    which no transition changes, are shared (read-only, as every record). Cheaper than deep."""
    own = cycle.current.model_copy(deep=True)
    return cycle.model_copy(update={"iterations": [*cycle.iterations[:-1], own]})


def _step(cycle: Cycle, action: str, now: datetime, actor: str, summary: str, apply: object) -> Change:
    utc_datetime(now)
    _require(cycle, action)
    new = cycle.model_copy(deep=True)
    apply(new)  # type: ignore[operator]
    n = cycle.current.number
    event = history.record(cycle, new, action=action, actor=actor, at=now, summary=summary, numbers=[n])
    return Change(cycle=new, events=[event], touched=[n])


def record_collect(
    cycle: Cycle,
    *,
    now: datetime,
    actor: str,
    need: str | None = None,
    stakeholders_involved: Iterable[str] | None = None,
    stakeholders_needed: Iterable[str] | None = None,
    preconditions: str | None = None,
    resources: str | None = None,
) -> Change:
    """Record (or amend) what the collect step found; fields left None keep their value."""

    def apply(new: Cycle) -> None:
        c = new.current.collect.model_copy()
        if need is not None:
            c.need = need.strip()
        if stakeholders_involved is not None:
            c.stakeholders_involved = _clean(stakeholders_involved)
        if stakeholders_needed is not None:
            c.stakeholders_needed = _clean(stakeholders_needed)
        if preconditions is not None:
            c.preconditions = preconditions.strip()
        if resources is not None:
            c.resources = resources.strip()
        new.current.collect = c

    return _step(cycle, "collect", now, actor, (need or "").strip()[:80], apply)


def start_run(cycle: Cycle, *, now: datetime, actor: str, context: str = "") -> Change:
    """Set the iteration up in one concrete context and start running it."""

    def apply(new: Cycle) -> None:
        new.current.phase = Phase.RUN
        new.current.started_at = now
        new.current.context = context.strip()

    return _step(cycle, "start", now, actor, context.strip()[:80], apply)


def add_note(cycle: Cycle, *, now: datetime, actor: str, text: str) -> Change:
    """Add a dated monitoring note to the running iteration."""
    if not text.strip():
        raise TransitionError(_("{key}: a monitoring note needs text").format(key=cycle.key))

    def apply(new: Cycle) -> None:
        # Storage reads notes back ordered by (time, id): the id starts with a sequence number so
        # notes taken at one instant keep their order, and the list is kept in that same order so
        # what was written is what is read (undo compares the two).
        seq = len(new.current.notes) + 1
        note = Note(id=f"{seq:06d}-{uuid.uuid4().hex[:24]}", at=now, author=actor, text=text.strip())
        new.current.notes = sorted([*new.current.notes, note], key=lambda n: (n.at, n.id))

    return _step(cycle, "note", now, actor, text.strip()[:80], apply)


def evaluate(
    cycle: Cycle,
    community: Community,
    *,
    now: datetime,
    actor: str,
    findings: str = "",
    value_levels: Iterable[str] = (),
    outcome_levels: Iterable[str] = (),
    principles: Iterable[str] = (),
) -> Change:
    """Record the evaluation (or amend it before deciding); keys must be in the community's vocabulary."""
    values, outcomes, checked = _clean(value_levels), _clean(outcome_levels), _clean(principles)
    community.check_keys("value_levels", values)
    community.check_keys("outcome_levels", outcomes)
    community.check_keys("principles", checked)

    def apply(new: Cycle) -> None:
        new.current.phase = Phase.EVALUATE
        new.current.evaluation = Evaluation(
            findings=findings.strip(),
            value_levels=values,
            outcome_levels=outcomes,
            principles=checked,
            at=now,
        )

    return _step(cycle, "evaluate", now, actor, findings.strip()[:80], apply)


# -- the decision -------------------------------------------------------------------------------


def decide(
    cycle: Cycle,
    community: Community,
    *,
    kind: DecisionKind,
    why: str,
    now: datetime,
    actor: str,
    route_key: str | None = None,
    route_name: str | None = None,
    route_type: str | None = None,
    carry: Iterable[str] = (),
) -> Change:
    """Decide after the evaluation.

    - next: opens iteration n+1 at collect, due one cadence from now;
    - route: ends this line and opens a new cycle linked to it (route of); ``carry`` names what
      it takes over: any of "owner", "stakeholders", "collect" (the findings of this iteration);
    - drop: ends the cycle; it leaves the board and keeps its history.
    """
    utc_datetime(now)
    _require(cycle, "decide")
    if not why.strip():
        raise TransitionError(_("{key}: a decision needs a rationale (--why)").format(key=cycle.key))
    new = _with_own_current(cycle)
    n = cycle.current.number
    decision = Decision(kind=kind, rationale=why.strip(), at=now)
    numbers = [n]
    created: list[Cycle] = []
    links: list[Link] = []
    extra: dict[str, object] = {}
    route_events: list[Event] = []
    if kind is DecisionKind.NEXT:
        new.current.decision = decision
        new.current.phase = Phase.DECIDED
        nxt = Iteration(number=n + 1, opened_at=now, due_on=due_on(now, cycle.cadence_days, community.zone))
        new.iterations = [*new.iterations, nxt]
        numbers = [n, n + 1]
    elif kind is DecisionKind.ROUTE:
        carried = set(carry)
        bad = carried - {"owner", "stakeholders", "collect"}
        if bad:
            raise TransitionError(f"{cycle.key}: cannot carry over {', '.join(sorted(bad))}")
        key = route_key or f"{cycle.key}-route"
        if key == cycle.key:
            raise TransitionError(f"{cycle.key}: the other route needs a key of its own")
        route = new_cycle(
            community,
            key=key,
            name=route_name or _("{name} (other route)").format(name=cycle.name),
            activity_type=route_type or cycle.activity_type,
            now=now,
            actor=actor,
            owner=cycle.owner if "owner" in carried else "",
            owner_email=cycle.owner_email if "owner" in carried else "",
            stakeholders=cycle.stakeholders if "stakeholders" in carried else (),
            description=_("Other route of {name}: {why}").format(name=cycle.name, why=why.strip()),
            # Same type: keep a cadence the user tuned; another type starts from its own default.
            cadence_days=cycle.cadence_days if route_type in (None, cycle.activity_type) else None,
        )
        routed = route.cycle
        if "collect" in carried:
            routed.current.collect = cycle.current.collect.model_copy(deep=True)
            route.events[0].after = history.snapshot(routed, [1])
        created.append(routed)
        links.append(Link(source=routed.key, target=cycle.key, kind=LinkKind.ROUTE_OF, created_at=now))
        decision.route_to = routed.key
        new.current.decision = decision
        new.current.phase = Phase.DECIDED
        new.status = Status.REROUTED
        new.ended_at = now
        extra = {"created": routed.key}
        route_events = route.events
    else:
        new.current.decision = decision
        new.current.phase = Phase.DECIDED
        new.status = Status.DROPPED
        new.ended_at = now
    event = history.record(
        cycle,
        new,
        action=f"decide-{kind.value}",
        actor=actor,
        at=now,
        summary=why.strip()[:80],
        numbers=numbers,
        extra=extra,
    )
    events = [event, *route_events]
    return Change(cycle=new, created=created, links=links, events=events, touched=numbers)


def link(
    source: Cycle, target: Cycle, kind: LinkKind, *, now: datetime, actor: str, note: str = ""
) -> Change:
    """Link two cycles (coherence). A cycle cannot link to itself."""
    utc_datetime(now)
    if source.key == target.key:
        raise TransitionError(_("{key}: a cycle cannot be linked to itself").format(key=source.key))
    new_link = Link(source=source.key, target=target.key, kind=kind, created_at=now, note=note)
    event = history.record(
        source,
        source,
        action="link",
        actor=actor,
        at=now,
        summary=f"{kind.value} {target.key}",
        numbers=[],
        extra={"link": new_link.model_dump(mode="json")},
    )
    return Change(cycle=source, links=[new_link], events=[event])
