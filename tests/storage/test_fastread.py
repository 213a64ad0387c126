"""The ORM-free read path of ``cycles list`` answers exactly as the repository does."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import pytest

from cycles.community import Community
from cycles.model import DueState, Phase
from cycles.portfolio import read
from cycles.repository import CycleFilter
from storage import fastread
from storage.store import Store
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
def example_db(sqlite_url: str, community: Community, clock: FrozenClock) -> str:
    store = Store.open(sqlite_url)
    Workspace(store, community, actor="t", clock=clock).import_portfolio(read(EXAMPLE, community))
    store.close()
    return sqlite_url


@pytest.mark.parametrize("flt", FILTERS, ids=lambda f: f.model_dump_json(exclude_defaults=True))
def test_fast_path_equals_the_repository(example_db: str, flt: CycleFilter) -> None:
    today = date(2026, 11, 28)
    store = Store.open(example_db)
    try:
        with store.read() as repo:
            expected = repo.summaries(flt, today)
    finally:
        store.close()
    assert fastread.summaries(example_db, flt, today) == expected


def test_fast_path_declines_what_it_cannot_answer(tmp_path: Path, example_db: str) -> None:
    today = date(2026, 11, 28)
    assert fastread.summaries(f"sqlite:///{tmp_path / 'missing.db'}", CycleFilter(), today) is None
    assert fastread.summaries("postgresql://u@h/db", CycleFilter(), today) is None
    # An older schema goes the full way (which migrates).
    path = example_db.removeprefix("sqlite:///")
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0001'")
    assert fastread.summaries(example_db, CycleFilter(), today) is None
