"""Importing a portfolio: all of it reads back as it was, or, on any refusal, nothing is written."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from benchmarks.generate import generate
from cycles import portfolio
from cycles.community import Community
from cycles.errors import ImportFileError, StorageError, TransitionError
from cycles.model import LinkKind
from cycles.repository import CycleFilter
from storage.workspace import Workspace

EXAMPLE = Path(__file__).parents[1] / "cycles" / "data" / "portfolio.yaml"
NOW = datetime(2026, 3, 20, 9, tzinfo=UTC)


def test_an_imported_portfolio_reads_back_as_it_was(ws: Workspace, community: Community) -> None:
    data = portfolio.read(EXAMPLE, community)
    ws.import_portfolio(data)
    for cycle in data.cycles:
        assert ws.get(cycle.key) == cycle.model_copy(update={"version": 1}), cycle.key
    assert {(lk.source, lk.target, lk.kind) for lk in ws.links("boschveld")} == {
        ("hta-challenge", "boschveld", LinkKind.SPAWNED_FROM)
    }
    [event] = ws.history("nano-ai")
    assert (event.action, event.actor, event.before) == ("import", "import", None)


def test_a_generated_portfolio_reads_back_as_it_was(
    ws: Workspace, counts: Callable[[], dict[str, int]]
) -> None:
    data = generate(60, seed=7, iterations_per_cycle=4, now=NOW)
    ws.import_portfolio(data)
    for cycle in data.cycles:
        assert ws.get(cycle.key) == cycle.model_copy(update={"version": 1}), cycle.key
    rows = counts()
    assert rows["cycle"] == 60
    assert rows["iteration"] == sum(len(c.iterations) for c in data.cycles)
    assert rows["note"] == sum(len(it.notes) for c in data.cycles for it in c.iterations)
    assert rows["link"] == len(data.links)
    assert rows["event"] == len(data.events)
    assert len(ws.list(CycleFilter(include_ended=True))) == 60


def test_an_import_that_meets_an_existing_key_writes_nothing(
    ws: Workspace, community: Community, counts: Callable[[], dict[str, int]]
) -> None:
    ws.create(key="boschveld", name="Already here", activity_type="showcase")
    before = counts()
    with pytest.raises(TransitionError, match="cycle key already in use: boschveld"):
        ws.import_portfolio(portfolio.read(EXAMPLE, community))
    assert counts() == before
    assert [s.key for s in ws.list(CycleFilter(include_ended=True))] == ["boschveld"]


def test_an_import_refused_by_the_database_halfway_writes_nothing(
    ws: Workspace, community: Community, counts: Callable[[], dict[str, int]], tmp_path: Path
) -> None:
    # Two cycles give their notes the same id: valid as a file, refused by the note table's key,
    # after the cycles and iterations have been inserted in the same transaction.
    text = EXAMPLE.read_text("utf-8")
    text = text.replace("text: 12 directors came,", "id: dup, text: 12 directors came,")
    text = text.replace("text: fewer people online}", "id: dup, text: fewer people online}")
    path = tmp_path / "dup.yaml"
    path.write_text(text, "utf-8")
    data = portfolio.read(path, community)
    before = counts()
    with pytest.raises(StorageError, match="nothing was written"):
        ws.import_portfolio(data)
    assert counts() == before


def test_a_refused_file_writes_nothing(
    ws: Workspace, community: Community, counts: Callable[[], dict[str, int]], tmp_path: Path
) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(EXAMPLE.read_text("utf-8").replace("type: team", "type: hackathon"), "utf-8")
    before = counts()
    with pytest.raises(
        ImportFileError, match=r"bad\.yaml:\d+: cycles\.9 \(team-facilitators\): unknown activity"
    ):
        ws.import_portfolio(portfolio.read(path, community))
    assert counts() == before


def test_the_generator_command_stores_and_writes_a_portfolio(
    sqlite_url: str, community: Community, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from benchmarks.generate import main
    from storage.units.store import Store

    out = tmp_path / "synthetic.yaml"
    args = ["--cycles", "40", "--iterations", "3", "--seed", "5", "--now", "2026-11-28T09:00:00+01:00"]
    assert main([*args, "--db", sqlite_url, "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert printed.startswith("generated 40 cycles, ")
    assert "stored in sqlite:///" in printed
    store = Store.open(sqlite_url)
    try:
        with store.read() as repo:
            stored = repo.summaries(CycleFilter(include_ended=True), NOW.date())
    finally:
        store.close()
    from_file = portfolio.read(out, community)
    assert sorted(s.key for s in stored) == sorted(c.key for c in from_file.cycles)
    generated = generate(40, seed=5, iterations_per_cycle=3, now=datetime(2026, 11, 28, 8, tzinfo=UTC))
    assert (from_file.cycles, from_file.links) == (generated.cycles, generated.links)


AWKWARD = [
    "tab\there",
    "two\nlines",
    "back\\slash and \\N",
    "quotes \"double\" and 'single'",
    "unicode: café, 中文, 🚀",
    "\\.",
]


def test_awkward_texts_and_zones_are_stored_as_written(ws: Workspace, community: Community) -> None:
    """What the bulk paths (SQLite ``executemany``, PostgreSQL ``COPY``) must escape or convert:
    tabs, line breaks, backslashes, COPY's markers, quotes, any Unicode, instants in other zones
    and without microseconds."""
    data = {
        "version": 1,
        "cycles": [
            {
                "key": "awkward",
                "name": AWKWARD[0],
                "type": "event",
                "owner": AWKWARD[1],
                "stakeholders": AWKWARD,
                "description": "\n".join(AWKWARD),
                "created": "2026-01-01T08:00:00+05:30",
                "iterations": [
                    {
                        "opened": "2026-01-02T00:00:00.000001Z",
                        "started": "2026-01-03",
                        "collect": {"need": AWKWARD[2], "stakeholders_involved": AWKWARD[3:]},
                        "notes": [{"at": "2026-01-04T12:00:00-08:00", "text": t} for t in AWKWARD],
                        "evaluation": {"at": "2026-01-05T10:00:00Z", "findings": AWKWARD[4]},
                    }
                ],
            }
        ],
    }
    imported = portfolio.parse(data, community)
    ws.import_portfolio(imported)
    [cycle] = imported.cycles
    stored = ws.get("awkward")
    assert stored == cycle.model_copy(update={"version": 1})
    assert stored.created_at == datetime(2026, 1, 1, 2, 30, tzinfo=UTC)
    assert stored.current.opened_at.microsecond == 1
    assert [n.text for n in stored.current.notes] == AWKWARD


def test_a_portfolio_of_domain_records_and_one_read_from_a_file_store_alike(
    ws: Workspace, community: Community, tmp_path: Path
) -> None:
    from benchmarks.generate import write_file

    generated = generate(12, seed=3, iterations_per_cycle=3, now=NOW)
    path = tmp_path / "g.json"
    write_file(generated, path)
    from_file = portfolio.read(path, community)
    assert from_file.cycles == generated.cycles
    assert from_file.counts() == generated.counts() | {"events": 12}
    ws.import_portfolio(from_file)
    assert [ws.get(c.key) for c in generated.cycles] == [
        c.model_copy(update={"version": 1}) for c in generated.cycles
    ]


def test_domain_records_adjusted_before_storing_are_what_is_stored(
    ws: Workspace, community: Community
) -> None:
    data = portfolio.read(EXAMPLE, community)
    for event in data.events:
        event.summary = "example"
    data.cycles[0].description = "adjusted"
    ws.import_portfolio(data)
    first = data.cycles[0].key
    assert ws.get(first).description == "adjusted"
    assert {e.summary for e in ws.history(first)} == {"example"}
