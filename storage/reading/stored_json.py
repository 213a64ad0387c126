"""Stored JSON (history snapshots, lists of levels, principles and stakeholders) decoded so that
it is written again byte for byte as the reference encoder writes it.

The JSON export encodes with orjson, which writes the same bytes as :data:`reference_encode` for
text, integers up to 64 bits, true, false, null, lists and objects with sorted keys, but not for
every float (``1e-05``: ``1e-5``), NaN or larger integers. Stored JSON is decoded strictly: a value
holding any of those is kept as the reference encoder's bytes (an ``orjson.Fragment``), so the
output is the same byte for byte whatever it holds. The CSV and XLSX exports write stored JSON as
the reference encoder's text (:func:`canonical_many`, :class:`Canonical`).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import orjson

reference_encode = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode


class _Inexact(Exception):
    """A JSON number orjson would not write as the reference encoder does."""


def _refuse(_: str) -> Any:
    raise _Inexact


def _int(text: str) -> int:
    if len(text) > 18:  # may not fit 64 bits
        raise _Inexact
    return int(text)


_strict = json.JSONDecoder(parse_float=_refuse, parse_int=_int, parse_constant=_refuse).decode


def exact(value: Any) -> Any:
    """A stored JSON value (text, or a driver's parsed value) as a value orjson encodes exactly."""
    if value is None:
        return None
    if value.__class__ is not str:
        return orjson.Fragment(reference_encode(value).encode())
    try:
        return _strict(value)
    except _Inexact:
        return orjson.Fragment(reference_encode(json.loads(value)).encode())


def exact_many(values: Sequence[Any]) -> list[Any]:
    """:func:`exact` of each value, decoded in one go when they are all plain text."""
    if all(v.__class__ is str for v in values):
        try:
            decoded = _strict("[" + ",".join(values) + "]")
        except (_Inexact, ValueError):
            pass  # decode one by one: some are inexact, or one is not a complete JSON text
        else:
            if len(decoded) == len(values):
                return decoded  # type: ignore[no-any-return]
    return [exact(v) for v in values]


def canonical_many(values: Sequence[Any]) -> list[str | None]:
    """Stored JSON values (NULL gives None) as the reference encoder's text."""
    decoded = exact_many([v for v in values if v is not None])
    out: list[str | None] = []
    n = 0
    for v in values:
        if v is None:
            out.append(None)
            continue
        d = decoded[n]
        n += 1
        if d.__class__ is orjson.Fragment:
            out.append(reference_encode(json.loads(v) if v.__class__ is str else v))
        else:
            out.append(orjson.dumps(d, option=orjson.OPT_SORT_KEYS).decode())
    return out


class Canonical(dict[Any, Any]):
    """Stored JSON lists as the reference encoder's text, once per distinct stored text
    (``canonical[text]``). With ``empty_list``, NULL and any empty value give ``[]`` (as the
    document has the evaluation's lists); else NULL gives None."""

    def __init__(self, *, empty_list: bool = False) -> None:
        super().__init__()
        self.empty_list = empty_list

    def __missing__(self, text: Any) -> str | None:
        value = json.loads(text) if text.__class__ is str else text
        if self.empty_list and not value:
            value = []
        encoded = self[text] = None if value is None else reference_encode(value)
        return encoded


class Decoder(dict[Any, Any]):
    """Stored JSON lists decoded once per distinct text (``decoder[text]``): the lists of levels,
    principles and stakeholders repeat across thousands of iterations. The values it returns are
    shared; NULL gives None."""

    def __missing__(self, text: Any) -> Any:
        value = self[text] = exact(text)
        return value
