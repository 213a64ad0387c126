"""Tables read from files (the CSV export) back into a portfolio document.

:func:`nest` checks what the files say about each other (an iteration of an unknown cycle,
iteration numbers with gaps, a note of a missing iteration) and returns the document with a
``locate`` that names the file, row and column behind any path a later validation error reports,
so ``cycles.portfolio.parse`` can say "iterations.csv row 502, column opened_at". Row 1 is the
header; rows are counted as records (a text with line breaks is one row).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from cycles.errors import ImportFileError
from storage.formats.tabular import COLUMNS, INFORMATIVE, INTEGERS, LISTS, OBJECTS, REQUIRED

Fields = dict[tuple[str, ...], str]

# document field (path within its object) -> column, per table
_CYCLE_FIELDS: Fields = {
    ("key",): "key", ("name",): "name", ("type",): "type", ("level",): "level",
    ("cadence_days",): "cadence_days", ("owner",): "owner", ("owner_email",): "owner_email",
    ("stakeholders",): "stakeholders", ("description",): "description", ("created",): "created_at",
}  # fmt: skip
_ITERATION_FIELDS: Fields = {
    ("opened",): "opened_at", ("due_on",): "due_on", ("started",): "started_at",
    ("context",): "context", ("collect", "need"): "need",
    ("collect", "stakeholders_involved"): "stakeholders_involved",
    ("collect", "stakeholders_needed"): "stakeholders_needed",
    ("collect", "preconditions"): "preconditions", ("collect", "resources"): "resources",
}  # fmt: skip
_EVALUATION_FIELDS: Fields = {
    ("at",): "evaluated_at", ("findings",): "findings", ("value_levels",): "value_levels",
    ("outcome_levels",): "outcome_levels", ("principles",): "principles",
}  # fmt: skip
_DECISION_FIELDS: Fields = {
    ("at",): "decided_at",
    ("kind",): "decision",
    ("why",): "rationale",
    ("route_to",): "route_to",
}
_NOTE_FIELDS: Fields = {("id",): "id", ("at",): "at", ("author",): "author", ("text",): "text"}
_LINK_FIELDS: Fields = {
    ("source",): "source", ("target",): "target", ("kind",): "kind", ("created",): "created_at",
    ("note",): "note",
}  # fmt: skip
_EVENT_FIELDS: Fields = {(k,): k for k in COLUMNS["events"]}


@dataclass
class Origin:
    """Where a record of the document came from: a file, a row and its columns."""

    file: str
    row: int
    fields: Fields


@dataclass
class Located:
    """A document built from tables, and the origin of each of its records."""

    doc: dict[str, Any]
    origins: dict[tuple[Any, ...], Origin] = field(default_factory=dict)

    def locate(self, loc: tuple[Any, ...]) -> str | None:
        """``file row R, column C`` of the cell a validation error's path points at."""
        for size in range(len(loc), 0, -1):
            origin = self.origins.get(tuple(loc[:size]))
            if origin is None:
                continue
            rest = tuple(str(p) for p in loc[size:])
            for width in range(len(rest), 0, -1):
                column = origin.fields.get(rest[:width])
                if column:
                    return f"{origin.file} row {origin.row}, column {column}"
            return f"{origin.file} row {origin.row}"
        return None


class Rows:
    """The rows of one table as read from a file: ``(row number, {column: text})``."""

    def __init__(self, file: str, rows: Iterable[tuple[int, dict[str, str]]]) -> None:
        self.file = file
        self.rows = rows

    def __iter__(self) -> Iterator[tuple[int, dict[str, str]]]:
        return iter(self.rows)


def _fail(where: str, file: str, row: int, column: str, reason: str) -> ImportFileError:
    return ImportFileError(f"{where}: {file} row {row}, column {column}: {reason}")


def check_header(where: str, file: str, table: str, header: list[str]) -> None:
    """Refuse unknown, repeated or missing columns (row 1 is the header)."""
    known = COLUMNS[table]
    for index, name in enumerate(header, start=1):
        if name not in known:
            raise ImportFileError(
                f"{where}: {file} row 1, column {index}: unknown column {name!r}; "
                f"expected: {', '.join(known)}"
            )
        if header.index(name) != index - 1:
            raise ImportFileError(f"{where}: {file} row 1, column {index}: column {name!r} appears twice")
    missing = [c for c in REQUIRED[table] if c not in header]
    if missing:
        raise ImportFileError(f"{where}: {file} row 1: missing column(s): {', '.join(missing)}")


