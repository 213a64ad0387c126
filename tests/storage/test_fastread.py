"""The ORM-free read paths of ``cycles list`` answer exactly as the repository does."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import pytest

from cycles.community import Community
from cycles.errors import StorageError
from cycles.model import CycleSummary, DueState, Phase
from cycles.portfolio import read
from cycles.repository import CycleFilter
from storage.direct import fastread, fastread_pg
from storage.units.store import Store
from storage.workspace import Workspace
from tests.conftest import EXAMPLE, FrozenClock

FILTERS = [
    CycleFilter(),
    CycleFilter(include_ended=True),
    CycleFilter(scale="netwerk"),
    CycleFilter(activity_type="satellite"),
    CycleFilter(phase=Phase.RUN),
    CycleFilter(owner="femke jansen"),
    CycleFilter(due=DueState.DUE),
    CycleFilter(due=DueState.OVERDUE),
    CycleFilter(due=DueState.UPCOMING, scale="inhoud"),
    CycleFilter(text="boschveld"),
    CycleFilter(text="100%_"),
]


@pytest.fixture
def example_db(db_url: str, community: Community, clock: FrozenClock) -> str:
    store = Store.open(db_url)
    Workspace(store, community, actor="t", clock=clock).import_portfolio(read(EXAMPLE, community))
    store.close()
    return db_url


def fast(url: str, flt: CycleFilter, today: date) -> list[CycleSummary] | None:
    """The fast path for the URL's backend, as ``cycles list`` picks it."""
    reader = fastread_pg if url.startswith("postgres") else fastread
    return reader.summaries(url, flt, today)


@pytest.mark.parametrize("flt", FILTERS, ids=lambda f: f.model_dump_json(exclude_defaults=True))
def test_fast_path_equals_the_repository(example_db: str, flt: CycleFilter) -> None:
    today = date(2026, 11, 28)
    store = Store.open(example_db)
    try:
        with store.read() as repo:
            expected = repo.summaries(flt, today)
    finally:
        store.close()
    found = fast(example_db, flt, today)
    assert found is not None
    assert found == expected


def test_fast_path_declines_what_it_cannot_answer(tmp_path: Path, sqlite_url: str, pg_url: str) -> None:
    today = date(2026, 11, 28)
    assert fastread.summaries(f"sqlite:///{tmp_path / 'missing.db'}", CycleFilter(), today) is None
    assert fastread.summaries("postgresql://u@h/db", CycleFilter(), today) is None
    assert fastread_pg.summaries(sqlite_url, CycleFilter(), today) is None
    assert fastread_pg.summaries("postgresql+psycopg2://u@h/db", CycleFilter(), today) is None
    # An empty database, or an older schema, goes the full way (which creates or migrates it).
    assert fastread_pg.summaries(pg_url, CycleFilter(), today) is None
    assert fastread_pg.first_rows(sqlite_url, 5) is None
    assert fastread_pg.first_rows(pg_url, 5) is None


def test_an_older_schema_goes_the_full_way(example_db: str) -> None:
    today = date(2026, 11, 28)
    if example_db.startswith("sqlite"):
        with sqlite3.connect(example_db.removeprefix("sqlite:///")) as conn:
            conn.execute("UPDATE alembic_version SET version_num = '0001'")
    else:
        import psycopg

        with psycopg.connect(fastread_pg.conninfo(example_db) or "", autocommit=True) as conn:
            conn.execute("UPDATE alembic_version SET version_num = '0001'")
    assert fast(example_db, CycleFilter(), today) is None
    reader = fastread_pg if example_db.startswith("postgres") else fastread
    assert reader.first_rows(example_db, 5) is None


def test_an_unreachable_server_is_named_without_its_password() -> None:
    url = "postgresql://ann:secret@127.0.0.1:1/test"
    for attempt in (
        lambda: fastread_pg.summaries(url, CycleFilter(), date(2026, 11, 28)),
        lambda: fastread_pg.first_rows(url, 5),
    ):
        with pytest.raises(StorageError) as caught:
            attempt()
        message = str(caught.value)
        assert "127.0.0.1:1" in message
        assert "secret" not in message
