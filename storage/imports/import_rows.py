"""A run of a portfolio's flat records as the values the database stores, without SQLAlchemy (a
worker process converts runs while the command opens the database).

The values are those ``storage.units.bulk.insert_tuples`` stores (tested equal): on SQLite instants as
SQLAlchemy's text (``YYYY-MM-DD HH:MM:SS.ffffff``, UTC), dates as ISO text, JSON as ``json.dumps``
writes it; on PostgreSQL the same as ``COPY`` text. Cycle ids are the cycles' places in the file
(1, 2, ...); the database adds its own offset (``storage.imports.import_fast``). Columns are converted
whole (one pass each, the work in C where it can be), as in ``storage.units.bulk``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from functools import cache
from itertools import chain, repeat
from typing import Any

from cycles.portfolio_records import CYCLE_FIELDS, EVENT_FIELDS, ITERATION_FIELDS, NOTE_FIELDS
from cycles.portfolio_stream import Part

TABLES = ("cycle", "iteration", "note", "event")
COLUMNS: dict[str, tuple[str, ...]] = {
    "cycle": ("id", *CYCLE_FIELDS, "version"),
    "iteration": ("cycle_id", *ITERATION_FIELDS),
    "note": ("cycle_id", *NOTE_FIELDS),
    "event": EVENT_FIELDS,
}
_INSTANTS = {"created_at", "ended_at", "opened_at", "started_at", "evaluated_at", "decided_at", "at"}
_DATES = {"due_on"}
_JSON = {
    "stakeholders", "stakeholders_involved", "stakeholders_needed", "value_levels",
    "outcome_levels", "principles", "before", "after",
}  # fmt: skip


def kind(column: str) -> str:
    """How a column is stored: "instant", "date", "json" or "plain" (as ``storage.units.bulk._kind``)."""
    if column in _INSTANTS:
        return "instant"
    if column in _DATES:
        return "date"
    return "json" if column in _JSON else "plain"


Column = Sequence[Any]
Rows = list[tuple[Any, ...]]


def columns(part: Part) -> dict[str, list[Column]]:
    """The run's records as columns of each table; a cycle's id is its place in the file."""
    entries = part.entries
    ids = range(part.first + 1, part.first + 1 + len(entries))
    out: dict[str, list[Column]] = {}
    out["cycle"] = [ids, *zip(*[e.cycle for e in entries], strict=True), [1] * len(entries)]
    for table, records in (
        ("iteration", [e.iterations for e in entries]),
        ("note", [e.notes for e in entries]),
    ):
        rows = list(chain.from_iterable(records))
        owner = list(chain.from_iterable(map(repeat, ids, map(len, records))))
        width = len(COLUMNS[table]) - 1
        out[table] = [owner, *zip(*rows, strict=True)] if rows else [[] for _ in range(width + 1)]
    events = part.event_rows
    out["event"] = list(zip(*events, strict=True)) if events else [[] for _ in EVENT_FIELDS]
    return out


# -- JSON and instants, shared by both databases ------------------------------------------------

_made: dict[Any, str | None] = {None: None}  # JSON text of each list of texts seen (per process)
_CACHED = {tuple, type(None)}  # what ``_made`` holds (no numbers: True == 1)


def _json_texts(column: Column) -> list[str | None]:
    """JSON text as ``json.dumps`` writes it (None stays NULL); lists of texts, which repeat
    across 100,000 iterations, are encoded once."""
    if not set(map(type, column)) <= _CACHED:  # a history event's snapshot (a mapping)
        return [None if v is None else json.dumps(v) for v in column]
    for value in set(column).difference(_made):
        _made[value] = json.dumps(value)
    return list(map(_made.__getitem__, column))


@cache
def _instant_serializer() -> Any:
    from pydantic import TypeAdapter

    return TypeAdapter(list[datetime | None])


def _iso_utc(column: Column) -> list[str | None]:
    """Aware datetimes as ISO 8601 UTC text ``YYYY-MM-DDTHH:MM:SS[.ffffff]Z`` (pydantic-core's);
    a naive datetime is refused, as in ``storage.units.bulk``."""
    texts: list[str | None] = _instant_serializer().dump_python(list(column), mode="json")
    for i, text in enumerate(texts):
        if text is not None and text[-1] != "Z":
            value = column[i]
            if not isinstance(value, datetime) or value.utcoffset() is None:
                raise ValueError(f"datetime must be timezone-aware: {value!r}")
            texts[i] = _instant_serializer().dump_python([value.astimezone(UTC)], mode="json")[0]
    return texts


def _sqlite_instants(column: Column) -> list[str | None]:
    """SQLAlchemy's SQLite text of UTC instants, ``YYYY-MM-DD HH:MM:SS.ffffff``: pydantic-core's
    ISO text of the whole column, edited in a few passes over it joined."""
    texts: list[str | None] = _instant_serializer().dump_python(list(column), mode="json")
    joined = "\x00".join(map(str, texts))  # None as "None"
    if joined.count("Z") != len(texts) - texts.count(None):  # an offset other than UTC
        texts = _iso_utc(column)
        joined = "\x00".join(map(str, texts))
    out: list[str | None] = list(joined.replace("T", " ").replace("Z", "").split("\x00"))
    for i in [i for i, n in enumerate(map(len, out)) if n != 26]:  # type: ignore[arg-type]
        out[i] = None if texts[i] is None else f"{out[i]}.000000"  # whole seconds
    return out


def _dates(column: Column) -> list[str | None]:
    return [None if v is None else v.isoformat() for v in column]


_SQLITE: dict[str, Callable[[Column], Column]] = {
    "json": _json_texts,
    "instant": _sqlite_instants,
    "date": _dates,
}


ROWS_PER_INSERT = 256  # rows per INSERT statement: fewer statements to step through


def sqlite_rows(part: Part) -> dict[str, tuple[list[list[Any]], Rows]]:
    """The run for SQLite, table by table (``TABLES``): the parameters of ``ROWS_PER_INSERT``
    rows at a time, each run of them one flat list, and the rows left over."""
    out: dict[str, tuple[list[list[Any]], Rows]] = {}
    for table, cols in columns(part).items():
        for i, name in enumerate(COLUMNS[table]):
            convert = _SQLITE.get(kind(name))
            if convert is not None:
                cols[i] = convert(cols[i])
        width = len(cols)
        flat = list(chain.from_iterable(zip(*cols, strict=True)))
        step = ROWS_PER_INSERT * width
        whole = len(flat) - len(flat) % step
        left = flat[whole:]
        out[table] = (
            [flat[i : i + step] for i in range(0, whole, step)],
            list(zip(*[iter(left)] * width, strict=True)),
        )
    return out


# -- PostgreSQL COPY text -------------------------------------------------------------------------

_NULL = "\\N"


class HasNul(ValueError):
    """A text holds NUL, which PostgreSQL refuses (and which this conversion cannot carry)."""


def _copy_texts(column: Column) -> Column:
    """Texts escaped for COPY's text format, NULL as ``\\N``. The column is joined (NUL between,
    which no PostgreSQL text holds) to find, and if need be escape, what COPY treats specially in
    one pass each."""
    if not column:
        return column
    nulls = column.count(None)  # type: ignore[attr-defined]
    values: Column = ["" if v is None else v for v in column] if nulls else column
    joined = "\x00".join(values)
    if joined.count("\x00") != len(values) - 1:
        raise HasNul("a text holds NUL")
    if "\\" in joined or "\t" in joined or "\n" in joined or "\r" in joined:
        joined = joined.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
        values = joined.split("\x00")
    if nulls:
        values = [_NULL if v is None else e for v, e in zip(column, values, strict=True)]
    return values


def _copy_plain(column: Column) -> Column:
    first = next((v for v in column if v is not None), None)
    if first is None or isinstance(first, str):
        return _copy_texts(column)
    if column.count(None):  # type: ignore[attr-defined]
        return [_NULL if v is None else str(v) for v in column]
    return list(map(str, column))  # numbers


_copied: dict[Any, str] = {None: _NULL}  # COPY text of each list of texts seen (per process)


def _copy_json(column: Column) -> Column:
    """JSON as ``_json_texts`` writes it, as COPY text: lists of texts from a cache."""
    if not set(map(type, column)) <= _CACHED:  # a history event's snapshot (a mapping)
        return _copy_texts(_json_texts(column))
    missing = set(column).difference(_copied)
    if missing:
        fresh = list(missing)
        _copied.update(zip(fresh, _copy_texts(_json_texts(fresh)), strict=True))
    return list(map(_copied.__getitem__, column))


def _copy_instants(column: Column) -> Column:
    """Instants as ISO 8601 UTC text (``...Z``), as COPY reads them. Other offsets are moved to
    UTC first: their text would lose an offset's seconds (local mean time before 1940)."""
    texts: list[str | None] = _instant_serializer().dump_python(list(column), mode="json")
    joined = "\x00".join(map(str, texts))  # None as "None", which no instant's text holds
    if joined.count("Z") != len(texts) - texts.count(None):
        joined = "\x00".join(map(str, _iso_utc(column)))
    return joined.replace("None", _NULL).split("\x00")


