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
:func:`flatten` turns a portfolio document into these tables; ``storage.formats.tabular_read``
turns tables read from files back into a document.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from cycles.community import Community
from cycles.errors import ConfigError
from storage.formats.safety import FIRST_RISKY, neutralise

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
