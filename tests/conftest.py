"""Shared fixtures: the community, an injected clock, and databases (a SQLite file, PostgreSQL).

PostgreSQL tests run against ``CYCLES_TEST_PG`` (default: the server on 127.0.0.1:5432, database
``test``), each test in a schema of its own so that parallel runs do not meet. Where no server is
reachable they are skipped with the reason.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from cycles.community import Community, load_community
from cycles.i18n import set_language

PG_URL = os.environ.get("CYCLES_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")
REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "examples" / "spark.yaml"

_pg_reason: str | None = None
_pg_checked = False


def pg_unavailable() -> str | None:
    """Why PostgreSQL cannot be used here, or None when it can."""
    global _pg_checked, _pg_reason
    if not _pg_checked:
        _pg_checked = True
        try:
            import psycopg

            with psycopg.connect(PG_URL.replace("+psycopg", ""), connect_timeout=3):
                pass
        except Exception as exc:  # any failure means: skip, and say why
            _pg_reason = f"PostgreSQL not reachable at {PG_URL}: {str(exc).splitlines()[0]}"
    return _pg_reason


class FrozenClock:
    """An injected clock: returns a fixed instant until moved."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now

    def set(self, instant: datetime) -> None:
        self.now = instant


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    set_language("en")
    yield
    set_language("en")


@pytest.fixture(scope="session")
def community() -> Community:
    return load_community()


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(datetime(2026, 3, 20, 9, 0, tzinfo=UTC))


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'cycles.db'}"


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A PostgreSQL URL whose search path is a fresh schema, dropped afterwards."""
    reason = pg_unavailable()
    if reason:
        if os.environ.get("CYCLES_REQUIRE_PG"):
            pytest.fail(f"{reason} (CYCLES_REQUIRE_PG is set: CI must run the PostgreSQL tests)")
        pytest.skip(reason)
    import psycopg

    schema = f"t_{uuid.uuid4().hex[:12]}"
    base = PG_URL.replace("+psycopg", "")
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    sep = "&" if "?" in PG_URL else "?"
    yield f"{PG_URL}{sep}options=-csearch_path%3D{schema}"
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture(params=["sqlite", "postgres"])
def db_url(request: pytest.FixtureRequest) -> str:
    """Each storage test runs on a SQLite file and on PostgreSQL."""
    if request.param == "sqlite":
        return str(request.getfixturevalue("sqlite_url"))
    return str(request.getfixturevalue("pg_url"))
