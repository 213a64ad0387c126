"""The lossless JSON export: the portfolio document, byte for byte the same for the same data.

Layout: a JSON object with sorted keys (``community``, ``cycles``, ``events`` where there are
history events of cycles no longer stored, ``links``, ``version``), one cycle and one link per
line so that a diff of two exports shows which cycles changed. Every object has its keys sorted,
text is UTF-8 (not escaped), datetimes are UTC ISO 8601 with ``Z``, dates ``YYYY-MM-DD``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import orjson

from cycles.errors import ImportFileError
from storage.formats.safety import write_atomic

if TYPE_CHECKING:
    from cycles.community import Community
    from cycles.portfolio import Portfolio

_SORTED = orjson.OPT_SORT_KEYS
BATCH = 500  # items per write


def _encode(value: Any) -> bytes:
    """One value as compact JSON with sorted keys: orjson, which gives the bytes of
    ``storage.reading.stored_json.reference_encode`` for a document from ``read_document`` (whose stored JSON
    is decoded with ``storage.reading.stored_json.exact``)."""
    return orjson.dumps(value, option=_SORTED)


encode = _encode  # for ``storage.exports.documents``, which stores each cycle's line


class Encoded:
    """A list of the document whose items are encoded already (``_encode`` of each), as ``parts``:
    a function giving runs of them joined by ``,\\n`` (``storage.exports.documents``, the stored lines)."""

    def __init__(self, count: int, parts: Callable[[], Iterable[bytes]]) -> None:
        self.count = count
        self.parts = parts


def chunks(doc: dict[str, Any]) -> Iterator[bytes]:
    """The document as UTF-8 in the layout of the module docstring, piece by piece. A list may be
    :class:`Encoded`: the same bytes, as items joined by ``,\\n`` are whatever the batches."""
    yield b"{\n"
    keys = sorted(doc)
    for i, key in enumerate(keys):
        value = doc[key]
        end = b",\n" if i < len(keys) - 1 else b"\n"
        if isinstance(value, Encoded):
            if not value.count:
                yield _encode(key) + b":[]" + end
                continue
            yield _encode(key) + b":[\n"
            sep = b""
            for part in value.parts():
                yield sep + part
                sep = b",\n"
            yield b"\n]" + end
        elif isinstance(value, list):
            if not value:
                yield _encode(key) + b":[]" + end
                continue
            yield _encode(key) + b":[\n"
            for start in range(0, len(value), BATCH):
                part = b",\n".join([_encode(item) for item in value[start : start + BATCH]])
                yield part + (b",\n" if start + BATCH < len(value) else b"\n")
            yield b"]" + end
        else:
            yield _encode(key) + b":" + _encode(value) + end
    yield b"}\n"


def dumps(doc: dict[str, Any]) -> str:
    """The document as text in the layout of the module docstring."""
    return b"".join(chunks(doc)).decode("utf-8")


def write(doc: dict[str, Any], path: Path) -> None:
    def put(fh: IO[bytes]) -> None:
        for chunk in chunks(doc):
            fh.write(chunk)

    write_atomic(path, put, binary=True)


def load(path: Path) -> Any:
    """The parsed JSON of ``path``; ImportFileError with the line and column of a syntax error."""
    from cycles import portfolio

    where = str(path)
    try:
        size = path.stat().st_size
        if size > portfolio.MAX_BYTES:
            raise ImportFileError(f"{where}: file is {size} bytes; the limit is {portfolio.MAX_BYTES}")
        text = path.read_text("utf-8")
    except OSError as exc:
        raise ImportFileError(f"{where}: cannot read: {exc.strerror}") from exc
    except UnicodeDecodeError as exc:
        raise ImportFileError(f"{where}: not UTF-8 text (byte {exc.start})") from exc
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportFileError(f"{where}:{exc.lineno}:{exc.colno}: not valid JSON: {exc.msg}") from exc
    except RecursionError as exc:
        raise ImportFileError(f"{where}: not valid JSON: nested too deeply") from exc


def read(path: Path, community: Community) -> Portfolio:
    """Read and validate a JSON export (or any JSON portfolio); errors give the JSON path."""
    from cycles import portfolio

    return portfolio.read_json(path, community)
