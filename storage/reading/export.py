"""The portfolio document, built from the rows read for export.

The rows are read by ``storage.reading.rows`` (one query per table, in one read-only snapshot). The
document is the shape of the JSON export and of the portfolio import format
(``cycles.portfolio``), with stable ordering and without volatile fields (database ids, row
versions), so that export, import, export gives identical bytes; its stored JSON is decoded by
``storage.reading.stored_json`` so that orjson writes it exactly. The CSV and XLSX exports flatten the same
rows into tables (``storage.formats.tabular``); the review reads only the columns it uses
(``storage.reading.review_read``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from storage.reading.rows import ALL, Reader, Rows, Selection, instant_text, read_rows
from storage.reading.stored_json import Decoder, exact_many

if TYPE_CHECKING:
    from storage.units.store import Store

FORMAT_VERSION = 1


# -- the portfolio document ---------------------------------------------------------------------


def _events(rows: Rows) -> dict[str, list[dict[str, Any]]]:
    """The history events by cycle key, in order; snapshots decoded by :func:`exact_many`."""
    befores = exact_many([e[5] for e in rows.events if e[5] is not None])
    afters = exact_many([e[6] for e in rows.events if e[6] is not None])
    b = a = 0
    events: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for cycle, at, actor, action, summary, before, after in rows.events:
        if before is not None:
            before = befores[b]
            b += 1
        if after is not None:
            after = afters[a]
            a += 1
        events[cycle].append(
            {
                "action": action,
                "actor": actor,
                "after": after,
                "at": instant_text(at),
                "before": before,
                "cycle": cycle,
                "summary": summary,
            }
        )
    return events


def _notes(rows: Rows) -> dict[tuple[str, int], list[dict[str, Any]]]:
    notes: dict[tuple[str, int], list[dict[str, Any]]] = defaultdict(list)
    ts = instant_text
    for key, number, note_id, at, author, text in rows.notes:
        notes[(key, number)].append({"at": ts(at), "author": author, "id": note_id, "text": text})
    return notes


def _iterations(rows: Rows, notes: dict[tuple[str, int], list[dict[str, Any]]]) -> dict[str, list[Any]]:
    iterations: dict[str, list[dict[str, Any]]] = defaultdict(list)
    js = Decoder()
    ts = instant_text
    no_notes: list[dict[str, Any]] = []
    for r in rows.iterations:
        (key, number, opened, due, need, involved, needed, preconditions, resources, context, started,
         evaluated, findings, values, outcomes, principles, decision, rationale, decided,
         route_to) = r  # fmt: skip
        doc: dict[str, Any] = {
            "collect": {
                "need": need,
                "preconditions": preconditions,
                "resources": resources,
                "stakeholders_involved": js[involved],
                "stakeholders_needed": js[needed],
            },
            "context": context,
            "due_on": due[:10] if due.__class__ is str else due.isoformat(),
            "notes": notes.get((key, number), no_notes),
            "opened": ts(opened),
        }
        if started is not None:
            doc["started"] = ts(started)
        if evaluated is not None:
            doc["evaluation"] = {
                "at": ts(evaluated),
                "findings": findings or "",
                "outcome_levels": js[outcomes] or [],
                "principles": js[principles] or [],
                "value_levels": js[values] or [],
            }
        if decision is not None:
            made = {"at": ts(decided), "kind": decision, "why": rationale}
            if route_to is not None:
                made["route_to"] = route_to
            doc["decision"] = made
        iterations[key].append(doc)
    return iterations


def document(rows: Rows, community: str, *, orphans: bool = True) -> dict[str, Any]:
    """The portfolio document of ``rows`` (see the module docstring). Equal lists inside it may be
    one shared object: treat the document as read-only. Stored JSON inside it is decoded with
    ``storage.reading.stored_json.exact`` (an exact value may be an ``orjson.Fragment``): encode it with
    orjson.

    Events whose cycle is not in the document (the history of a route removed by undo) go into the
    top-level ``events`` list when ``orphans`` is true (an unfiltered export).
    """
    iterations = _iterations(rows, _notes(rows))
    events = _events(rows)
    js = Decoder()
    cycles = []
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
        cycles.append(
            {
                "cadence_days": cadence,
                "created": instant_text(created),
                "description": description,
                "events": events.pop(key, []),
                "iterations": iterations.pop(key, []),
                "key": key,
                "level": level,
                "name": name,
                "owner": owner,
                "owner_email": email,
                "stakeholders": js[stakeholders],
                "type": kind,
            }
        )
    doc: dict[str, Any] = {
        "community": community,
        "cycles": cycles,
        "links": link_documents(rows.links),
        "version": FORMAT_VERSION,
    }
    if orphans and events:
        doc["events"] = orphan_documents(events)
    return doc


def link_documents(links: Sequence[Any]) -> list[dict[str, Any]]:
    """The document's ``links`` of the link rows (see ``storage.reading.rows.Rows``)."""
    return [
        {"created": instant_text(created), "kind": kind, "note": note, "source": source, "target": target}
        for source, target, kind, created, note in links
    ]


def orphan_documents(events: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """The document's top-level ``events``: those of cycles not in it, by cycle key, in order."""
    return [e for key in sorted(events) for e in events[key]]


def event_documents(rows: Rows) -> dict[str, list[dict[str, Any]]]:
    """The history events of ``rows`` as the document has them, by cycle key, in order."""
    return _events(rows)


def read_document(
    source: Reader | Store, community: str, selection: Selection = ALL, *, history: bool = True
) -> dict[str, Any]:
    """The selected cycles as a portfolio document, read in one snapshot; without notes and
    history events when ``history`` is false (the calendar needs neither)."""
    rows = read_rows(source, selection, notes=history, events=history)
    return document(rows, community, orphans=selection.everything and history)


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


def row_counts(rows: Rows, *, orphans: bool) -> dict[str, int]:
    """:func:`counts` of the document of ``rows``, from the rows."""
    keys = {c[0] for c in rows.cycles}
    events = len(rows.events) if orphans else sum(1 for e in rows.events if e[0] in keys)
    return {
        "cycles": len(rows.cycles),
        "iterations": len(rows.iterations),
        "notes": len(rows.notes),
        "evaluations": sum(1 for r in rows.iterations if r[11] is not None),
        "links": len(rows.links),
        "events": events,
    }