def _value(where: str, file: str, row: int, column: str, text: str) -> Any:
    if column in INTEGERS:
        if not text:
            return None
        try:
            return int(text)
        except ValueError:
            raise _fail(where, file, row, column, f"not a whole number: {text[:40]!r}") from None
    if column in LISTS or column in OBJECTS:
        if not text:
            return [] if column in LISTS else None
        try:
            value = json.loads(text)
        except (json.JSONDecodeError, RecursionError):
            kind = "a JSON array" if column in LISTS else "a JSON object"
            raise _fail(where, file, row, column, f"not {kind}: {text[:40]!r}") from None
        if column in LISTS and not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
            raise _fail(where, file, row, column, "expected a JSON array of texts")
        if column in OBJECTS and not isinstance(value, dict):
            raise _fail(where, file, row, column, "expected a JSON object")
        return value
    return text


def _record(where: str, rows: Rows, table: str) -> Iterator[tuple[int, dict[str, Any]]]:
    typed = INTEGERS | LISTS | OBJECTS
    for row, cells in rows:
        record = {k: v for k, v in cells.items() if k not in INFORMATIVE}
        for k in typed.intersection(record):
            record[k] = _value(where, rows.file, row, k, record[k])
        yield row, record


def _opt(value: Any) -> Any:
    return value if value not in ("", None) else None


