"""The portfolio file format (YAML or JSON): validated whole before anything is written.

A portfolio lists cycles with their iteration histories and the links between them. Phases and
statuses are not written in the file: they follow from what each iteration records (started,
evaluated, decided). See the README's "Import format" section.

A file is checked in two steps. Its shape (fields, types, lengths, patterns) is validated in one
pydantic call over the whole document, from the raw bytes for JSON (pydantic-core parses and
validates without building an intermediate tree). Then one pass over the validated data checks
what a schema cannot (the order of dates, the community's keys, links between cycles) and turns
each cycle into flat records (:data:`CYCLE_FIELDS`, :data:`ITERATION_FIELDS`, :data:`NOTE_FIELDS`,
:data:`EVENT_FIELDS`) that storage writes as they are. Domain records (:class:`Cycle`,
:class:`Event`) are built from those only when asked for.

This module reads files and names the place of an error (a YAML line, a JSON path, a CSV row and
column); it is the public face of the format and gives the names of the modules behind it: the
file's shape in :mod:`cycles.portfolio_schema`, the checks in :mod:`cycles.portfolio_checks`, the
flat records and :class:`Portfolio` in :mod:`cycles.portfolio_records`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from cycles.community import Community
from cycles.errors import ImportFileError
from cycles.portfolio_checks import build
from cycles.portfolio_records import (
    CYCLE_FIELDS,
    EVENT_FIELDS,
    ITERATION_FIELDS,
    NOTE_FIELDS,
    Entry,
    Portfolio,
)
from cycles.portfolio_schema import (
    CollectIn,
    CycleIn,
    DecisionIn,
    EvaluationIn,
    EventIn,
    IterationIn,
    LinkIn,
    Loc,
    NoteIn,
    PortfolioIn,
    Text,
    Texts,
    When,
    schema,
)

__all__ = [
    "CYCLE_FIELDS",
    "EVENT_FIELDS",
    "ITERATION_FIELDS",
    "MAX_BYTES",
    "NOTE_FIELDS",
    "CollectIn",
    "CycleIn",
    "DecisionIn",
    "Entry",
    "EvaluationIn",
    "EventIn",
    "IterationIn",
    "LinkIn",
    "Loc",
    "Locate",
    "NoteIn",
    "Portfolio",
    "PortfolioIn",
    "Text",
    "Texts",
    "When",
    "parse",
    "parse_json",
    "read",
    "read_json",
]

MAX_BYTES = 200 * 1024 * 1024  # a lossless export of 10,000 cycles is about 115 MB


# -- reading files ------------------------------------------------------------------------------


class _NoAliasLoader(yaml.SafeLoader):
    """Safe loading without anchors and aliases: they serve no purpose in a portfolio and are
    the vehicle of alias bombs."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(None, None, "aliases (*name) are not allowed", event.start_mark)
        return super().compose_node(parent, index)


def _yaml_tree(text: str, where: str) -> tuple[Any, Any]:
    loader = _NoAliasLoader(text)
    try:
        node = loader.get_single_node()
        if node is not None:
            _refuse_duplicate_keys(node, where)
        data = loader.construct_document(node) if node is not None else None
    finally:
        loader.dispose()
    return data, node


def _refuse_duplicate_keys(root: Any, where: str) -> None:
    """A key twice in one mapping: YAML would keep the last silently; refused with its path and
    both lines. The tree is walked without recursion (it may be deep)."""
    stack: list[tuple[Any, str]] = [(root, "")]
    while stack:
        node, path = stack.pop()
        if isinstance(node, yaml.MappingNode):
            seen: dict[Any, int] = {}
            for key, value in node.value:
                name = key.value if isinstance(key, yaml.ScalarNode) else None
                line = key.start_mark.line + 1
                if name is not None and name in seen:
                    at = f"{path}.{name}" if path else name
                    raise ImportFileError(
                        f"{where}:{line}: {at}: the key {name!r} appears twice in one mapping "
                        f"(lines {seen[name]} and {line})"
                    )
                if name is not None:
                    seen[name] = line
                stack.append((value, f"{path}.{name}" if path else str(name)))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((item, f"{path}.{i}") for i, item in enumerate(node.value))