def _copy_dates(column: Column) -> Column:
    return [_NULL if v is None else v.isoformat() for v in column]


_COPY: dict[str, Callable[[Column], Column]] = {
    "json": _copy_json,
    "instant": _copy_instants,
    "date": _copy_dates,
    "plain": _copy_plain,
}


def copy_texts(part: Part) -> dict[str, str]:
    """The run as COPY text (``\\t`` between columns, a line per row), table by table. The
    values, escaped, hold no tab or line break: all are joined by tabs at once, with a line
    break after each row's last value, and the tab that follows a line break is dropped."""
    out: dict[str, str] = {}
    for table, cols in columns(part).items():
        texts = [_COPY[kind(name)](cols[i]) for i, name in enumerate(COLUMNS[table])]
        rows = zip(*texts, repeat("\n", len(texts[0])), strict=True)
        text = "\t".join(chain.from_iterable(rows)).replace("\t\n\t", "\n")
        out[table] = text[:-2] + "\n" if text else ""  # the last row ends in a tab and a line break
    return out


def shift_ids(text: str, offset: int) -> str:
    """COPY text whose first column is a cycle's place in the file, with ``offset`` added (the
    ids a database that holds cycles already gives)."""
    if not offset or not text:
        return text
    lines = text.split("\n")
    lines.pop()  # after the last newline
    out = []
    for line in lines:
        tab = line.index("\t")
        out.append(f"{int(line[:tab]) + offset}{line[tab:]}")
    return "\n".join(out) + "\n"
