"""The values of the tables' rows for the domain's records, and the records built from rows
(``SqlCycleRepository`` and ``storage.workspace``)."""

from __future__ import annotations

from typing import Any

from cycles.model import Collect, Cycle, Decision, Evaluation, Event, Iteration, Note, Phase


def cycle_values(cycle: Cycle) -> dict[str, Any]:
    return {
        "key": cycle.key,
        "name": cycle.name,
        "activity_type": cycle.activity_type,
        "scale": cycle.scale,
        "level": cycle.level,
        "cadence_days": cycle.cadence_days,
        "owner": cycle.owner,
        "owner_email": cycle.owner_email,
        "stakeholders": list(cycle.stakeholders),
        "description": cycle.description,
        "status": cycle.status.value,
        "created_at": cycle.created_at,
        "ended_at": cycle.ended_at,
        "iteration": cycle.current.number,
        "phase": cycle.phase.value,
        "due_on": cycle.due_on,
    }


def iteration_values(cycle_id: int, it: Iteration) -> dict[str, Any]:
    ev, dec = it.evaluation, it.decision
    return {
        "cycle_id": cycle_id,
        "number": it.number,
        "phase": it.phase.value,
        "opened_at": it.opened_at,
        "due_on": it.due_on,
        "need": it.collect.need,
        "stakeholders_involved": list(it.collect.stakeholders_involved),
        "stakeholders_needed": list(it.collect.stakeholders_needed),
        "preconditions": it.collect.preconditions,
        "resources": it.collect.resources,
        "context": it.context,
        "started_at": it.started_at,
        "evaluated_at": ev.at if ev else None,
        "findings": ev.findings if ev else None,
        "value_levels": list(ev.value_levels) if ev else None,
        "outcome_levels": list(ev.outcome_levels) if ev else None,
        "principles": list(ev.principles) if ev else None,
        "decision": dec.kind.value if dec else None,
        "rationale": dec.rationale if dec else None,
        "decided_at": dec.at if dec else None,
        "route_to": dec.route_to if dec else None,
    }


def note_values(cycle_id: int, number: int, note: Note) -> dict[str, Any]:
    return {
        "id": note.id,
        "cycle_id": cycle_id,
        "iteration": number,
        "at": note.at,
        "author": note.author,
        "text": note.text,
    }


def event_values(event: Event) -> dict[str, Any]:
    return event.model_dump(mode="python", exclude={"before", "after"}) | {
        "before": event.before,
        "after": event.after,
    }


def build_iteration(row: Any, notes: list[Note]) -> Iteration:
    evaluation = None
    if row.evaluated_at is not None:
        evaluation = Evaluation(
            at=row.evaluated_at,
            findings=row.findings or "",
            value_levels=row.value_levels or [],
            outcome_levels=row.outcome_levels or [],
            principles=row.principles or [],
        )
    decision = None
    if row.decision is not None:
        decision = Decision(
            kind=row.decision, rationale=row.rationale, at=row.decided_at, route_to=row.route_to
        )
    return Iteration(
        number=row.number,
        phase=Phase(row.phase),
        opened_at=row.opened_at,
        due_on=row.due_on,
        collect=Collect(
            need=row.need,
            stakeholders_involved=row.stakeholders_involved,
            stakeholders_needed=row.stakeholders_needed,
            preconditions=row.preconditions,
            resources=row.resources,
        ),
        context=row.context,
        started_at=row.started_at,
        notes=notes,
        evaluation=evaluation,
        decision=decision,
    )
