"""The lossless JSON export: read back by the json module, byte-identical after a round trip."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cycles.community import Community
from cycles.errors import CyclesError, ImportFileError
from cycles.repository import CycleFilter
from storage.exports import documents
from storage.formats import portfolio_json
from storage.reading.export import document, read_document
from storage.reading.rows import Selection
from tests.conftest import FrozenClock
from tests.exports.conftest import at, build, open_workspace


def _sorted_everywhere(value: Any, path: str = "$") -> None:
    if isinstance(value, dict):
        assert list(value) == sorted(value), f"keys not sorted at {path}"
        for k, v in value.items():
            _sorted_everywhere(v, f"{path}.{k}")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            _sorted_everywhere(v, f"{path}[{i}]")


def test_json_reads_back_with_sorted_keys_and_every_record(filled, out: Path) -> None:
    path = out / "p.json"
    counts = documents.export(filled.store, filled.community, path)
    data = json.loads(path.read_text("utf-8"))
    _sorted_everywhere(data)
    assert data["version"] == 1 and data["community"] == "SPARK"
    keys = [c["key"] for c in data["cycles"]]
    assert keys == sorted(keys)
    assert counts == {
        "cycles": 8,
        "iterations": 9,
        "notes": 3,
        "evaluations": 5,
        "links": 2,
        "events": counts["events"],
    }
    nano = next(c for c in data["cycles"] if c["key"] == "nano-ai")
    assert nano["iterations"][1]["decision"] == {
        "at": "2026-08-01T09:00:00Z", "kind": "route", "why": "Turn it into a training",
        "route_to": "nano-ai-training",
    }  # fmt: skip
    assert nano["iterations"][0]["evaluation"]["principles"] == ["above-all-do", "hinge"]
    assert [e["action"] for e in nano["events"]][:3] == ["create", "start", "note"]
    # the undone route of sat-brabant left history without a cycle: kept at the top level
    assert {e["cycle"] for e in data["events"]} == {"sat-eindhoven"}
    assert {(lk["source"], lk["target"], lk["kind"]) for lk in data["links"]} == {
        ("nano-ai-training", "nano-ai", "route_of"),
        ("showcase-bb", "nano-ai", "related"),
    }
    assert "version_id" not in path.read_text() and '"id":1' not in path.read_text()


def _round_trip(source_ws, target_url: str, community: Community, clock: FrozenClock, out: Path) -> None:
    first, second = out / "first.json", out / "second.json"
    documents.export(source_ws.store, community, first)
    target = open_workspace(target_url, community, clock)
    try:
        assert target.list(CycleFilter(include_ended=True)) == []
        target.import_portfolio(portfolio_json.read(first, community))
        documents.export(target.store, community, second)
        assert second.read_bytes() == first.read_bytes()
        # and the database behind it is the same: every cycle with its history and links
        for key in ("nano-ai", "showcase-bb", "fund-partner"):
            (c1, links1, events1), (c2, links2, events2) = source_ws.detail(key), target.detail(key)
            assert c1.model_copy(update={"version": 0}) == c2.model_copy(update={"version": 0})
            assert links1 == links2 and events1 == events2
        with source_ws.store.read() as mine, target.store.read() as theirs:
            assert mine.history("sat-eindhoven") == theirs.history("sat-eindhoven") != []
    finally:
        target.store.close()


def test_round_trip_into_db_url_is_byte_identical(filled, db_url: str, community, export_clock, out) -> None:
    _round_trip(filled, db_url, community, export_clock, out)


def test_round_trip_from_db_url_is_byte_identical(
    db_url: str, community, export_clock, tmp_path, out
) -> None:
    source = open_workspace(db_url, community, export_clock)
    try:
        build(source, export_clock)
        _round_trip(source, f"sqlite:///{tmp_path / 'target.db'}", community, export_clock, out)
    finally:
        source.store.close()


def test_filters_select_cycles_and_the_links_among_them(filled, out: Path) -> None:
    doc = read_document(filled.store, "SPARK", Selection(scales=("inhoud",)))
    assert [c["key"] for c in doc["cycles"]] == ["nano-ai", "nano-ai-training", "opencoffee", "showcase-bb"]
    assert len(doc["links"]) == 2 and "events" not in doc
    doc = read_document(filled.store, "SPARK", Selection(types=("funding-route", "event")))
    assert [c["key"] for c in doc["cycles"]] == ["fund-partner", "fund-project", "fund-subsidy", "opencoffee"]
    assert doc["links"] == []


def test_syntax_error_names_line_and_column(tmp_path: Path, community) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"version": 1,\n "cycles": [\n  {"key": "a",, }\n ]}\n')
    with pytest.raises(ImportFileError, match=r"bad\.json:3:\d+: not valid JSON"):
        portfolio_json.read(bad, community)


def test_deep_nesting_is_refused_cleanly(tmp_path: Path, community) -> None:
    bad = tmp_path / "deep.json"
    bad.write_text("[" * 100_000 + "]" * 100_000)
    with pytest.raises(ImportFileError, match=r"deep\.json"):
        portfolio_json.read(bad, community)


def test_event_under_the_wrong_cycle_is_refused(filled, out: Path, community) -> None:
    path = out / "p.json"
    documents.export(filled.store, community, path)
    data = json.loads(path.read_text())
    data["cycles"][0]["events"][0]["cycle"] = "someone-else"
    path.write_text(json.dumps(data))
    with pytest.raises(
        ImportFileError, match=r"cycles\.0\.events\.0: the event belongs to cycle 'someone-else'"
    ):
        portfolio_json.read(path, community)


def test_bad_event_names_its_json_path(filled, out: Path, community) -> None:
    path = out / "p.json"
    documents.export(filled.store, community, path)
    data = json.loads(path.read_text())
    data["cycles"][2]["events"][0]["at"] = "2026-06-01T09:00:00"  # no zone
    path.write_text(json.dumps(data))
    with pytest.raises(ImportFileError, match=r"cycles\.2\.events\.0\.at: .*timezone"):
        portfolio_json.read(path, community)


def test_route_to_outside_a_filtered_export_is_refused_on_import(filled, out: Path, community) -> None:
    path = out / "p.json"
    portfolio_json.write(read_document(filled.store, "SPARK", Selection(types=("nanomodule",))), path)
    with pytest.raises(ImportFileError, match="route_to 'nano-ai-training' is not a cycle in this file"):
        portfolio_json.read(path, community)


def test_export_keeps_microseconds_and_zones(sqlite_url, community, out: Path) -> None:
    clock = FrozenClock(at(3, 29, 1).replace(microsecond=123456))
    ws = open_workspace(sqlite_url, community, clock)
    try:
        ws.create(name="Precise", activity_type="nanomodule", key="precise")
        documents.export(ws.store, community, out / "p.json")
        data = json.loads((out / "p.json").read_text())
        assert data["cycles"][0]["created"] == "2026-03-29T01:00:00.123456Z"
        assert data["cycles"][0]["iterations"][0]["due_on"] == "2026-04-12"
    finally:
        ws.store.close()


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)
_fields = st.sampled_from(
    ["key", "name", "type", "iterations", "events", "opened", "decision", "links", "at"]
)


@settings(max_examples=200, deadline=None)
@given(
    cycles=st.lists(st.dictionaries(_fields, _json, max_size=6), max_size=3),
    links=_json,
    events=_json,
)
def test_any_json_is_refused_cleanly_or_accepted(community, cycles: Any, links: Any, events: Any) -> None:
    """Whatever the structure, the reader answers with a portfolio or an ImportFileError."""
    from cycles import portfolio

    with contextlib.suppress(CyclesError):
        portfolio.parse({"version": 1, "cycles": cycles, "links": links, "events": events}, community)


# -- stored JSON is written exactly, whatever it holds ------------------------------------------------

ODD = {"small": 1e-05, "float": 0.1, "big": 10**20, "word": 'é\u2028\x07"', "z": [2.5e-7, None], "a": True}


def _with_odd_event(filled, out: Path) -> Path:
    """An export of the known portfolio whose first event's ``after`` holds numbers that orjson
    writes differently from the json module, written in the export's own layout."""
    path = out / "odd.json"
    documents.export(filled.store, filled.community, path)
    lines = path.read_text("utf-8").split("\n")
    at = next(i for i, line in enumerate(lines) if line.startswith('{"cadence_days"'))
    cycle = json.loads(lines[at].rstrip(","))
    cycle["events"][0]["after"] = ODD
    lines[at] = json.dumps(cycle, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + (
        "," if lines[at].endswith(",") else ""
    )
    path.write_text("\n".join(lines), "utf-8")
    return path


def test_stored_json_is_written_as_the_json_module_writes_it(
    filled, db_url: str, community, export_clock, out: Path
) -> None:
    source = _with_odd_event(filled, out)
    target = open_workspace(db_url, community, export_clock)
    try:
        target.import_portfolio(portfolio_json.read(source, community))
        first = out / "first.json"
        documents.export(target.store, community, first)
    finally:
        target.store.close()
    exact = json.dumps(ODD, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    assert f'"after":{exact},' in first.read_text("utf-8")  # not orjson's 1e-5 or a lossy float
    assert first.read_bytes() == source.read_bytes()
    again = open_workspace(f"sqlite:///{out / 'again.db'}", community, export_clock)
    try:
        again.import_portfolio(portfolio_json.read(first, community))
        documents.export(again.store, community, out / "second.json")
    finally:
        again.store.close()
    assert (out / "second.json").read_bytes() == first.read_bytes()


def test_direct_reader_reads_what_the_store_reads(db_url: str, community, export_clock, out: Path) -> None:
    """The ORM-free read of the export commands sees the same rows as the read through Store."""
    from storage.reading.rows import direct_reader, read_rows

    source = open_workspace(db_url, community, export_clock)
    try:
        build(source, export_clock)
        through_store = read_rows(source.store)
        reader = direct_reader(db_url)
        assert reader is not None
        try:
            direct = read_rows(reader)
        finally:
            reader.close()
        assert direct == through_store
        assert direct.events and direct.notes and direct.links
        assert document(direct, "SPARK") == read_document(source.store, "SPARK")
    finally:
        source.store.close()


def test_direct_reader_declines_what_it_cannot_read(tmp_path: Path) -> None:
    from storage.reading.rows import direct_reader

    assert direct_reader(f"sqlite:///{tmp_path / 'missing.db'}") is None  # the Store creates it
    assert direct_reader("sqlite://") is None
    assert direct_reader("mysql://somewhere/db") is None
