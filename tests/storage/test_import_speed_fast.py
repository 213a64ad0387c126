"""``cycles import`` of a JSON export on both cores (``storage.imports.import_fast``) stores exactly what
the import of the whole file stores, on SQLite and PostgreSQL, alone or with its worker; and on
any refusal it writes nothing and the command says what it always said."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from cycles import portfolio
from cycles.community import Community
from cycles.errors import ImportFileError
from storage.exports import documents
from storage.imports import import_fast
from storage.imports.import_rows import COLUMNS, kind
from storage.units.bulk import _CYCLES, _EVENTS, _ITERATIONS, _LINKS, _NOTES, _kind
from storage.units.store import Store
from tests.conftest import PG_URL
from tests.storage.test_import_speed_layout import generated_doc, layout_bytes

KEYS = {
    "cycle": "id",
    "iteration": "cycle_id, number",
    "note": "id",
    "event": "id",
    "link": "id",
    "cycle_document": "cycle_id, format",
}


@pytest.fixture(params=["sqlite", "postgres"])
def twin_urls(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, str]]:
    """Two empty databases of one kind."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'a.db'}", f"sqlite:///{tmp_path / 'b.db'}"
        return
    first = str(request.getfixturevalue("pg_url"))
    import psycopg

    schema = f"t_{uuid.uuid4().hex[:12]}"
    base = PG_URL.replace("+psycopg", "")
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    sep = "&" if "?" in PG_URL else "?"
    try:
        yield first, f"{PG_URL}{sep}options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(base, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


def contents(store: Store) -> dict[str, Any]:
    """Every row of the loop's tables in key order (on SQLite in the order stored as well), and
    on PostgreSQL where the id sequences stand and the tables' keys and indexes."""
    out: dict[str, Any] = {}
    with store.engine.connect() as conn:
        for table, key in KEYS.items():
            out[table] = [tuple(r) for r in conn.execute(text(f"SELECT * FROM {table} ORDER BY {key}"))]
            if store.backend == "sqlite":
                out[table + " stored"] = [
                    tuple(r) for r in conn.execute(text(f"SELECT * FROM {table} ORDER BY rowid"))
                ]
        if store.backend == "postgresql":
            for table in ("cycle", "event", "link"):
                out[table + " sequence"] = tuple(
                    conn.execute(text(f"SELECT last_value, is_called FROM {table}_id_seq")).one()
                )
            out["constraints"] = sorted(
                tuple(r)
                for r in conn.execute(
                    text(
                        "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid, true) "
                        "FROM pg_constraint WHERE connamespace = current_schema()::regnamespace"
                    )
                )
            )
            out["indexes"] = sorted(
                (name, definition.replace(schema + ".", ""))
                for name, definition, schema in conn.execute(
                    text(
                        "SELECT indexname, indexdef, schemaname FROM pg_indexes "
                        "WHERE schemaname = current_schema()"
                    )
                )
            )
    return out


def fast(path: Path, community: Community, store: Store, *, parallel: bool, run_bytes: int = 3000) -> Any:
    """Import ``path`` the fast way; the summary (None: it gave up)."""
    started = import_fast.start(
        path, community, str(store.engine.url), parallel=parallel, run_bytes=run_bytes
    )
    assert started is not None, "the file is in the export's layout"
    summary = started.store(store)
    fast.failure = started.failure  # type: ignore[attr-defined]
    return summary


def whole(path: Path, community: Community, store: Store) -> None:
    """Import ``path`` as before: the whole file read, then stored."""
    from storage.workspace import Workspace

    Workspace(store, community, actor="import").import_portfolio(portfolio.read_json(path, community))


def export_file(tmp_path: Path, doc: dict[str, Any], name: str = "p.json") -> Path:
    path = tmp_path / name
    path.write_bytes(layout_bytes(doc))
    return path


