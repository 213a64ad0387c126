"""Fixtures of the storage tests: a store on each database of ``db_url`` and workspaces on it."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import text

from cycles.community import Community
from storage.units.store import Store
from storage.workspace import Workspace

TABLES = ("cycle", "iteration", "note", "link", "event")


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    opened = Store.open(db_url)
    yield opened
    opened.close()


@pytest.fixture
def ws(store: Store, community: Community, clock: object) -> Workspace:
    """Ann's workspace, on the frozen clock."""
    return Workspace(store, community, actor="ann", clock=clock)  # type: ignore[arg-type]


@pytest.fixture
def other(store: Store, community: Community, clock: object) -> Workspace:
    """Bo's workspace on the same database: another user acting meanwhile."""
    return Workspace(store, community, actor="bo", clock=clock)  # type: ignore[arg-type]


def row_counts(store: Store) -> dict[str, int]:
    """How many rows each table of the loop holds."""
    with store.engine.connect() as conn:
        return {t: int(conn.execute(text(f"SELECT count(*) FROM {t}")).scalar() or 0) for t in TABLES}


@pytest.fixture
def counts(store: Store) -> Callable[[], dict[str, int]]:
    """Row counts of the loop's tables, read fresh on each call."""
    return lambda: row_counts(store)
