"""The portfolio as tables, one per entity, for the CSV and XLSX exports and the CSV import.

- ``cycles``, one row per cycle: key, name, type, scale*, level, cadence_days, owner, owner_email,
  stakeholders, description, created_at, status*, ended_at*
- ``iterations``, one row per iteration: cycle, number, phase*, opened_at, due_on, started_at,
  context, need, stakeholders_involved, stakeholders_needed, preconditions, resources
- ``notes``, one row per monitoring note: cycle, iteration, id, at, author, text
- ``evaluations``, one row per evaluated iteration: cycle, iteration, evaluated_at, findings,
  value_levels, outcome_levels, principles, decision, rationale, decided_at, route_to
- ``links``, one row per link: source, target, kind, created_at, note
- ``events``, one row per history event: cycle, at, actor, action, summary, before, after

Columns marked * are for the reader and are recomputed on import. A hand-made file needs only
the columns of ``REQUIRED``; the others default to empty. Lists are JSON arrays
(``["Brabant Wonen","AVANS"]``), ``before``/``after`` JSON objects, an empty cell is "none".
:func:`cells` turns the rows read for export (``storage.reading.rows.read_rows``) straight into the
tables as written; :func:`flatten` and :func:`spreadsheet_rows` do the same from a portfolio
document; ``storage.formats.tabular_read`` turns tables read from files back into a document.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from cycles.community import Community
from cycles.errors import ConfigError
from storage.formats.safety import FIRST_RISKY, neutralise

if TYPE_CHECKING:
    from storage.reading.rows import Rows

Table = list[list[Any]]

COLUMNS: dict[str, tuple[str, ...]] = {
    "cycles": (
        "key", "name", "type", "scale", "level", "cadence_days", "owner", "owner_email",
        "stakeholders", "description", "created_at", "status", "ended_at",
    ),
    "iterations": (
        "cycle", "number", "phase", "opened_at", "due_on", "started_at", "context", "need",
        "stakeholders_involved", "stakeholders_needed", "preconditions", "resources",
    ),
    "notes": ("cycle", "iteration", "id", "at", "author", "text"),
    "evaluations": (
        "cycle", "iteration", "evaluated_at", "findings", "value_levels", "outcome_levels",
        "principles", "decision", "rationale", "decided_at", "route_to",
    ),
    "links": ("source", "target", "kind", "created_at", "note"),
    "events": ("cycle", "at", "actor", "action", "summary", "before", "after"),
}  # fmt: skip
# Columns a file must have; the others may be left out (a hand-made file) and default to empty.
REQUIRED: dict[str, tuple[str, ...]] = {
    "cycles": ("key", "name", "type"),
    "iterations": ("cycle", "number", "opened_at"),
    "notes": ("cycle", "iteration", "at", "text"),
    "evaluations": ("cycle", "iteration", "evaluated_at"),
    "links": ("source", "target", "kind"),
    "events": ("cycle", "at", "action"),
}
INFORMATIVE = {"scale", "status", "ended_at", "phase"}
INTEGERS = {"cadence_days", "number", "iteration"}
LISTS = {
    "stakeholders",
    "stakeholders_involved",
    "stakeholders_needed",
    "value_levels",
    "outcome_levels",
    "principles",
}
OBJECTS = {"before", "after"}

# -- document -> tables ---------------------------------------------------------------------------


def _phase(it: dict[str, Any]) -> str:
    if "decision" in it:
        return "decided"
    if "evaluation" in it:
        return "evaluate"
    return "run" if "started" in it else "collect"


def flatten(doc: dict[str, Any], community: Community) -> dict[str, Table]:
    """The document's tables: rows in document order, cells in ``COLUMNS`` order, lists and
    objects still Python values (see :func:`spreadsheet_rows`)."""
    cycles: Table = []
    iterations: Table = []
    notes: Table = []
    evaluations: Table = []
    events: Table = []
    scales: dict[str, str] = {}
    for c in doc["cycles"]:
        key = c["key"]
        last = (c["iterations"][-1].get("decision") if c["iterations"] else None) or {}
        ended = last.get("kind") in ("route", "drop")
        if c["type"] not in scales:
            try:
                scales[c["type"]] = community.activity_type(c["type"]).scale
            except ConfigError:
                scales[c["type"]] = ""
        cycles.append(
            [
                key, c["name"], c["type"], scales[c["type"]], c["level"], c["cadence_days"], c["owner"],
                c["owner_email"], c["stakeholders"], c["description"], c["created"],
                {"route": "rerouted", "drop": "dropped"}.get(str(last.get("kind")), "active"),
                last["at"] if ended else None,
            ]
        )  # fmt: skip
        for number, it in enumerate(c["iterations"], start=1):
            co = it["collect"]
            iterations.append(
                [
                    key, number, _phase(it), it["opened"], it["due_on"], it.get("started"), it["context"],
                    co["need"], co["stakeholders_involved"], co["stakeholders_needed"],
                    co["preconditions"], co["resources"],
                ]
            )  # fmt: skip
            for n in it["notes"]:
                notes.append([key, number, n.get("id"), n["at"], n["author"], n["text"]])
            ev = it.get("evaluation")
            if ev is not None:
                dec = it.get("decision") or {}
                evaluations.append(
                    [
                        key, number, ev["at"], ev["findings"], ev["value_levels"], ev["outcome_levels"],
                        ev["principles"], dec.get("kind"), dec.get("why"), dec.get("at"), dec.get("route_to"),
                    ]
                )  # fmt: skip
        for e in c.get("events") or []:
            events.append(
                [e["cycle"], e["at"], e["actor"], e["action"], e["summary"], e["before"], e["after"]]
            )
    for e in doc.get("events") or []:
        events.append([e["cycle"], e["at"], e["actor"], e["action"], e["summary"], e["before"], e["after"]])
    links = [[lk["source"], lk["target"], lk["kind"], lk["created"], lk["note"]] for lk in doc["links"]]
    return {
        "cycles": cycles, "iterations": iterations, "notes": notes, "evaluations": evaluations,
        "links": links, "events": events,
    }  # fmt: skip


_encode = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode


def spreadsheet_rows(name: str, rows: Table) -> Iterator[list[Any]]:
    """The cells of table ``name`` row by row, as written to CSV and XLSX: lists and objects as
    JSON text, None as empty, text neutralised against formulas (``safety.neutralise``)."""
    lists: dict[tuple[str, ...], str] = {}
    risky = FIRST_RISKY

    def cell(value: Any) -> Any:
        kind = value.__class__
        if kind is str:
            return neutralise(value) if value and value[0] in risky else value
        if value is None:
            return ""
        if kind is list:  # JSON text starts with [ or {: never a formula; key lists repeat
            key = tuple(value)
            text = lists.get(key)
            if text is None:
                text = lists[key] = _encode(value)
            return text
        if kind is dict:
            return _encode(value)
        return value

    for row in rows:
        yield list(map(cell, row))


# -- rows -> tables, as written ---------------------------------------------------------------------

_STATUS = {"route": "rerouted", "drop": "dropped"}


def cells(rows: Rows, community: Community, *, events: bool = True) -> dict[str, Table]:
    """The tables of ``rows`` as written to CSV and XLSX: the cells of :func:`spreadsheet_rows`
    of :func:`flatten` of the document of the same rows (a test keeps them equal), built straight
    from the rows (no document in between): text neutralised against formulas, lists and
    objects as JSON text, None as empty, integers as integers."""
    from storage.reading.rows import instant_text
    from storage.reading.stored_json import Canonical, canonical_many

    risky = FIRST_RISKY
    ts = instant_text
    lists = Canonical()
    levels = Canonical(empty_list=True)
    iterations: Table = []
    evaluations: Table = []
    last: dict[str, tuple[Any, Any]] = {}  # cycle key -> (decision, decided) of its last iteration
    for (key, number, opened, due, need, involved, needed, preconditions, resources, context, started,
         evaluated, findings, values, outcomes, principles, decision, rationale, decided,
         route_to) in rows.iterations:  # fmt: skip
        if key[:1] in risky:
            key = neutralise(key)
        if decision is not None:
            phase = "decided"
        elif evaluated is not None:
            phase = "evaluate"
        else:
            phase = "run" if started is not None else "collect"
        iterations.append(
            [
                key, number, phase, ts(opened), due[:10] if due.__class__ is str else due.isoformat(),
                "" if started is None else ts(started),
                neutralise(context) if context[:1] in risky else context,
                neutralise(need) if need[:1] in risky else need,
                lists[involved], lists[needed],
                neutralise(preconditions) if preconditions[:1] in risky else preconditions,
                neutralise(resources) if resources[:1] in risky else resources,
            ]
        )  # fmt: skip
        if evaluated is not None:
            findings = findings or ""
            rationale = rationale or ""
            route_to = route_to or ""
            evaluations.append(
                [
                    key, number, ts(evaluated),
                    neutralise(findings) if findings[:1] in risky else findings,
                    levels[values], levels[outcomes], levels[principles],
                    decision or "", neutralise(rationale) if rationale[:1] in risky else rationale,
                    "" if decision is None else ts(decided),
                    neutralise(route_to) if route_to[:1] in risky else route_to,
                ]
            )  # fmt: skip
        last[key] = (decision, decided)
    notes: Table = [
        [
            neutralise(key) if key[:1] in risky else key, number,
            neutralise(note_id) if note_id[:1] in risky else note_id, ts(at),
            neutralise(author) if author[:1] in risky else author,
            neutralise(text) if text[:1] in risky else text,
        ]
        for key, number, note_id, at, author, text in rows.notes
    ]  # fmt: skip
    scales: dict[str, str] = {}
    cycles: Table = []
    for (
        key,
        name,
        kind,
        level,
        cadence,
        owner,
        email,
        stakeholders,
        description,
        created,
        _,
        _,
    ) in rows.cycles:
        if kind not in scales:
            try:
                scales[kind] = community.activity_type(kind).scale
            except ConfigError:
                scales[kind] = ""
        shown = neutralise(key) if key[:1] in risky else key
        decision, decided = last.get(shown, (None, None))
        ended = decision in ("route", "drop")
        cycles.append(
            [
                _cell(v)
                for v in (
                    key, name, kind, scales[kind], level, cadence, owner, email, lists[stakeholders],
                    description, ts(created), _STATUS.get(decision, "active"), ts(decided) if ended else None,
                )
            ]
        )  # fmt: skip
    links: Table = [
        [_cell(v) for v in (source, target, kind, ts(created), note)]
        for source, target, kind, created, note in rows.links
    ]
    history: Table = []
    if events:
        befores = canonical_many([e[5] for e in rows.events])
        afters = canonical_many([e[6] for e in rows.events])
        by_cycle: dict[str, list[list[Any]]] = {}
        for e, before, after in zip(rows.events, befores, afters, strict=True):
            cycle, at, actor, action, summary = e[:5]
            by_cycle.setdefault(cycle, []).append(
                [_cell(cycle), ts(at), _cell(actor), _cell(action), _cell(summary), before or "", after or ""]
            )
        for c in rows.cycles:
            history += by_cycle.pop(c[0], ())
        for key in sorted(by_cycle):  # events of cycles no longer stored (unfiltered exports only)
            history += by_cycle[key]
    return {
        "cycles": cycles, "iterations": iterations, "notes": notes, "evaluations": evaluations,
        "links": links, "events": history,
    }  # fmt: skip


def _cell(value: Any) -> Any:
    if value.__class__ is str:
        return neutralise(value) if value[:1] in FIRST_RISKY else value
    return "" if value is None else value
