"""Opening a database: migrations to the newest schema, a failing migration that changes nothing,
a private SQLite file, and URLs whose passwords never reach an error message."""

from __future__ import annotations

import os
import shutil
import socket
import stat
from datetime import datetime
from pathlib import Path

import pytest
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

from cycles.community import Community
from cycles.errors import StorageError
from storage.schema import migrate
from storage.schema.engine import display
from storage.units.store import Store
from storage.workspace import Workspace

TABLES = {"alembic_version", "cycle", "iteration", "note", "link", "event"}


def alembic_head() -> str:
    cfg = Config()
    cfg.set_main_option("script_location", str(migrate.MIGRATIONS))
    head = ScriptDirectory.from_config(cfg).get_current_head()
    assert head is not None
    return head


def test_head_is_the_newest_migration_script() -> None:
    assert alembic_head() == migrate.HEAD


def test_open_creates_the_schema_at_head_and_reopening_changes_nothing(db_url: str, store: Store) -> None:
    assert migrate.current_revision(store.engine) == migrate.HEAD
    assert set(inspect(store.engine).get_table_names()) >= TABLES
    again = Store.open(db_url)
    try:
        assert migrate.current_revision(again.engine) == migrate.HEAD
    finally:
        again.close()


BROKEN = '''
"""broken: creates a table, then fails"""
from alembic import op
import sqlalchemy as sa

revision = "9999"
down_revision = "{head}"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("broken", sa.Column("id", sa.Integer(), primary_key=True))
    op.execute("INSERT INTO broken (id) VALUES (1)")
    op.execute("UPDATE cycle SET name = 'overwritten'")
    {failure}


def downgrade() -> None:
    pass
'''

FAILURES = {
    "python error": 'raise RuntimeError("the migration has a bug")',
    "sql error": 'op.execute("SELECT no_such_column FROM broken")',
    "batch copy fails": (
        'with op.batch_alter_table("cycle") as batch:\n'
        '        batch.add_column(sa.Column("required", sa.Integer(), nullable=False))'
    ),
}


@pytest.mark.parametrize("failure", list(FAILURES))
def test_a_failing_migration_leaves_the_database_as_it_was(
    store: Store, community: Community, clock: object, tmp_path: Path, failure: str
) -> None:
    Workspace(store, community, actor="a", clock=clock).create(name="Kept", activity_type="event")  # type: ignore[arg-type]
    head = migrate.current_revision(store.engine)
    scripts = tmp_path / "migrations"
    shutil.copytree(migrate.MIGRATIONS, scripts, ignore=shutil.ignore_patterns("__pycache__"))
    script = BROKEN.format(head=head, failure=FAILURES[failure])
    (scripts / "versions" / "9999_broken.py").write_text(script, "utf-8")

    with pytest.raises(StorageError, match=r"cannot upgrade the database .*; nothing was changed"):
        migrate.upgrade(store.engine, script_location=scripts)

    tables = set(inspect(store.engine).get_table_names())
    assert "broken" not in tables
    assert not {t for t in tables if t.startswith("_alembic_tmp")}, "no half-done batch copy is left"
    assert migrate.current_revision(store.engine) == head
    with store.engine.connect() as conn:
        assert conn.execute(text("SELECT name FROM cycle")).scalars().all() == ["Kept"]
        columns = {c["name"] for c in inspect(conn).get_columns("cycle")}
    assert "required" not in columns


def test_the_sqlite_file_and_its_wal_are_readable_by_the_owner_only(
    tmp_path: Path, community: Community, clock: object
) -> None:
    path = tmp_path / "data" / "cycles.db"
    path.parent.mkdir()
    old = os.umask(0o022)
    try:
        opened = Store.open(f"sqlite:///{path}")
        try:
            Workspace(opened, community, actor="a", clock=clock).create(name="x", activity_type="event")  # type: ignore[arg-type]
            with opened.engine.connect() as conn:
                assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
                wal = Path(f"{path}-wal")
                assert wal.exists(), "a write in WAL mode leaves the -wal file while connections are open"
                for file in (path, wal, Path(f"{path}-shm")):
                    assert stat.S_IMODE(file.stat().st_mode) == 0o600, file.name
        finally:
            opened.close()
    finally:
        os.umask(old)


def test_sqlite_connections_wait_for_a_busy_database(sqlite_url: str) -> None:
    opened = Store.open(sqlite_url)
    try:
        with opened.engine.connect() as conn:
            assert int(conn.exec_driver_sql("PRAGMA busy_timeout").scalar() or 0) >= 5000
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    finally:
        opened.close()


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://cycles:s3cr3t-pw@127.0.0.1:{port}/test",
        "postgresql+psycopg://cycles:s3cr3t-pw@127.0.0.1:{port}/test?connect_timeout=2",
        "postgresql://cycles:s3cr3t-pw@127.0.0.1:notaport/test",
        "mysql://cycles:s3cr3t-pw@127.0.0.1/test",
        "nosuchdb://cycles:s3cr3t-pw@127.0.0.1/test",
    ],
)
def test_a_password_in_the_url_never_appears_in_an_error(url: str) -> None:
    with pytest.raises(StorageError) as err:
        Store.open(url.format(port=closed_port()))
    message = str(err.value)
    assert "s3cr3t-pw" not in message
    assert "***" in message
    assert "127.0.0.1" in message, "the error still says where"


def test_display_hides_the_password() -> None:
    assert display("postgresql://u:s3cr3t-pw@db.example/x") == "postgresql+psycopg://u:***@db.example/x"


def test_the_default_database_is_a_file_in_the_users_data_directory(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    opened = Store.open(None)
    try:
        assert opened.url.startswith("sqlite:///")
        assert opened.url.endswith("learning-cycles/cycles.db")
        assert (tmp_path / "xdg" / "learning-cycles" / "cycles.db").exists()
    finally:
        opened.close()


def test_a_clock_is_only_read_through_the_workspace(store: Store, community: Community) -> None:
    instant = datetime.fromisoformat("2026-10-25T02:30:00+02:00")
    ws = Workspace(store, community, actor="a", clock=lambda: instant)
    cycle = ws.create(name="Clocked", activity_type="event")
    assert cycle.created_at == instant
    assert ws.get(cycle.key).created_at == instant
    assert ws.get(cycle.key).created_at.utcoffset() is not None


def test_a_database_from_a_newer_version_says_so(db_url: str, store: Store, community: Community) -> None:
    with store.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    store.close()
    with pytest.raises(StorageError) as refused:
        Store.open(db_url)
    message = str(refused.value)
    assert "was made by a newer version of Learning Cycles (schema 9999" in message
    assert f"reads schemas up to {migrate.HEAD}" in message and "nothing was changed" in message
    assert "Can't locate revision" not in message
