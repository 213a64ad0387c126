"""A JSON portfolio in the export's layout, cut into pieces that validate one at a time.

The lossless export writes one cycle per line (``storage.formats.portfolio_json``)::

    {
    "community":"SPARK",
    "cycles":[
    {...},
    {...}
    ],
    "links":[...],
    "version":1
    }

:func:`split` finds that layout and cuts the cycles' lines into runs (chunks) of about ``size``
bytes; :func:`chunk` gives a run as a document of its own, ``{"cycles":[...]}``, and
:meth:`Layout.rest` is the file without the cycles (``"cycles":[]``), so that the pieces together
say exactly what the whole file says:

- A raw newline is never inside a JSON string, so a cut at a line break falls between tokens.
  A run that parses as a JSON list therefore holds whole list items, and the runs joined by
  commas are the file's list of cycles, item for item.
- What comes before ``"cycles":[`` must leave exactly one object open at a key, so the list is
  the top-level ``cycles`` (checked by parsing that text closed by ``"cycles":[]}``); the rest
  must not name ``cycles`` again (a later key wins in JSON, see :func:`top_keys_unique`).
- Each line must hold one cycle (checked after validation: a run of ``n`` lines holds ``n``
  cycles), so a cycle's place in the file is its line's.

Anything else (another layout, a file that is not valid JSON) is not this module's business:
:func:`split` gives None, or a later check fails, and the file is read whole as before.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

_OPEN = b'\n"cycles":[\n'
_CLOSE = b"\n]"
HEAD_LIMIT = 1 << 20  # what precedes the cycles is a line or two in an export


@dataclass(frozen=True)
class Run:
    """Lines ``first`` to ``first + count`` of the cycles, bytes ``start:end`` of the file
    (without the comma after the last line)."""

    start: int
    end: int
    first: int
    count: int


@dataclass(frozen=True)
class Layout:
    head: int  # the line break before the line ``"cycles":[``
    tail: int  # just after the line ``]`` that closes the list
    runs: list[Run]

    @property
    def lines(self) -> int:
        return sum(r.count for r in self.runs)

    def rest(self, raw: bytes | Any) -> bytes:
        """The file with an empty list of cycles."""
        return bytes(raw[: self.head + 1]) + b'"cycles":[]' + bytes(raw[self.tail :])


def _opening(raw: bytes | Any) -> int:
    """Where the line ``"cycles":[`` begins (the line break before it), at the top of the
    document, or -1."""
    if raw[:2] != b"{\n":
        return -1
    opened = raw.find(_OPEN, 0, HEAD_LIMIT)
    if opened < 0 or not _opens_one_object(raw[: opened + 1]):
        return -1
    return int(opened)


def looks_split(raw: bytes | Any) -> bool:
    """Whether ``raw`` begins as the export's layout does (a quick look at its first lines;
    :func:`split` reads on)."""
    return _opening(raw) >= 0


def split(raw: bytes | Any, size: int = 2 << 20) -> Layout | None:
    """The export layout of ``raw`` (bytes or an mmap) cut into runs of about ``size`` bytes, or
    None when the file is not laid out so."""
    opened = _opening(raw)
    if opened < 0:
        return None
    runs: list[Run] = []
    start = body = opened + len(_OPEN)
    line = first = 0
    find = raw.find
    at = find(b"\n", body)
    while True:  # at each line break, the next line is a cycle or closes the list
        if at < 0:
            return None
        line += 1
        closed = raw[at + 1 : at + 2] == b"]"
        comma = raw[at - 1 : at] == b","
        if closed == comma:  # a line ends in a comma exactly when another follows
            return None
        if closed or at - start >= size:
            runs.append(Run(start, at if closed else at - 1, first, line - first))
            first, start = line, at + 1
            if closed:
                break
        at = find(b"\n", at + 1)
    if at <= body:
        return None
    return Layout(opened, at + len(_CLOSE), runs)


def chunk(raw: bytes | Any, run: Run) -> bytes:
    """A run as a document of its own, at the depth its cycles have in the file."""
    return b"".join((b'{"cycles":[', memoryview(raw)[run.start : run.end], b"]}"))


def _opens_one_object(head: bytes | Any) -> bool:
    try:
        json.loads(bytes(head) + b'"cycles":[]}')
    except (ValueError, RecursionError):
        return False
    return True


def top_keys_unique(rest: bytes) -> bool:
    """Whether the top-level object of ``rest`` names each key once (JSON parsers keep the last
    of a repeated key; the runs stand for the first ``cycles``, so none may follow)."""
    last: list[Sequence[tuple[str, Any]]] = []

    def pairs(items: list[tuple[str, Any]]) -> None:
        last[:] = [items]  # the top-level object is the last one completed

    try:
        json.loads(rest, object_pairs_hook=pairs)
    except (ValueError, RecursionError):
        return False
    if not last:
        return False
    keys = [k for k, _ in last[0]]
    return len(keys) == len(set(keys))
