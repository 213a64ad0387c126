"""The lossless JSON export: the portfolio document, byte for byte the same for the same data.

Layout: a JSON object with sorted keys (``community``, ``cycles``, ``events`` where there are
history events of cycles no longer stored, ``links``, ``version``), one cycle and one link per
line so that a diff of two exports shows which cycles changed. Every object has its keys sorted,
text is UTF-8 (not escaped), datetimes are UTC ISO 8601 with ``Z``, dates ``YYYY-MM-DD``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from cycles import portfolio
from cycles.community import Community
from cycles.errors import ImportFileError
from cycles.portfolio import Portfolio
from storage.export import ALL, Selection, counts, read_document
from storage.formats.safety import write_atomic
from storage.store import Store

_encode = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode


def dumps(doc: dict[str, Any]) -> str:
    """The document as text in the layout of the module docstring."""
    parts = ["{"]
    keys = sorted(doc)
    for i, key in enumerate(keys):
        value = doc[key]
        end = "," if i < len(keys) - 1 else ""
        if isinstance(value, list):
            if not value:
                parts.append(f"{_encode(key)}:[]{end}")
                continue
            parts.append(f"{_encode(key)}:[")
            parts.append(",\n".join(_encode(item) for item in value))
            parts.append(f"]{end}")
        else:
            parts.append(f"{_encode(key)}:{_encode(value)}{end}")
    parts.append("}")
    return "\n".join(parts) + "\n"


def write(doc: dict[str, Any], path: Path) -> None:
    text = dumps(doc)
    write_atomic(path, lambda fh: fh.write(text))


def export(store: Store, community: Community, path: Path, selection: Selection = ALL) -> dict[str, int]:
    """Write the selected cycles to ``path``; returns how many records of each kind it holds."""
    doc = read_document(store, community.name, selection)
    write(doc, path)
    return counts(doc)


def load(path: Path) -> Any:
    """The parsed JSON of ``path``; ImportFileError with the line and column of a syntax error."""
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
    return portfolio.parse(load(path), community, where=str(path))