def _line_of(node: Any, loc: tuple[int | str, ...]) -> int | None:
    """The 1-based line of the YAML node at a validation error's location."""
    line = None
    for part in loc:
        if node is None:
            break
        line = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            node = next((v for k, v in node.value if k.value == part), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            node = node.value[part] if part < len(node.value) else None
        else:
            node = None
    if node is not None:
        line = node.start_mark.line + 1
    return line


def _read_bytes(path: Path, *, text: bool = True) -> bytes:
    """The file's bytes; with ``text``, checked to be UTF-8 (JSON is checked as it is parsed)."""
    where = str(path)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise ImportFileError(f"{where}: file is {size} bytes; the limit is {MAX_BYTES}")
        raw = path.read_bytes()
        if text:
            raw.decode("utf-8")
    except OSError as exc:
        raise ImportFileError(f"{where}: cannot read: {exc.strerror}") from exc
    except UnicodeDecodeError as exc:
        raise ImportFileError(f"{where}: not UTF-8 text (byte {exc.start})") from exc
    return raw


def read(path: Path, community: Community) -> Portfolio:
    """Read, parse and validate a YAML or JSON portfolio; ImportFileError names file, place, reason."""
    if path.suffix.lower() == ".json":
        return parse_json(_read_bytes(path, text=False), community, where=str(path), columns=False)
    raw = _read_bytes(path)
    where = str(path)
    try:
        data, node = _yaml_tree(raw.decode("utf-8"), where)
    except RecursionError as exc:
        raise ImportFileError(f"{where}: not valid YAML: nested too deeply") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        place = f":{mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ImportFileError(f"{where}{place}: not valid YAML: {problem}") from exc
    return parse(data, community, where=where, node=node)


def read_json(path: Path, community: Community) -> Portfolio:
    """Read and validate a JSON portfolio (a lossless export or hand-written); errors give the
    JSON path, and the line and column of a syntax error."""
    return parse_json(_read_bytes(path, text=False), community, where=str(path))


Locate = Callable[[Loc], str | None]


def _placer(node: Any, locate: Locate | None) -> Callable[[Loc], str]:
    """How an error names its place: ``:line`` in YAML, or what ``locate`` says (a CSV row and
    column), or nothing (JSON, whose path follows in the message)."""

    def place(loc: Loc) -> str:
        if locate is not None:
            found = locate(loc)
            return f": {found}" if found else ""
        line = _line_of(node, loc) if node is not None else None
        return f":{line}" if line else ""

    return place


def _refusal(exc: ValidationError, where: str, place: Callable[[Loc], str]) -> ImportFileError:
    err = exc.errors(include_url=False, include_context=False, include_input=False)[0]
    loc = tuple(err["loc"])
    if not loc and err["type"] in ("dict_type", "model_type"):
        return ImportFileError(f"{where}: expected a mapping with 'cycles' at the top")
    path = ".".join(str(p) for p in loc) or "(top)"
    more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
    return ImportFileError(f"{where}{place(loc)}: {path}: {err['msg']}{more}")


def parse_json(raw: bytes, community: Community, *, where: str = "<data>", columns: bool = True) -> Portfolio:
    """Validate a JSON portfolio from its bytes in one pass of pydantic-core; a syntax error
    names the line (and, with ``columns``, the column) as the json module reports it."""
    place = _placer(None, None)
    try:
        data = schema().validate_json(raw)
    except ValidationError as exc:
        if exc.errors()[0]["type"] == "json_invalid":
            raise _syntax_error(raw, where, columns) from exc
        raise _refusal(exc, where, place) from exc
    return build(data, community, where, place)


def _syntax_error(raw: bytes, where: str, columns: bool) -> ImportFileError:
    """The json module's account of a file pydantic-core could not parse (only on this path,
    so the message is the familiar one, with line and column), or the first byte that is not
    UTF-8."""
    try:
        json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        return ImportFileError(f"{where}: not UTF-8 text (byte {exc.start})")
    except json.JSONDecodeError as exc:
        place = f"{exc.lineno}:{exc.colno}" if columns else f"{exc.lineno}"
        return ImportFileError(f"{where}:{place}: not valid JSON: {exc.msg}")
    except RecursionError:
        return ImportFileError(f"{where}: not valid JSON: nested too deeply")
    return ImportFileError(f"{where}: not valid JSON")


def parse(
    data: Any,
    community: Community,
    *,
    where: str = "<data>",
    node: Any = None,
    locate: Locate | None = None,
) -> Portfolio:
    """Validate a parsed portfolio; ``node`` (YAML) or ``locate`` turn a path into a place."""
    if not isinstance(data, dict):
        raise ImportFileError(f"{where}: expected a mapping with 'cycles' at the top")
    place = _placer(node, locate)
    try:
        valid = schema().validate_python(data)
    except ValidationError as exc:
        raise _refusal(exc, where, place) from exc
    return build(valid, community, where, place)
