"""The export's layout read run by run (``cycles.portfolio_split``, ``cycles.portfolio_stream``)
gives exactly what the whole file read at once gives, and anything that is not plainly that
layout is left to the whole file's reading."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from benchmarks.generate import generate, to_file_data
from cycles import portfolio
from cycles.community import Community
from cycles.portfolio_split import chunk, split, top_keys_unique
from cycles.portfolio_stream import Reader, Unsupported, finish
from storage.exports import documents
from storage.formats import portfolio_json
from storage.workspace import Workspace
from tests.conftest import FrozenClock
from tests.exports.conftest import at, build, open_workspace

NOW = datetime(2026, 11, 28, 8, tzinfo=UTC)


@pytest.fixture
def filled(tmp_path: Path, community: Community) -> Iterator[Workspace]:
    """The exports' known portfolio (``tests/exports/conftest.py``): routes, an undone route
    whose history stays without its cycle, awkward texts."""
    clock = FrozenClock(at(11, 28))
    ws = open_workspace(f"sqlite:///{tmp_path / 'source.db'}", community, clock)
    build(ws, clock)
    yield ws
    ws.store.close()


def layout_bytes(doc: dict[str, Any]) -> bytes:
    """A document in the export's layout (sorted keys, one cycle per line)."""
    return portfolio_json.dumps(doc).encode("utf-8")


def generated_doc(n: int = 40, seed: int = 3) -> dict[str, Any]:
    return to_file_data(generate(n, seed=seed, iterations_per_cycle=3, now=NOW))


def streamed(raw: bytes, community: Community, where: str, run_bytes: int) -> portfolio.Portfolio:
    """The file read run by run, as flat records in a Portfolio."""
    layout = split(raw, run_bytes)
    assert layout is not None
    reader = Reader(community, where)
    parts = [reader.read(chunk(raw, r), r.first, r.count) for r in layout.runs]
    whole = finish(layout.rest(raw), [p.meta for p in parts if p.meta], community)
    events = [row for p in parts for row in p.event_rows] + whole.other_events
    return portfolio.Portfolio(
        links=whole.links, entries=[e for p in parts for e in p.entries], event_rows=events
    )


def same_records(a: portfolio.Portfolio, b: portfolio.Portfolio) -> None:
    assert a.entries == b.entries
    assert a.event_rows == b.event_rows
    assert a.links == b.links


@pytest.mark.parametrize("run_bytes", [1, 3000, 1 << 20])
def test_runs_give_the_records_of_the_whole_file(
    community: Community, tmp_path: Path, run_bytes: int
) -> None:
    doc = generated_doc()
    # history of a cycle the file does not hold, and cycles with and without their own history
    doc["events"] = [{"cycle": "gone", "at": "2026-01-01T00:00:00Z", "action": "create", "after": {"a": [1]}}]
    doc["cycles"][0]["events"] = [
        {"cycle": doc["cycles"][0]["key"], "at": "2026-01-01T10:00:00+01:00", "action": "x"}
    ]
    # local times and dates, read in the community's zone
    doc["cycles"][1]["created"] = "2020-03-29"
    doc["cycles"][1]["iterations"][0]["opened"] = "2020-03-29T02:30:00"
    path = tmp_path / "p.json"
    path.write_bytes(layout_bytes(doc))
    raw = path.read_bytes()
    layout = split(raw, run_bytes)
    assert layout is not None and layout.lines == len(doc["cycles"])
    assert len(layout.runs) == (len(doc["cycles"]) if run_bytes == 1 else len(layout.runs))
    same_records(streamed(raw, community, str(path), run_bytes), portfolio.read_json(path, community))


def test_routes_across_runs_and_links_given_again(community: Community, tmp_path: Path) -> None:
    doc = generated_doc(60, seed=11)
    routes = [
        c["key"] for c in doc["cycles"] if (c["iterations"][-1].get("decision") or {}).get("kind") == "route"
    ]
    assert routes, "the generator routes some cycles"
    doc["links"] += doc["links"][:3]  # repeated links count once
    route = doc["cycles"][[c["key"] for c in doc["cycles"]].index(routes[0])]
    route_to = route["iterations"][-1]["decision"]["route_to"]
    doc["links"].append({"source": route_to, "target": route["key"], "kind": "route_of", "note": "given"})
    raw = layout_bytes(doc)
    path = tmp_path / "r.json"
    path.write_bytes(raw)
    same_records(streamed(raw, community, str(path), 1), portfolio.read_json(path, community))