def nest(where: str, tables: dict[str, Rows], community: str | None = None) -> Located:
    """The portfolio document of tables read from files; refuses rows that do not fit together
    (an iteration of an unknown cycle, numbers with gaps, ...) naming file, row and column."""
    out = Located({"version": 1, "cycles": [], "links": []})
    if community:
        out.doc["community"] = community
    cycles: dict[str, dict[str, Any]] = {}
    index: dict[str, int] = {}
    for row, r in _record(where, tables["cycles"], "cycles"):
        key = r.get("key", "")
        if key in cycles:
            raise _fail(where, tables["cycles"].file, row, "key", f"cycle {key!r} appears twice")
        c: dict[str, Any] = {
            "key": key, "name": r.get("name", ""), "type": r.get("type", ""),
            "level": _opt(r.get("level")), "cadence_days": r.get("cadence_days"),
            "owner": r.get("owner", ""), "owner_email": r.get("owner_email", ""),
            "stakeholders": r.get("stakeholders", []), "description": r.get("description", ""),
            "created": _opt(r.get("created_at")), "iterations": [],
        }  # fmt: skip
        index[key] = len(out.doc["cycles"])
        cycles[key] = c
        out.doc["cycles"].append(c)
        out.origins[("cycles", index[key])] = Origin(tables["cycles"].file, row, _CYCLE_FIELDS)

    its: dict[tuple[str, int], dict[str, Any]] = {}
    rows_of: dict[tuple[str, int], int] = {}
    file = tables["iterations"].file
    for row, r in _record(where, tables["iterations"], "iterations"):
        key, number = r.get("cycle", ""), r.get("number")
        if key not in cycles:
            raise _fail(where, file, row, "cycle", f"no cycle {key!r} in cycles")
        if number is None or number < 1:
            raise _fail(where, file, row, "number", "an iteration number from 1 up is needed")
        if (key, number) in its:
            raise _fail(where, file, row, "number", f"iteration {number} of {key} appears twice")
        it: dict[str, Any] = {
            "opened": r.get("opened_at", ""),
            "due_on": _opt(r.get("due_on")),
            "collect": {
                "need": r.get("need", ""),
                "stakeholders_involved": r.get("stakeholders_involved", []),
                "stakeholders_needed": r.get("stakeholders_needed", []),
                "preconditions": r.get("preconditions", ""),
                "resources": r.get("resources", ""),
            },
            "context": r.get("context", ""),
            "notes": [],
        }
        if _opt(r.get("started_at")) is not None:
            it["started"] = r["started_at"]
        its[(key, number)] = it
        rows_of[(key, number)] = row
    for (key, number), it in sorted(its.items(), key=lambda kv: (index[kv[0][0]], kv[0][1])):
        c = cycles[key]
        if number != len(c["iterations"]) + 1:
            raise _fail(
                where, file, rows_of[(key, number)], "number",
                f"iteration {number} of {key} follows iteration {len(c['iterations'])}",
            )  # fmt: skip
        out.origins[("cycles", index[key], "iterations", number - 1)] = Origin(
            file, rows_of[(key, number)], _ITERATION_FIELDS
        )
        c["iterations"].append(it)

    def owner(file: str, row: int, r: dict[str, Any]) -> tuple[dict[str, Any], tuple[Any, ...]]:
        key, number = r.get("cycle", ""), r.get("iteration") or 0
        if key not in cycles:
            raise _fail(where, file, row, "cycle", f"no cycle {key!r} in cycles")
        if (key, number) not in its:
            raise _fail(where, file, row, "iteration", f"{key} has no iteration {number}")
        return its[(key, number)], ("cycles", index[key], "iterations", number - 1)

    file = tables["notes"].file
    for row, r in _record(where, tables["notes"], "notes"):
        it, loc = owner(file, row, r)
        note = {
            "id": _opt(r.get("id")),
            "at": r.get("at", ""),
            "author": r.get("author", ""),
            "text": r.get("text", ""),
        }
        out.origins[(*loc, "notes", len(it["notes"]))] = Origin(file, row, _NOTE_FIELDS)
        it["notes"].append(note)

    file = tables["evaluations"].file
    for row, r in _record(where, tables["evaluations"], "evaluations"):
        it, loc = owner(file, row, r)
        if "evaluation" in it:
            raise _fail(where, file, row, "iteration", "this iteration is evaluated twice")
        it["evaluation"] = {
            "at": r.get("evaluated_at", ""), "findings": r.get("findings", ""),
            "value_levels": r.get("value_levels", []), "outcome_levels": r.get("outcome_levels", []),
            "principles": r.get("principles", []),
        }  # fmt: skip
        out.origins[(*loc, "evaluation")] = Origin(file, row, _EVALUATION_FIELDS)
        if any(_opt(r.get(k)) is not None for k in ("decision", "rationale", "decided_at", "route_to")):
            decision = {
                "at": r.get("decided_at", ""),
                "kind": r.get("decision", ""),
                "why": r.get("rationale", ""),
            }
            if _opt(r.get("route_to")) is not None:
                decision["route_to"] = r["route_to"]
            it["decision"] = decision
            out.origins[(*loc, "decision")] = Origin(file, row, _DECISION_FIELDS)

    file = tables["links"].file
    for row, r in _record(where, tables["links"], "links"):
        out.origins[("links", len(out.doc["links"]))] = Origin(file, row, _LINK_FIELDS)
        link = {
            "source": r.get("source", ""),
            "target": r.get("target", ""),
            "kind": r.get("kind", ""),
            "note": r.get("note", ""),
        }
        if _opt(r.get("created_at")) is not None:
            link["created"] = r["created_at"]
        out.doc["links"].append(link)

    if "events" in tables:
        file = tables["events"].file
        for c in out.doc["cycles"]:
            c["events"] = []
        orphans: list[dict[str, Any]] = []
        for row, r in _record(where, tables["events"], "events"):
            event = {k: r.get(k, "" if k in ("actor", "summary") else None) for k in COLUMNS["events"]}
            key = event["cycle"]
            if key in cycles:
                where_in: tuple[Any, ...] = ("cycles", index[key], "events", len(cycles[key]["events"]))
                cycles[key]["events"].append(event)
            else:
                where_in = ("events", len(orphans))
                orphans.append(event)
            out.origins[where_in] = Origin(file, row, _EVENT_FIELDS)
        if orphans:
            out.doc["events"] = orphans
    for c in out.doc["cycles"]:
        for name in ("level", "cadence_days", "created"):
            if c[name] is None:
                del c[name]
        for it in c["iterations"]:
            if it["due_on"] is None:
                del it["due_on"]
            for n in it["notes"]:
                if n["id"] is None:
                    del n["id"]
    return out
