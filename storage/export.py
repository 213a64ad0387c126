"""Reading a whole (filtered) portfolio for export and review, in a few bulk queries.

One query per table (cycles, iterations, notes, links, events), whatever the number of cycles,
in one read-only unit of work. The result is the portfolio document: the shape of the JSON export
and of the portfolio import format (``cycles.portfolio``), with stable ordering and without
volatile fields (database ids, row versions), so that export, import, export gives identical bytes.
The review reads the same rows as light records (:func:`read_review_records`).
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

from cycles.review import CycleRecord, DecisionRecord, EvaluationRecord, IterationRecord
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


# The iteration columns in the order ``_iteration`` unpacks them.
ITERATION_COLUMNS = (
    "cycle_id", "number", "phase", "opened_at", "due_on", "need", "stakeholders_involved",
    "stakeholders_needed", "preconditions", "resources", "context", "started_at", "evaluated_at",
    "findings", "value_levels", "outcome_levels", "principles", "decision", "rationale",
    "decided_at", "route_to",
)  # fmt: skip


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


def read_rows(store: Store, selection: Selection = ALL, *, notes: bool = True, events: bool = True) -> Rows:
    """All rows of the selected cycles, in five queries and one read-only transaction; without
    their notes or history events when told."""
    chosen = selection.where(select(C.id))
    rows = Rows()
    with store.read() as repo:
        session = repo.session
        cycle_cols = [_raw(col) for col in _CYCLES.columns]
        rows.cycles = session.execute(selection.where(select(*cycle_cols)).order_by(C.key)).all()
        its = select(*[_raw(I[name]) for name in ITERATION_COLUMNS], C.key.label("cycle_key"))
        its = its.join(_CYCLES, C.id == I.cycle_id)
        rows.iterations = session.execute(selection.where(its).order_by(C.key, I.number)).all()
        if notes:
            query = select(C.key, N.iteration, N.id, _raw(N.at), N.author, N.text)
            query = selection.where(query.join(_CYCLES, C.id == N.cycle_id))
            rows.notes = session.execute(query.order_by(C.key, N.iteration, N.at, N.id)).all()
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
        if events:
            history = select(E.cycle, _raw(E.at), E.actor, E.action, E.summary, _raw(E.before), _raw(E.after))
            if not selection.everything:
                history = history.where(E.cycle.in_(selection.where(select(C.key))))
            rows.events = session.execute(history.order_by(E.id)).all()
    return rows


# -- raw values -----------------------------------------------------------------------------------


def _ts(value: Any) -> str | None:
    """A stored instant as ISO 8601 UTC text (``iso``), fast for SQLite's stored text
    ``YYYY-MM-DD HH:MM:SS.ffffff`` (UTC), exact for the drivers that return datetimes."""
    if value.__class__ is str and len(value) == 26 and value[19] == ".":
        if value.endswith(".000000"):
            return value[:10] + "T" + value[11:19] + "Z"
        return value[:10] + "T" + value[11:] + "Z"
    if value is None:
        return None
    return iso(_dt(value))


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


class _Decoder(dict[str, Any]):
    """Stored JSON text decoded once per distinct text: the lists of levels, principles and
    stakeholders repeat across thousands of iterations. The values it returns are shared."""

    def __missing__(self, text: str) -> Any:
        value = self[text] = json.loads(text)
        return value

    def __call__(self, value: Any) -> Any:
        return self[value] if value.__class__ is str else value


# -- the portfolio document ---------------------------------------------------------------------


def _event(r: Any, js: Any = _js) -> dict[str, Any]:
    cycle, at, actor, action, summary, before, after = r
    return {
        "action": action,
        "actor": actor,
        "after": js(after),
        "at": _ts(at),
        "before": js(before),
        "cycle": cycle,
        "summary": summary,
    }


def _iteration(r: Any, notes: list[dict[str, Any]], js: _Decoder) -> dict[str, Any]:
    (_, _, _, opened, due, need, involved, needed, preconditions, resources, context, started,
     evaluated, findings, values, outcomes, principles, decision, rationale, decided, route_to,
     _) = r  # fmt: skip
    doc: dict[str, Any] = {
        "opened": _ts(opened),
        "due_on": due[:10] if due.__class__ is str else due.isoformat(),
        "collect": {
            "need": need,
            "stakeholders_involved": js(involved),
            "stakeholders_needed": js(needed),
            "preconditions": preconditions,
            "resources": resources,
        },
        "context": context,
        "notes": notes,
    }
    if started is not None:
        doc["started"] = _ts(started)
    if evaluated is not None:
        doc["evaluation"] = {
            "at": _ts(evaluated),
            "findings": findings or "",
            "value_levels": js(values) or [],
            "outcome_levels": js(outcomes) or [],
            "principles": js(principles) or [],
        }
    if decision is not None:
        made = {"at": _ts(decided), "kind": decision, "why": rationale}
        if route_to is not None:
            made["route_to"] = route_to
        doc["decision"] = made
    return doc


def document(rows: Rows, community: str, *, orphans: bool = True) -> dict[str, Any]:
    """The portfolio document of ``rows`` (see the module docstring). Equal lists inside it may be
    one shared object: treat the document as read-only.

    Events whose cycle is not in the document (the history of a route removed by undo) go into the
    top-level ``events`` list when ``orphans`` is true (an unfiltered export).
    """
    notes: dict[tuple[str, int], list[dict[str, Any]]] = defaultdict(list)
    for key, number, note_id, at, author, text in rows.notes:
        notes[(key, number)].append({"id": note_id, "at": _ts(at), "author": author, "text": text})
    iterations: dict[str, list[dict[str, Any]]] = defaultdict(list)
    js = _Decoder()
    no_notes: list[dict[str, Any]] = []
    for r in rows.iterations:
        key = r[-1]
        its = iterations[key]
        its.append(_iteration(r, notes.get((key, r[1]), no_notes), js))
    events: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for e in rows.events:
        events[e[0]].append(_event(e))
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


def read_document(
    store: Store, community: str, selection: Selection = ALL, *, history: bool = True
) -> dict[str, Any]:
    """The selected cycles as a portfolio document, read in one unit of work; without notes and
    history events when ``history`` is false (the calendar needs neither)."""
    rows = read_rows(store, selection, notes=history, events=history)
    return document(rows, community, orphans=selection.everything and history)


# -- records for the review --------------------------------------------------------------------------


def review_records(rows: Rows) -> list[CycleRecord]:
    """Light records of ``rows`` for ``cycles.review.build``: plain tuples, not validated again
    (the rows were valid when written), which for 100,000 iterations is seconds faster."""
    its: dict[str, list[IterationRecord]] = defaultdict(list)
    js = _Decoder()
    for r in rows.iterations:
        (_, number, _, opened, due, _, _, _, _, _, _, _, evaluated, _, values, outcomes, principles,
         decision, rationale, decided, route_to, key) = r  # fmt: skip
        its[key].append(
            IterationRecord(
                number,
                _dt(opened),
                date.fromisoformat(due[:10]) if due.__class__ is str else due,
                None
                if evaluated is None
                else EvaluationRecord(
                    _dt(evaluated), js(values) or [], js(outcomes) or [], js(principles) or []
                ),
                None if decision is None else DecisionRecord(_dt(decided), decision, rationale, route_to),
            )
        )
    return [
        CycleRecord(
            c.key, c.name, c.scale, c.activity_type, c.owner, _dt(c.created_at), _dt(c.ended_at), its[c.key]
        )
        for c in rows.cycles
        if its.get(c.key)
    ]


def read_review_records(store: Store, selection: Selection = ALL) -> list[CycleRecord]:
    """The selected cycles with their iterations, as the review reads them (no notes, no history)."""
    return review_records(read_rows(store, selection, notes=False, events=False))


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