def test_a_lossless_export_reads_the_same_either_way(
    filled: Workspace, community: Community, tmp_path: Path
) -> None:
    path = tmp_path / "export.json"
    documents.export(filled.store, filled.community, path)
    raw = path.read_bytes()
    same_records(streamed(raw, community, str(path), 1), portfolio.read_json(path, community))


def _doc_text(doc: dict[str, Any]) -> str:
    return layout_bytes(doc).decode("utf-8")


@pytest.mark.parametrize(
    "text",
    [
        '{"cycles":[]}',  # one line
        " " + '{\n"cycles":[\n{"key":"a"}\n]\n}\n',  # a space first
        '{\n"cycles":[]\n}\n',  # no cycles
        '{\n"cycles":[\n]\n}\n',
        '{\n"events":[{"after":{\n"cycles":[\n{"key":"a"}\n]}}],\n"cycles":[]\n}\n',  # nested
        '{\n"cycles":[\n{"key":"a"}\n{"key":"b"}\n]\n}\n',  # a comma missing
        '{\n"cycles":[\n{"key":"a"},\n{"key":"b"},\n]\n}\n',  # a comma too many
        '{\n"cycles":[\n{"key":"a"},\n{"key":"b"}\n',  # never closed
    ],
)
def test_what_is_not_the_layout_is_left_alone(text: str) -> None:
    assert split(text.encode()) is None


def test_the_layout_found(community: Community) -> None:
    raw = b'{\n"community":"SPARK",\n"cycles":[\n{"a":1},\n{"b":2},\n{"c":3}\n],\n"version":1\n}\n'
    layout = split(raw, 1)
    assert layout is not None
    assert [(r.first, r.count) for r in layout.runs] == [(0, 1), (1, 1), (2, 1)]
    assert [chunk(raw, r) for r in layout.runs] == [
        b'{"cycles":[{"a":1}]}',
        b'{"cycles":[{"b":2}]}',
        b'{"cycles":[{"c":3}]}',
    ]
    assert layout.rest(raw) == b'{\n"community":"SPARK",\n"cycles":[],\n"version":1\n}\n'
    whole = split(raw)
    assert whole is not None and [(r.first, r.count) for r in whole.runs] == [(0, 3)]
    assert chunk(raw, whole.runs[0]) == b'{"cycles":[{"a":1},\n{"b":2},\n{"c":3}]}'


def test_a_repeated_key_at_the_top_is_noticed() -> None:
    assert top_keys_unique(b'{"cycles":[],"links":[{"a":{"cycles":1}}]}')
    assert not top_keys_unique(b'{"cycles":[],"links":[],"cycles":[]}')
    assert not top_keys_unique(b'{"cycles":[],"cycl\\u0065s":[]}')
    assert not top_keys_unique(b'{"cycles":[] trailing')


@pytest.mark.parametrize(
    "spoil",
    [
        lambda d: d["cycles"][5]["iterations"][0].update(opened="the first of July"),
        lambda d: d["cycles"][9].update(type="hackathon"),
        lambda d: d["cycles"][12].update(key=d["cycles"][3]["key"]),
        lambda d: d["links"].append(
            {"source": d["cycles"][0]["key"], "target": "nowhere", "kind": "related"}
        ),
        lambda d: d.update(
            events=[{"cycle": d["cycles"][0]["key"], "at": "2026-01-01T00:00:00Z", "action": "x"}]
        ),
        lambda d: d["cycles"][2].update(
            events=[{"cycle": "other", "at": "2026-01-01T00:00:00Z", "action": "x"}]
        ),
        lambda d: d.update(extra=1),
    ],
)
def test_a_refusal_anywhere_gives_up_as_the_whole_file_refuses(
    community: Community, tmp_path: Path, spoil: Any
) -> None:
    doc = generated_doc()
    spoil(doc)
    raw = layout_bytes(doc)
    path = tmp_path / "bad.json"
    path.write_bytes(raw)
    with pytest.raises(portfolio.ImportFileError):
        portfolio.read_json(path, community)
    with pytest.raises(Unsupported):
        streamed(raw, community, str(path), 1)


def test_a_later_cycles_key_or_lines_of_other_cycles_give_up(community: Community) -> None:
    text = _doc_text(generated_doc(6))
    later = text.replace('"version":1', '"cycles":[],\n"version":1')
    with pytest.raises(Unsupported):
        streamed(later.encode(), community, "x", 1)
    lines = text.split("\n")
    start = lines.index('"cycles":[')
    two_on_one = "\n".join([*lines[: start + 1], lines[start + 1] + lines[start + 2], *lines[start + 3 :]])
    assert json.loads(two_on_one)["cycles"]  # valid JSON, two cycles on one line
    with pytest.raises(Unsupported):
        streamed(two_on_one.encode(), community, "x", 1)
