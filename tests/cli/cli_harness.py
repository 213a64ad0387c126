"""The harness of the command-line tests: ``Cli`` runs ``cycles`` on a database file."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result

from tui.cli import main

FIXTURE = Path(__file__).parents[1] / "cycles" / "data" / "portfolio.yaml"
NOW = "2026-03-20T10:00:00+01:00"
TABLES = ("cycle", "iteration", "note", "link", "event")


class Cli:
    """``cli("list", "--due")`` runs ``cycles --db <tmp db> list --due`` and returns click's Result."""

    def __init__(self, db_file: Path) -> None:
        self.db_file = db_file
        self.db = f"sqlite:///{db_file}"

    def __call__(self, *args: str, env: Mapping[str, str | None] | None = None, db: bool = True) -> Result:
        argv: Sequence[str] = ["--db", self.db, *args] if db else list(args)
        return CliRunner().invoke(main, argv, env=env, catch_exceptions=False)

    def ok(self, *args: str, env: Mapping[str, str | None] | None = None) -> str:
        """Run a command that must succeed; its standard output."""
        result = self(*args, env=env)
        assert result.exit_code == 0, f"cycles {' '.join(args)}: {result.stderr or result.output}"
        # Nothing on standard error but, once, the note that a new database was made.
        notes = [line for line in result.stderr.splitlines() if "created a new database" not in line]
        assert notes == [], result.stderr
        return result.stdout

    def json(self, *args: str, env: Mapping[str, str | None] | None = None) -> Any:
        return json.loads(self.ok(*args, "--json", env=env))

    def fails(self, *args: str, env: Mapping[str, str | None] | None = None) -> str:
        """Run a command that must fail the way every error does: exit status 1 and one line
        ``cycles: error: ...`` on stderr. Returns the message after the prefix."""
        result = self(*args, env=env)
        assert result.exit_code == 1, result.output
        assert result.stderr.startswith("cycles: error: "), result.stderr
        assert result.stderr.endswith("\n") and result.stderr.count("\n") == 1, result.stderr
        return result.stderr.removeprefix("cycles: error: ").rstrip("\n")

    def rows(self) -> dict[str, int]:
        """Row counts of the database file, read with the standard library (0 if it does not exist)."""
        if not self.db_file.exists():
            return dict.fromkeys(TABLES, 0)
        with sqlite3.connect(self.db_file) as conn:
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            return {
                t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] if t in tables else 0
                for t in TABLES
            }

    def dump(self) -> str:
        """Everything stored, as text, to compare before and after a refused command."""
        with sqlite3.connect(self.db_file) as conn:
            return "\n".join(
                repr(row) for table in TABLES for row in conn.execute(f"SELECT * FROM {table} ORDER BY 1, 2")
            )
