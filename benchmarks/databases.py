"""Databases for a benchmark run: SQLite files in a temporary folder and PostgreSQL schemas that
are created fresh and dropped afterwards (as ``tests/conftest.py`` does), and the portfolio stored
in them."""

from __future__ import annotations

import gc
import os
import tempfile
import time
import uuid
from datetime import datetime
from pathlib import Path
from types import TracebackType

PG_URL = os.environ.get("CYCLES_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/test")


def pg_unavailable(url: str) -> str | None:
    """Why PostgreSQL at ``url`` cannot be used, or None when it can."""
    try:
        import psycopg

        with psycopg.connect(url.replace("+psycopg", ""), connect_timeout=3):
            pass
    except Exception as exc:  # any failure: run without it, and say why
        return f"PostgreSQL not reachable at {url}: {str(exc).strip().splitlines()[0]}"
    return None


def pg_version(url: str) -> str:
    import psycopg

    with psycopg.connect(url.replace("+psycopg", ""), connect_timeout=3) as conn:
        row = conn.execute("SHOW server_version").fetchone()
    return str(row[0]) if row else "?"


class Databases:
    """Fresh databases on demand; all of them removed on exit."""

    def __init__(self, pg_url: str | None) -> None:
        self.pg_url = pg_url
        self.folder = Path(tempfile.mkdtemp(prefix="cycles-bench-"))
        self.schemas: list[str] = []

    def __enter__(self) -> Databases:
        return self

    def __exit__(self, *exc: object | TracebackType) -> None:
        self.close()

    def fresh(self, backend: str) -> str:
        """The URL of a new, empty database."""
        name = f"b_{uuid.uuid4().hex[:12]}"
        if backend == "sqlite":
            return f"sqlite:///{self.folder / (name + '.db')}"
        import psycopg

        assert self.pg_url is not None
        with psycopg.connect(self.pg_url.replace("+psycopg", ""), autocommit=True) as conn:
            conn.execute(f'CREATE SCHEMA "{name}"')
        self.schemas.append(name)
        sep = "&" if "?" in self.pg_url else "?"
        return f"{self.pg_url}{sep}options=-csearch_path%3D{name}"

    def close(self) -> None:
        import shutil

        if self.schemas:
            import psycopg

            assert self.pg_url is not None
            with psycopg.connect(self.pg_url.replace("+psycopg", ""), autocommit=True) as conn:
                for name in self.schemas:
                    conn.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')
            self.schemas.clear()
        shutil.rmtree(self.folder, ignore_errors=True)


def store(url: str, portfolio: object, now: datetime) -> float:
    """Store ``portfolio`` in ``url`` through the Workspace (one transaction); seconds taken."""
    from cycles.community import load_community
    from storage.units.store import Store
    from storage.workspace import Workspace

    started = time.perf_counter()
    db = Store.open(url)
    was = gc.isenabled()
    gc.disable()  # the setup only: hundreds of thousands of new objects, nothing cyclic to free
    try:
        Workspace(db, load_community(), actor="generate", clock=lambda: now).import_portfolio(portfolio)  # type: ignore[arg-type]
    finally:
        if was:
            gc.enable()
        db.close()
    return time.perf_counter() - started
