"""The JSON, CSV and XLSX exports from stored cycle pieces (``storage.exports.documents``,
``storage.exports.table_pieces``) are byte for byte the exports built from rows, after any sequence of real
operations, on SQLite and PostgreSQL; a stale stored piece is never used; storing is best effort."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from cycles.community import Community
from cycles.model import DecisionKind, LinkKind
from storage.exports import document_save, documents, table_pieces
from storage.formats import portfolio_csv, portfolio_json, portfolio_xlsx
from storage.reading.export import counts, document
from storage.reading.rows import ALL, Reader, Selection, direct_reader, read_rows, snapshot
from storage.units import document_store
from storage.units.store import Store
from storage.workspace import Workspace
from tests.conftest import FrozenClock

SELECTIONS = [ALL, Selection(scales=("inhoud",)), Selection(types=("funding-route", "event"))]


@dataclass
class Format:
    """One export that is made of stored pieces: how to make it both ways, and to read it."""

    name: str
    suffix: str
    rows: Callable[[Store, Path, Selection], dict[str, int]]  # the export built from rows
    export: Callable[[Store | Reader | str, Path, Selection], dict[str, int]]  # from stored pieces
    read: Callable[[Reader], Any]  # what the export reads, with its pending pieces


def json_rows(store: Store, path: Path, selection: Selection) -> dict[str, int]:
    doc = document(read_rows(store, selection), "SPARK", orphans=selection.everything)
    portfolio_json.write(doc, path)
    return counts(json.loads(path.read_bytes()))


@pytest.fixture(params=["json", "csv", "xlsx"])
def fmt(request: pytest.FixtureRequest, community: Community) -> Format:
    if request.param == "json":
        return Format(
            "json",
            ".json",
            json_rows,
            lambda source, path, selection: documents.export_json(source, "SPARK", path, selection),
            lambda reader: documents.read_export(reader, "SPARK"),
        )
    if request.param == "csv":
        return Format(
            "csv",
            ".zip",
            lambda store, path, selection: portfolio_csv.export_from_rows(store, community, path, selection),
            lambda source, path, selection: table_pieces.export_tables(source, community, path, selection),
            lambda reader: table_pieces.read_export(reader, community),
        )
    layout = table_pieces.XLSX
    return Format(
        "xlsx",
        ".xlsx",
        lambda store, path, selection: portfolio_xlsx.export_from_rows(store, community, path, selection),
        lambda source, path, selection: table_pieces.export_tables(
            source, community, path, selection, layout
        ),
        lambda reader: table_pieces.read_export(reader, community, ALL, layout),
    )


def from_rows(
    fmt: Format, store: Store, path: Path, selection: Selection = ALL
) -> tuple[bytes, dict[str, int]]:
    """The export as built from rows, as it was before stored pieces, and its counts."""
    made = fmt.rows(store, path, selection)
    return path.read_bytes(), made


def stored(store: Store, fmt: str) -> dict[str, tuple[int, int]]:
    """The stored pieces of the format: key -> (version stored, the cycle's version)."""
    with store.engine.connect() as conn:
        rows = conn.execute(
            text(
                'SELECT d."key", d.version, c.version FROM cycle_document d '
                "JOIN cycle c ON c.id = d.cycle_id WHERE d.format = :format"
            ),
            {"format": fmt},
        )
        return {k: (int(v), int(cv)) for k, v, cv in rows}


def check(fmt: Format, source: Store | str, store: Store, tmp_path: Path, selection: Selection = ALL) -> None:
    """Export twice (the first fills the store, the second reads it): both equal the export from
    rows, and so do the counts."""
    expected, expected_counts = from_rows(fmt, store, tmp_path / f"rows{fmt.suffix}", selection)
    for name in ("first", "second"):
        out = tmp_path / f"{name}{fmt.suffix}"
        made = fmt.export(source, out, selection)
        assert out.read_bytes() == expected
        assert made == expected_counts
    kept = stored(store, fmt.name)
    keys = [c[0] for c in read_rows(store, selection, notes=False, events=False).cycles]
    assert all(kept.get(k, (0, 1))[0] == kept.get(k, (0, 1))[1] for k in keys), "every piece is stored"


def everything(fmt: Format, source: Store | str, store: Store, tmp_path: Path) -> None:
    for selection in SELECTIONS:
        check(fmt, source, store, tmp_path, selection)


def test_stored_export_equals_the_export_from_rows_after_every_operation(
    fmt: Format, db_url: str, store: Store, ws: Workspace, clock: FrozenClock, tmp_path: Path
) -> None:
    def tick() -> None:
        clock.advance(hours=5)

    everything(fmt, store, store, tmp_path)  # empty
    ws.create(name="Nano AI", activity_type="nanomodule", key="nano", owner="Anouk")
    ws.create(name="Open coffee", activity_type="event", key="coffee")
    ws.create(name="Subsidy", activity_type="funding-route", key="fund")
    everything(fmt, store, store, tmp_path)
    steps = [
        lambda: ws.edit("nano", description="Directors ✓", stakeholders=["a", "b"]),
        lambda: ws.collect("nano", need="Insight", resources="@budget"),
        lambda: ws.start("nano", "Eindhoven"),
        lambda: ws.note("nano", "Liked it\nsecond line"),
        lambda: ws.start("coffee", "Bouw"),
        lambda: ws.evaluate("nano", findings="Good", value_levels=["immediate"], principles=["radar"]),
        lambda: ws.decide("nano", DecisionKind.NEXT, "Again"),
        lambda: ws.start("nano", "Helmond"),
        lambda: ws.evaluate("nano", findings="Deeper", outcome_levels=["meso"]),
        lambda: ws.decide("nano", DecisionKind.ROUTE, "Train", route_key="nano-t", route_type="training"),
        lambda: ws.link("coffee", "nano", LinkKind.RELATED, note="see"),
        lambda: ws.undo("coffee"),  # the link
        lambda: ws.link("coffee", "nano", LinkKind.RELATED, note="again"),
        lambda: ws.undo("nano"),  # the route: nano-t is deleted, its history stays (orphan)
        lambda: ws.start("fund", "Subsidy A"),
        lambda: ws.evaluate("fund", findings="Ends"),
        lambda: ws.decide("fund", DecisionKind.DROP, "Over"),
        lambda: ws.undo("fund"),
        lambda: ws.decide("nano", DecisionKind.ROUTE, "Again a training", route_key="nano-t"),
        lambda: ws.collect("nano-t", need="the new one"),
        lambda: ws.start("nano-t", "Tilburg"),
        lambda: ws.note("nano-t", "the new one"),
    ]
    for step in steps:
        tick()
        step()
        everything(fmt, store, store, tmp_path)
    everything(fmt, db_url, store, tmp_path)  # through the URL: the driver alone, stored by the driver
    # and an import into the same database, then every export again
    documents.export(store, ws.community, tmp_path / "all.json")
    target = Store.open(f"sqlite:///{tmp_path / 'copy.db'}")
    try:
        Workspace(target, ws.community, actor="x", clock=clock).import_portfolio(
            portfolio_json.read(tmp_path / "all.json", ws.community)
        )
        everything(fmt, target, target, tmp_path)
        check(fmt, target, target, tmp_path)
        original = from_rows(fmt, store, tmp_path / f"original{fmt.suffix}")[0]
        assert (tmp_path / f"second{fmt.suffix}").read_bytes() == original  # the import's export
    finally:
        target.close()


def test_a_deleted_route_and_its_successor_under_the_same_key_never_share_a_document(
    fmt: Format, store: Store, ws: Workspace, clock: FrozenClock, tmp_path: Path
) -> None:
    ws.create(name="Sat", activity_type="satellite", key="sat")
    ws.start("sat", "DomeX")
    ws.evaluate("sat", findings="Try elsewhere")
    ws.decide("sat", DecisionKind.ROUTE, "Pilot", route_key="sat-2")
    check(fmt, store, store, tmp_path)
    assert "sat-2" in stored(store, fmt.name)
    ws.undo("sat")  # deletes sat-2 (version 1) and its document
    assert "sat-2" not in stored(store, fmt.name)
    ws.decide("sat", DecisionKind.ROUTE, "Pilot", route_key="sat-2")  # same clock, same key
    check(fmt, store, store, tmp_path)


def test_a_stale_document_is_rebuilt_and_replaced(
    fmt: Format, store: Store, ws: Workspace, tmp_path: Path
) -> None:
    ws.create(name="A", activity_type="event", key="a")
    ws.create(name="B", activity_type="event", key="b")
    check(fmt, store, store, tmp_path)
    with store.engine.begin() as conn:  # a document of another version, with a wrong body
        conn.execute(
            text("UPDATE cycle_document SET version = version + 7, body = :body WHERE \"key\" = 'a'"),
            {"body": document_store.compress([b'{"key":"wrong"}'])[0]},
        )
        conn.execute(text("UPDATE cycle SET version = version + 1 WHERE \"key\" = 'b'"))  # a newer cycle
    check(fmt, store, store, tmp_path)
    assert stored(store, fmt.name) == {"a": (1, 1), "b": (2, 2)}


def test_history_added_to_a_stored_cycle_by_an_import_forgets_its_document(
    fmt: Format, store: Store, ws: Workspace, community: Community, clock: FrozenClock, tmp_path: Path
) -> None:
    """An import's top-level events of a cycle already stored make its line longer, with no new
    version: its stored document goes."""
    source = Store.open(f"sqlite:///{tmp_path / 'source.db'}")
    try:
        there = Workspace(source, community, actor="x", clock=clock)
        there.create(name="Sat", activity_type="satellite", key="sat")
        there.start("sat", "DomeX")
        there.evaluate("sat", findings="Try elsewhere")
        there.decide("sat", DecisionKind.ROUTE, "Pilot", route_key="sat-2")
        there.undo("sat")
        documents.export(source, community, tmp_path / "with-orphans.json")
    finally:
        source.close()
    assert b'"events":[' in (tmp_path / "with-orphans.json").read_bytes()
    ws.create(name="Sat two", activity_type="satellite", key="sat-2")
    check(fmt, store, store, tmp_path)
    assert "sat-2" in stored(store, fmt.name)
    ws.import_portfolio(portfolio_json.read(tmp_path / "with-orphans.json", community))
    assert "sat-2" not in stored(store, fmt.name)
    check(fmt, store, store, tmp_path)


def test_many_stale_cycles_are_read_by_selection(
    fmt: Format, store: Store, ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(documents, "MAX_ONLY", 1)
    for key in ("a", "b", "c"):
        ws.create(name=key.upper(), activity_type="event", key=key)
        ws.start(key, "here")
        ws.note(key, f"note on {key}")
    check(fmt, store, store, tmp_path)
    ws.note("b", "later")
    ws.note("c", "later")
    check(fmt, store, store, tmp_path, Selection(types=("event",)))


def test_a_change_between_the_read_and_the_store_is_not_stored(
    fmt: Format, db_url: str, store: Store, ws: Workspace, tmp_path: Path
) -> None:
    ws.create(name="A", activity_type="event", key="a")
    ws.create(name="B", activity_type="event", key="b")
    with snapshot(store) as reader:
        made = fmt.read(reader)
    ws.start("a", "meanwhile")  # a new version and a new event
    assert document_save.save(db_url, made.pending) == 1  # b only
    assert set(stored(store, fmt.name)) == {"b"}
    check(fmt, store, store, tmp_path)


def one_cycle(fmt: Format, url: str, community: Community, clock: FrozenClock, tmp_path: Path) -> bytes:
    """A database of one cycle, and its export built from rows."""
    store = Store.open(url)
    try:
        Workspace(store, community, actor="a", clock=clock).create(name="A", activity_type="event", key="a")
        return from_rows(fmt, store, tmp_path / f"rows{fmt.suffix}")[0]
    finally:
        store.close()


def test_a_locked_database_still_exports(
    fmt: Format,
    sqlite_url: str,
    community: Community,
    clock: FrozenClock,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    expected = one_cycle(fmt, sqlite_url, community, clock, tmp_path)
    monkeypatch.setattr(document_save, "SQLITE_BUSY_S", 0.0)
    holder = sqlite3.connect(sqlite_url.removeprefix("sqlite:///"), isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")  # another writer holds the database
        made = fmt.export(sqlite_url, tmp_path / f"out{fmt.suffix}", ALL)
        assert (tmp_path / f"out{fmt.suffix}").read_bytes() == expected and made["cycles"] == 1
        holder.execute("ROLLBACK")
        assert holder.execute("SELECT count(*) FROM cycle_document").fetchone() == (0,)
    finally:
        holder.close()


def test_a_read_only_database_file_still_exports(
    fmt: Format,
    sqlite_url: str,
    community: Community,
    clock: FrozenClock,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    expected = one_cycle(fmt, sqlite_url, community, clock, tmp_path)
    db = Path(sqlite_url.removeprefix("sqlite:///"))
    real_connect = sqlite3.connect

    def read_only(database: str, *args: object, **kwargs: object) -> sqlite3.Connection:
        # root ignores file modes: open every connection read-only, as for a user without rights
        uri = database if str(database).startswith("file:") else f"file:{database}?mode=ro"
        kwargs["uri"] = True
        return real_connect(uri, *args, **kwargs)  # type: ignore[arg-type]

    db.chmod(0o444)
    monkeypatch.setattr(sqlite3, "connect", read_only)
    try:
        made = fmt.export(sqlite_url, tmp_path / f"out{fmt.suffix}", ALL)
        assert (tmp_path / f"out{fmt.suffix}").read_bytes() == expected and made["cycles"] == 1
    finally:
        monkeypatch.undo()
        db.chmod(0o600)
    reader = direct_reader(sqlite_url)
    assert reader is not None
    try:
        assert reader.all("SELECT count(*) FROM cycle_document") == [(0,)]
    finally:
        reader.close()


def test_upgrading_a_0002_database_adds_the_table_and_exports_the_same(
    fmt: Format, db_url: str, community: Community, clock: FrozenClock, tmp_path: Path
) -> None:
    from alembic import command
    from alembic.autogenerate import compare_metadata
    from alembic.config import Config
    from alembic.migration import MigrationContext

    from storage.schema.engine import make_engine
    from storage.schema.migrate import HEAD, MIGRATIONS, current_revision, upgrade
    from storage.schema.tables import metadata

    engine = make_engine(db_url)
    upgrade(engine, target="0002")
    old = Workspace(Store(engine), community, actor="ann", clock=clock)
    old.create(name="Kept", activity_type="event", key="kept")
    old.start("kept", "here")
    old.note("kept", "a note")
    engine.dispose()
    store = Store.open(db_url)  # migrates
    try:
        assert current_revision(store.engine) == HEAD
        with store.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), metadata)
        assert [d for d in diff if "cycle_document" in repr(d)] == []
        check(fmt, store, store, tmp_path)
        assert set(stored(store, fmt.name)) == {"kept"}
        cfg = Config()
        cfg.set_main_option("script_location", str(MIGRATIONS))
        with store.engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "0002")
        assert current_revision(store.engine) == "0002"
        upgrade(store.engine)
        assert current_revision(store.engine) == HEAD and stored(store, fmt.name) == {}
        check(fmt, store, store, tmp_path)
    finally:
        store.close()


def test_the_scale_cell_follows_the_community_not_the_stored_piece(
    store: Store, ws: Workspace, community: Community, tmp_path: Path
) -> None:
    """The scale cell of the cycles table is the community's scale of the cycle's type at export:
    a community that no longer knows the type gives an empty cell, also from stored pieces."""
    ws.create(name="Coffee", activity_type="event", key="coffee")
    ws.create(name="Sat", activity_type="satellite", key="sat")
    first = tmp_path / "first"
    table_pieces.export_tables(store, community, first, ALL)
    rows = (first / "cycles.csv").read_text("utf-8-sig").splitlines()
    assert [r.split(",")[3] for r in rows[1:]] == ["inhoud", "netwerk"]
    data = community.model_dump()
    data["activity_types"] = [t for t in data["activity_types"] if t["key"] != "event"]
    smaller = Community.model_validate(data)
    expected = tmp_path / "rows"
    portfolio_csv.export_from_rows(store, smaller, expected, ALL)
    again = tmp_path / "again"
    table_pieces.export_tables(store, smaller, again, ALL)
    assert stored(store, "csv") != {}  # read from pieces
    for name in ("cycles", "iterations", "events"):
        assert (again / f"{name}.csv").read_bytes() == (expected / f"{name}.csv").read_bytes()
    rows = (again / "cycles.csv").read_text("utf-8-sig").splitlines()
    assert [r.split(",")[3] for r in rows[1:]] == ["", "netwerk"]
    # the same for the spreadsheet: its pieces stored with one community, written with the other
    table_pieces.export_tables(store, community, tmp_path / "first.xlsx", ALL, table_pieces.XLSX)
    assert stored(store, "xlsx") != {}
    portfolio_xlsx.export_from_rows(store, smaller, tmp_path / "rows.xlsx", ALL)
    table_pieces.export_tables(store, smaller, tmp_path / "again.xlsx", ALL, table_pieces.XLSX)
    assert (tmp_path / "again.xlsx").read_bytes() == (tmp_path / "rows.xlsx").read_bytes()
    assert (tmp_path / "again.xlsx").read_bytes() != (tmp_path / "first.xlsx").read_bytes()
