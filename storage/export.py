"""Reading a whole (filtered) portfolio for export and review, in a few bulk queries.

One query per table (cycles, iterations, notes, links, events), whatever the number of cycles,
in one read-only unit of work. The result is the portfolio document: the shape of the JSON export
and of the portfolio import format (``cycles.portfolio``), with stable ordering and without
volatile fields (database ids, row versions), so that export, import, export gives identical bytes.
The review reads the same rows as domain records (:func:`read_cycles`).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Select, and_, select, type_coerce
from sqlalchemy.orm import aliased
from sqlalchemy.types import NullType

from cycles.model import (
    Collect,
    Cycle,
    Decision,
    DecisionKind,
    Evaluation,
    Iteration,
    Link,
    LinkKind,
    Note,
    Phase,
    Status,
)
from storage.formats.safety import iso
from storage.store import Store
from storage.tables import CycleRow, EventRow, IterationRow, LinkRow, NoteRow

FORMAT_VERSION = 1

_CYCLES = CycleRow.__table__  # type: ignore[attr-defined]
_ITERATIONS = IterationRow.__table__  # type: ignore[attr-defined]
_NOTES = NoteRow.__table__  # type: ignore[attr-defined]
_LINKS = LinkRow.__table__  # type: ignore[attr-defined]
_EVENTS = EventRow.__table__  # type: ignore[attr-defined]
C, I, N, L, E = _CYCLES.c, _ITERATIONS.c, _NOTES.c, _LINKS.c, _EVENTS.c  # noqa: E741


@dataclass(frozen=True)
class Selection:
    """Which cycles to export: any of ``scales`` and any of ``types``; empty means all."""

    scales: tuple[str, ...] = ()
    types: tuple[str, ...] = ()

    @property
    def everything(self) -> bool:
        return not self.scales and not self.types

    def where(self, query: Select[Any]) -> Select[Any]:
        conditions = []
        if self.scales:
            conditions.append(C.scale.in_(self.scales))
        if self.types:
            conditions.append(C.activity_type.in_(self.types))
        return query.where(and_(*conditions)) if conditions else query


ALL = Selection()


@dataclass
class Rows:
    """The raw rows of one selection, each list in export order."""

    cycles: Sequence[Any] = ()
    iterations: Sequence[Any] = ()
    notes: Sequence[Any] = ()
    links: Sequence[Any] = ()
    events: Sequence[Any] = ()


def _raw(column: Any, name: str | None = None) -> Any:
    """A column read as the driver returns it, without SQLAlchemy's per-value result processing
    (converting 700,000 datetimes and JSON values one by one costs seconds; see :func:`_ts`)."""
    return type_coerce(column, NullType()).label(name or column.name)


def read_rows(store: Store, selection: Selection = ALL) -> Rows:
    """All rows of the selected cycles, in five queries and one read-only transaction."""
    chosen = selection.where(select(C.id))
    rows = Rows()
    with store.read() as repo:
        session = repo.session
        cycle_cols = [_raw(col) for col in _CYCLES.columns]
        rows.cycles = session.execute(selection.where(select(*cycle_cols)).order_by(C.key)).all()
        its = select(*[_raw(col) for col in _ITERATIONS.columns], C.key.label("cycle_key"))
        its = its.join(_CYCLES, C.id == I.cycle_id)
        rows.iterations = session.execute(selection.where(its).order_by(C.key, I.number)).all()
        notes = select(*[_raw(col) for col in _NOTES.columns], C.key.label("cycle_key"))
        notes = notes.join(_CYCLES, C.id == N.cycle_id)
        rows.notes = session.execute(selection.where(notes).order_by(C.key, N.iteration, N.at, N.id)).all()
        src, tgt = aliased(_CYCLES), aliased(_CYCLES)
        links = (
            select(
                src.c.key.label("source"),
                tgt.c.key.label("target"),
                L.kind,
                _raw(L.created_at),
                L.note,
            )
            .join(src, src.c.id == L.source_id)
            .join(tgt, tgt.c.id == L.target_id)
        )
        if not selection.everything:
            links = links.where(L.source_id.in_(chosen), L.target_id.in_(chosen))
        rows.links = session.execute(links.order_by(src.c.key, tgt.c.key, L.kind)).all()
        events = select(E.cycle, _raw(E.at), E.actor, E.action, E.summary, _raw(E.before), _raw(E.after))
        if not selection.everything:
            events = events.where(E.cycle.in_(selection.where(select(C.key))))
        rows.events = session.execute(events.order_by(E.id)).all()
    return rows


# -- raw values -----------------------------------------------------------------------------------


def _ts(value: Any) -> str | None:
    """A stored instant as ISO 8601 UTC text (``iso``), fast for SQLite's stored text
    ``YYYY-MM-DD HH:MM:SS.ffffff`` (UTC), exact for the drivers that return datetimes."""
    if value is None:
        return None
    if isinstance(value, str):
        if len(value) == 26 and value[10] == " " and value[19] == ".":
            if value.endswith(".000000"):
                return f"{value[:10]}T{value[11:19]}Z"
            return f"{value[:10]}T{value[11:]}Z"
        value = _dt(value)
    return iso(value)


def _dt(value: Any) -> Any:
    """A stored instant as an aware UTC datetime."""
    if value is None or isinstance(value, datetime):
        return value.astimezone(UTC) if value is not None else None
    parsed = datetime.fromisoformat(value)
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def _day(value: Any) -> Any:
    """A stored date as ISO text."""
    if value is None:
        return None
    return value[:10] if isinstance(value, str) else value.isoformat()


def _js(value: Any) -> Any:
    """A stored JSON value (SQLite gives text, psycopg parsed values)."""
    return json.loads(value) if isinstance(value, str) else value


# -- the portfolio document ---------------------------------------------------------------------


def _event(r: Any) -> dict[str, Any]:
    return {
        "action": r.action,
        "actor": r.actor,
        "after": _js(r.after),
        "at": _ts(r.at),
        "before": _js(r.before),
        "cycle": r.cycle,
        "summary": r.summary,
    }


def _iteration(r: Any, notes: list[dict[str, Any]]) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "opened": _ts(r.opened_at),
        "due_on": _day(r.due_on),
        "collect": {
            "need": r.need,
            "stakeholders_involved": _js(r.stakeholders_involved),
            "stakeholders_needed": _js(r.stakeholders_needed),
            "preconditions": r.preconditions,
            "resources": r.resources,
        },
        "context": r.context,
        "notes": notes,
    }
    if r.started_at is not None:
        doc["started"] = _ts(r.started_at)
    if r.evaluated_at is not None:
        doc["evaluation"] = {
            "at": _ts(r.evaluated_at),
            "findings": r.findings or "",
            "value_levels": _js(r.value_levels) or [],
            "outcome_levels": _js(r.outcome_levels) or [],
            "principles": _js(r.principles) or [],
        }
    if r.decision is not None:
        decision = {"at": _ts(r.decided_at), "kind": r.decision, "why": r.rationale}
        if r.route_to is not None:
            decision["route_to"] = r.route_to
        doc["decision"] = decision
    return doc


def document(rows: Rows, community: str, *, orphans: bool = True) -> dict[str, Any]:
    """The portfolio document of ``rows`` (see the module docstring).

    Events whose cycle is not in the document (the history of a route removed by undo) go into the
    top-level ``events`` list when ``orphans`` is true (an unfiltered export).
    """
    notes: dict[tuple[str, int], list[dict[str, Any]]] = defaultdict(list)
    for n in rows.notes:
        notes[(n.cycle_key, n.iteration)].append(
            {"id": n.id, "at": _ts(n.at), "author": n.author, "text": n.text}
        )
    iterations: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in rows.iterations:
        iterations[r.cycle_key].append(_iteration(r, notes.get((r.cycle_key, r.number), [])))
    events: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for e in rows.events:
        events[e.cycle].append(_event(e))
    cycles = []
    for c in rows.cycles:
        cycles.append(
            {
                "key": c.key,
                "name": c.name,
                "type": c.activity_type,
                "level": c.level,
                "cadence_days": c.cadence_days,
                "owner": c.owner,
                "owner_email": c.owner_email,
                "stakeholders": _js(c.stakeholders),
                "description": c.description,
                "created": _ts(c.created_at),
                "iterations": iterations.pop(c.key, []),
                "events": events.pop(c.key, []),
            }
        )
    doc: dict[str, Any] = {
        "version": FORMAT_VERSION,
        "community": community,
        "cycles": cycles,
        "links": [
            {
                "source": lk.source,
                "target": lk.target,
                "kind": lk.kind,
                "created": _ts(lk.created_at),
                "note": lk.note,
            }
            for lk in rows.links
        ],
    }
    if orphans and events:
        doc["events"] = [e for key in sorted(events) for e in events[key]]
    return doc


def read_document(store: Store, community: str, selection: Selection = ALL) -> dict[str, Any]:
    """The selected cycles as a portfolio document, read in one unit of work."""
    return document(read_rows(store, selection), community, orphans=selection.everything)


# -- domain records, for the review ---------------------------------------------------------------


def cycles_of(rows: Rows) -> tuple[list[Cycle], list[Link]]:
    """Domain records of ``rows``, built without validation: the rows were valid when written,
    and validating a hundred thousand iterations again would cost seconds."""
    notes: dict[tuple[int, int], list[Note]] = defaultdict(list)
    for n in rows.notes:
        notes[(n.cycle_id, n.iteration)].append(
            Note.model_construct(id=n.id, at=_dt(n.at), author=n.author, text=n.text)
        )
    its: dict[int, list[Iteration]] = defaultdict(list)
    for r in rows.iterations:
        its[r.cycle_id].append(_domain_iteration(r, notes.get((r.cycle_id, r.number), [])))
    cycles = [
        Cycle.model_construct(
            key=c.key,
            name=c.name,
            activity_type=c.activity_type,
            scale=c.scale,
            level=c.level,
            cadence_days=c.cadence_days,
            owner=c.owner,
            owner_email=c.owner_email,
            stakeholders=_js(c.stakeholders),
            description=c.description,
            status=Status(c.status),
            created_at=_dt(c.created_at),
            ended_at=_dt(c.ended_at),
            iterations=its.get(c.id, []),
            version=c.version,
        )
        for c in rows.cycles
        if its.get(c.id)
    ]
    links = [
        Link.model_construct(
            source=lk.source,
            target=lk.target,
            kind=LinkKind(lk.kind),
            created_at=_dt(lk.created_at),
            note=lk.note,
        )
        for lk in rows.links
    ]
    return cycles, links


def _domain_iteration(r: Any, notes: list[Note]) -> Iteration:
    evaluation = None
    if r.evaluated_at is not None:
        evaluation = Evaluation.model_construct(
            at=_dt(r.evaluated_at),
            findings=r.findings or "",
            value_levels=_js(r.value_levels) or [],
            outcome_levels=_js(r.outcome_levels) or [],
            principles=_js(r.principles) or [],
        )
    decision = None
    if r.decision is not None:
        decision = Decision.model_construct(
            kind=DecisionKind(r.decision), rationale=r.rationale, at=_dt(r.decided_at), route_to=r.route_to
        )
    return Iteration.model_construct(
        number=r.number,
        phase=Phase(r.phase),
        opened_at=_dt(r.opened_at),
        due_on=date.fromisoformat(_day(r.due_on)),
        collect=Collect.model_construct(
            need=r.need,
            stakeholders_involved=_js(r.stakeholders_involved),
            stakeholders_needed=_js(r.stakeholders_needed),
            preconditions=r.preconditions,
            resources=r.resources,
        ),
        context=r.context,
        started_at=_dt(r.started_at),
        notes=notes,
        evaluation=evaluation,
        decision=decision,
    )


def read_cycles(store: Store, selection: Selection = ALL) -> tuple[list[Cycle], list[Link]]:
    """The selected cycles (with their iterations) and the links among them."""
    return cycles_of(read_rows(store, selection))


def counts(doc: dict[str, Any]) -> dict[str, int]:
    """How many records of each kind a portfolio document holds."""
    its = [it for c in doc["cycles"] for it in c["iterations"]]
    return {
        "cycles": len(doc["cycles"]),
        "iterations": len(its),
        "notes": sum(len(it["notes"]) for it in its),
        "evaluations": sum(1 for it in its if "evaluation" in it),
        "links": len(doc["links"]),
        "events": sum(len(c.get("events") or []) for c in doc["cycles"]) + len(doc.get("events") or []),
    }


def taken_keys(store: Store, keys: Iterable[str]) -> list[str]:
    """Those of ``keys`` that are cycles in the database already, sorted."""
    wanted = list(keys)
    taken: list[str] = []
    with store.read() as repo:
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            taken += repo.session.execute(select(C.key).where(C.key.in_(chunk))).scalars().all()
    return sorted(taken)