def compare(
    twin_urls: tuple[str, str], community: Community, steps: list[Path], *, parallel: bool
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The databases after importing ``steps`` one after the other, the fast way and as before."""
    first, second = Store.open(twin_urls[0]), Store.open(twin_urls[1])
    try:
        for path in steps:
            summary = fast(path, community, first, parallel=parallel)
            assert summary is not None, fast.failure  # type: ignore[attr-defined]
            whole(path, community, second)
        return contents(first), contents(second)
    finally:
        first.close()
        second.close()


@pytest.mark.parametrize("parallel", [False, True])
def test_the_fast_way_stores_what_the_whole_file_stores(
    twin_urls: tuple[str, str], community: Community, tmp_path: Path, parallel: bool
) -> None:
    doc = generated_doc(50, seed=5)
    doc["events"] = [
        {"cycle": "gone", "at": "2026-01-01T00:00:00+01:00", "action": "create", "after": {"a": 1}}
    ]
    one = export_file(tmp_path, doc)
    # a second file into the same database: ids continue, foreign keys and indexes stay in place
    more = generated_doc(20, seed=6)
    for c in more["cycles"]:
        c["key"] = "more-" + c["key"]
        for it in c["iterations"]:
            if it.get("decision", {}).get("route_to"):
                it["decision"]["route_to"] = "more-" + it["decision"]["route_to"]
            for note in it.get("notes", []):
                note["id"] = "more-" + note["id"] if note.get("id") else None
    for lk in more["links"]:
        lk["source"], lk["target"] = "more-" + lk["source"], "more-" + lk["target"]
    two = export_file(tmp_path, more, "more.json")
    got, expected = compare(twin_urls, community, [one, two], parallel=parallel)
    assert got.keys() == expected.keys()
    for part in got:
        assert got[part] == expected[part], part
    assert len(got["cycle"]) == 70 and got["link"] and len(got["event"]) > 70


AWKWARD = [
    "tab\there",
    "two\nlines",
    "cr\rhere",
    "back\\slash and \\N",
    "\\.",
    'quotes "double"',
    "café, 中文, 🚀",
]


def test_awkward_texts_zones_and_a_lossless_export(
    twin_urls: tuple[str, str], community: Community, tmp_path: Path
) -> None:
    doc = generated_doc(8, seed=2)
    c = doc["cycles"][0]
    c.update(name=AWKWARD[0], owner=AWKWARD[1], stakeholders=AWKWARD, description="\n".join(AWKWARD))
    c["created"] = "2020-01-01T08:00:00+05:30"
    first = c["iterations"][0]
    first["opened"] = "2020-01-02T00:00:00.000001Z"
    first.setdefault("collect", {})["need"] = AWKWARD[3]
    doc["cycles"][1]["created"] = "2020-03-29"  # a date: midnight in the community's zone
    doc["cycles"][1]["iterations"][0]["opened"] = "2020-03-29T02:30:00"  # local, on the DST change
    doc["cycles"][2]["created"] = "1900-01-01"  # Amsterdam's local mean time: +00:19:32
    one = export_file(tmp_path, doc)
    got, expected = compare(twin_urls, community, [one], parallel=True)
    assert got == expected
    # and the lossless export of that database, imported again
    source = Store.open(twin_urls[0])
    try:
        documents.export(source, community, tmp_path / "export.json")
    finally:
        source.close()
    export = (tmp_path / "export.json").read_bytes()
    assert b'"events"' in export
    again = tmp_path / "again"
    again.mkdir()
    urls = (f"sqlite:///{again / 'a.db'}", f"sqlite:///{again / 'b.db'}")
    got, expected = compare(urls, community, [tmp_path / "export.json"], parallel=False)
    assert got == expected


def test_a_key_already_stored_writes_nothing_and_gives_up(
    db_url: str, community: Community, tmp_path: Path
) -> None:
    path = export_file(tmp_path, generated_doc(12))
    store = Store.open(db_url)
    try:
        assert fast(path, community, store, parallel=False) is not None
        before = contents(store)
        assert fast(path, community, store, parallel=True) is None
        assert "unique" in fast.failure.lower()  # type: ignore[attr-defined]
        assert contents(store) == before
    finally:
        store.close()


def test_the_columns_are_stored_as_storage_bulk_stores_them() -> None:
    for table, names in COLUMNS.items():
        model = {"cycle": _CYCLES, "iteration": _ITERATIONS, "note": _NOTES, "event": _EVENTS}[table]
        assert set(names) <= set(model.c.keys())
        assert [kind(n) for n in names] == [_kind(model, n) for n in names], table
    assert {_kind(_LINKS, n) for n in ("created_at",)} == {"instant"}


# -- the command ------------------------------------------------------------------------------------


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[..., Result]:
    config = tmp_path / "config.toml"
    config.write_text("")
    monkeypatch.chdir(tmp_path)
    # the worker for any size of file, and runs of a few cycles
    monkeypatch.setattr(import_fast, "PARALLEL_FROM", 0)
    monkeypatch.setattr(import_fast, "RUN_BYTES", 3000)

    def run(db: str, *args: str) -> Result:
        from tui.cli import main

        return CliRunner().invoke(
            main,
            ["--config", str(config), "--db", f"sqlite:///{tmp_path / db}", "--lang", "en", *args],
            env={"CYCLES_NOW": "2026-11-28T10:00:00+01:00"},
            catch_exceptions=False,
        )

    return run


def spoiled(doc: dict[str, Any], how: str) -> bytes:
    cycles = doc["cycles"]
    if how == "value":
        cycles[7]["iterations"][0]["opened"] = "the first of July"
    elif how == "type":
        cycles[9]["type"] = "hackathon"
    elif how == "twice":
        cycles[11]["key"] = cycles[2]["key"]
    elif how == "link":
        doc["links"].append({"source": cycles[0]["key"], "target": "nowhere", "kind": "related"})
    raw = layout_bytes(doc)
    if how == "syntax":
        lines = raw.split(b"\n")
        lines[12] = lines[12][:40]
        raw = b"\n".join(lines)
    elif how == "later cycles":
        raw = raw.replace(b'"version":1', b'"cycles":[],\n"version":1')
    return raw


@pytest.mark.parametrize("how", ["value", "type", "twice", "link", "syntax", "later cycles", "fine"])
def test_the_command_says_what_it_always_said(
    cli: Callable[..., Result], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    (tmp_path / "p.json").write_bytes(spoiled(generated_doc(30), how))
    tried: list[Any] = []
    start = import_fast.start

    def watched(*args: Any, **kwargs: Any) -> Any:
        tried.append(started := start(*args, **kwargs))
        return started

    monkeypatch.setattr(import_fast, "start", watched)
    result = cli("fast.db", "import", "p.json")
    assert tried and tried[0] is not None
    monkeypatch.setattr(import_fast, "start", lambda *a, **k: None)
    before = cli("whole.db", "import", "p.json")
    said = result.output.replace("fast.db", "the.db")  # the note on a new database names it
    assert (result.exit_code, said) == (before.exit_code, before.output.replace("whole.db", "the.db"))
    if how == "fine":
        assert result.exit_code == 0 and "p.json: imported 30 cycles" in result.output
        assert tried[0].failure is None
    else:
        assert result.exit_code == 1 and "cycles: error: p.json" in result.output
        assert tried[0].failure is not None
        store = Store.open(f"sqlite:///{tmp_path / 'fast.db'}")
        try:
            assert not contents(store)["cycle"]
        finally:
            store.close()


def test_the_command_refuses_keys_in_use_as_before(cli: Callable[..., Result], tmp_path: Path) -> None:
    (tmp_path / "p.json").write_bytes(layout_bytes(generated_doc(10)))
    assert cli("a.db", "import", "--quiet", "p.json").output == ""
    again = cli("a.db", "import", "p.json")
    assert again.exit_code == 1 and "cycle key already in use" in again.output


def test_the_command_with_if_empty(cli: Callable[..., Result], tmp_path: Path) -> None:
    (tmp_path / "p.json").write_bytes(layout_bytes(generated_doc(10)))
    first = cli("a.db", "import", "--if-empty", "p.json")
    assert first.exit_code == 0 and "imported 10 cycles" in first.output
    again = cli("a.db", "import", "--if-empty", "p.json")
    assert again.exit_code == 0 and "already holds cycles; nothing imported" in again.output


def test_a_file_changed_meanwhile_is_read_again(community: Community, tmp_path: Path) -> None:
    path = export_file(tmp_path, generated_doc(12))
    store = Store.open(f"sqlite:///{tmp_path / 'db.db'}")
    try:
        started = import_fast.start(path, community, str(store.engine.url), parallel=True, run_bytes=3000)
        assert started is not None
        with open(path, "ab") as fh:
            fh.write(b"\n")
        assert started.store(store) is None
        assert started.failure is not None and "changed" in started.failure
        assert not contents(store)["cycle"]
    finally:
        store.close()


def test_without_a_worker_the_command_reads_alone(
    community: Community, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import multiprocessing

    def no_fork(method: str) -> Any:
        raise ValueError(f"cannot find context for {method!r}")

    monkeypatch.setattr(multiprocessing, "get_context", no_fork)
    path = export_file(tmp_path, generated_doc(12))
    store = Store.open(f"sqlite:///{tmp_path / 'db.db'}")
    try:
        assert fast(path, community, store, parallel=True) is not None
        assert len(contents(store)["cycle"]) == 12
    finally:
        store.close()


def test_values_converted_as_storage_bulk_converts_them() -> None:
    from datetime import UTC, datetime, timedelta, timezone
    from zoneinfo import ZoneInfo

    from storage.imports import import_rows
    from storage.units import bulk

    amsterdam = ZoneInfo("Europe/Amsterdam")
    instants = [
        None,
        datetime(2026, 1, 2, 3, 4, 5, 6, tzinfo=UTC),
        datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
        datetime(2026, 3, 29, 2, 30, tzinfo=amsterdam),
        datetime(1900, 1, 1, tzinfo=amsterdam),  # local mean time, +00:19:32
        datetime(5, 1, 1, 0, 0, 0, 120000, tzinfo=timezone(timedelta(hours=-3))),
    ]

    def stored(text: str | None) -> str | None:  # storage.units.bulk's SQL on SQLite
        if text is None:
            return None
        return text[:26].replace("T", " ") if len(text) == 27 else text[:19].replace("T", " ") + ".000000"

    assert import_rows._sqlite_instants(instants) == [stored(t) for t in bulk._instant_texts(instants)]
    assert import_rows._copy_instants(instants) == ["\\N", *[t for t in bulk._instant_texts(instants)[1:]]]
    with pytest.raises(ValueError, match="timezone-aware"):
        import_rows._sqlite_instants([datetime(2026, 1, 1)])
    with pytest.raises(ValueError, match="timezone-aware"):
        import_rows._copy_instants([datetime(2026, 1, 1), datetime(2026, 1, 1, tzinfo=UTC)])
    lists = [("a", "b"), None, (), ("é", 'q"t'), ("a", "b")]
    assert import_rows._json_texts(lists) == bulk._json_texts(lists)
    snapshots = [None, {"a": [1, 2.5, None], "b": "é"}, {"c": {}}]
    assert import_rows._json_texts(snapshots) == bulk._json_texts(snapshots)
    assert import_rows._copy_json(lists) == import_rows._copy_texts(bulk._json_texts(lists))
    texts = ["tab\there", None, "back\\slash", "cr\r", "two\nlines", "\\N", ""]
    assert import_rows._copy_texts(texts) == [
        "tab\\there", "\\N", "back\\\\slash", "cr\\r", "two\\nlines", "\\\\N", ""
    ]  # fmt: skip
    with pytest.raises(import_rows.HasNul):
        import_rows._copy_texts(["a\x00b"])


DEFECTS = [None, "key twice", "route to nowhere", "link to nowhere", "key repeated at the top"]


def _with_defect(doc: dict[str, Any], defect: str | None) -> dict[str, Any]:
    cycles = doc["cycles"]
    if defect == "key twice" and len(cycles) > 1:
        cycles[-1]["key"] = cycles[0]["key"]
    elif defect == "route to nowhere":
        cycles[0]["iterations"][-1]["decision"] = {
            "at": cycles[0]["iterations"][-1]["opened"] + "T12:00:00Z"
            if "T" not in cycles[0]["iterations"][-1]["opened"]
            else cycles[0]["iterations"][-1]["opened"],
            "kind": "route",
            "why": "elsewhere",
            "route_to": "no-such-cycle",
        }
    elif defect == "link to nowhere":
        doc["links"] = [
            *doc.get("links", []),
            {"source": cycles[0]["key"], "target": "nowhere", "kind": "related"},
        ]
    elif defect == "key repeated at the top":
        doc["version"] = doc.get("version", 1)
    return doc


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    seed=st.integers(0, 10_000),
    n=st.integers(1, 12),
    defect=st.sampled_from(DEFECTS),
    run_bytes=st.sampled_from([1, 700, 1 << 20]),
)
def test_the_fast_way_and_the_whole_file_accept_and_store_alike(
    community: Community,
    tmp_path_factory: pytest.TempPathFactory,
    seed: int,
    n: int,
    defect: str | None,
    run_bytes: int,
) -> None:
    """The import's two paths keep one rule set: on generated files, with or without a defect, the
    fast way stores what the whole file stores, and gives up (writing nothing, so that the whole
    file's checker words the refusal) exactly where the whole file is refused."""
    folder = tmp_path_factory.mktemp("twins")
    doc = _with_defect(generated_doc(n, seed=seed), defect)
    raw = layout_bytes(doc)
    if defect == "key repeated at the top":  # a second "version" member, as a hand-edited file may hold
        raw = raw.replace(b'{"version":', b'{"version":1,"version":', 1)
    path = folder / "p.json"
    path.write_bytes(raw)
    first, second = Store.open(f"sqlite:///{folder / 'a.db'}"), Store.open(f"sqlite:///{folder / 'b.db'}")
    try:
        started = import_fast.start(
            path, community, str(first.engine.url), parallel=False, run_bytes=run_bytes
        )
        stored = started.store(first) if started is not None else None
        try:
            whole(path, community, second)
            refused = False
        except ImportFileError:
            refused = True
        if defect is None:  # a plain export: the fast way takes it
            assert started is not None and stored is not None, started and started.failure
        if refused:
            assert stored is None
        if stored is not None:
            assert not refused and contents(first) == contents(second)
        else:
            assert contents(first)["cycle"] == []  # gave up: nothing written
    finally:
        first.close()
        second.close()
