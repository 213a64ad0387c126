"""Running ``cycles`` as a user types it: through click's test runner, on a database in ``tmp_path``,
with the time fixed by CYCLES_NOW and no settings leaking in from the machine."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.cli.cli_harness import FIXTURE, NOW, Cli


@pytest.fixture(autouse=True)
def isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No CYCLES_* setting, config file or data directory of the machine reaches the command."""
    for name in list(os.environ):
        if name.startswith("CYCLES_"):
            monkeypatch.delenv(name)
    for name in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("CYCLES_NOW", NOW)
    monkeypatch.setenv("CYCLES_USER_NAME", "tester")


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    return Cli(tmp_path / "cycles.db")


@pytest.fixture(scope="session")
def imported_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database file holding the test portfolio, imported once (``cycles import`` itself is
    tested on its own); each test gets a copy."""
    from datetime import datetime

    from cycles import portfolio
    from cycles.community import load_community
    from storage.units.store import Store
    from storage.workspace import Workspace

    path = tmp_path_factory.mktemp("template") / "cycles.db"
    store = Store.open(f"sqlite:///{path}")
    try:
        community = load_community()
        ws = Workspace(store, community, actor="tester", clock=lambda: datetime.fromisoformat(NOW))
        ws.import_portfolio(portfolio.read(FIXTURE, community))
    finally:
        store.close()  # the last connection checkpoints the WAL into the file
    return path


@pytest.fixture
def imported(cli: Cli, imported_template: Path) -> Cli:
    """The test portfolio (tests/cycles/data/portfolio.yaml) imported."""
    shutil.copyfile(imported_template, cli.db_file)
    os.chmod(cli.db_file, 0o600)
    return cli
