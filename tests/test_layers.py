"""The layers point one way, tui -> storage -> cycles: import-linter's contracts (pyproject.toml) hold,
and importing the domain really loads no database, UI or scheduler library."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
DOMAIN_MODULES = [f"cycles.{p.stem}" for p in sorted((REPO / "cycles").glob("*.py")) if p.stem != "__init__"]
HEAVY = ["sqlalchemy", "sqlmodel", "alembic", "textual", "rich", "apscheduler", "psycopg", "click"]


def test_import_linter_contracts_hold() -> None:
    lint = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    assert lint is not None, "import-linter is installed with the dev extra"
    done = subprocess.run(
        [lint, "--no-cache"], cwd=REPO, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert re.search(r"Contracts: [1-9]\d* kept, 0 broken\.", done.stdout), done.stdout


def loaded_after_import(modules: list[str]) -> set[str]:
    """Top-level packages loaded by a fresh interpreter after importing ``modules``."""
    code = (
        "import importlib, json, sys\n"
        f"for m in {modules!r}: importlib.import_module(m)\n"
        "print(json.dumps(sorted({name.split('.')[0] for name in sys.modules})))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=60, check=True
    )
    return set(json.loads(done.stdout))


def test_importing_the_domain_loads_no_database_ui_or_scheduler_library() -> None:
    assert "cycles.loop" in DOMAIN_MODULES and "cycles.portfolio" in DOMAIN_MODULES
    loaded = loaded_after_import(DOMAIN_MODULES)
    assert "cycles" in loaded
    assert not loaded & set(HEAVY), sorted(loaded & set(HEAVY))
    assert "storage" not in loaded and "tui" not in loaded


@pytest.mark.parametrize(("module", "absent"), [("storage.workspace", ["textual", "rich", "click", "tui"])])
def test_storage_loads_no_ui(module: str, absent: list[str]) -> None:
    loaded = loaded_after_import([module])
    assert not loaded & set(absent), sorted(loaded & set(absent))


def test_the_command_line_imports_the_orm_only_when_a_command_needs_it() -> None:
    loaded = loaded_after_import(["tui.cli"])
    assert not loaded & {"sqlalchemy", "sqlmodel", "alembic", "textual", "apscheduler"}, sorted(
        loaded & {"sqlalchemy", "sqlmodel", "alembic", "textual", "apscheduler"}
    )


def test_the_door_is_light_to_import() -> None:
    """The board's first frame comes through ``storage.workspace`` before the ORM or pydantic."""
    loaded = loaded_after_import(["storage.workspace"])
    assert not loaded & {"sqlalchemy", "sqlmodel", "alembic", "pydantic", "textual"}, sorted(
        loaded & {"sqlalchemy", "sqlmodel", "alembic", "pydantic", "textual"}
    )


def test_the_top_level_packages_are_this_distributions() -> None:
    """``cycles``, ``storage`` and ``tui`` are generic names: another distribution installing one of
    them would shadow ours. The three imported are the ones this project ships, side by side."""
    from importlib.metadata import distribution

    import cycles
    import storage
    import tui

    roots = {Path(p.__file__ or "").resolve().parent.parent for p in (cycles, storage, tui)}
    assert len(roots) == 1, roots
    root = roots.pop()
    for module in ("cycles/loop.py", "storage/workspace.py", "storage/records.py", "tui/writes.py"):
        assert (root / module).is_file(), module
    dist = distribution("learning-cycles")
    shipped = {str(f).split("/")[0] for f in dist.files or ()}
    direct = dist.read_text("direct_url.json") or ""
    # A wheel lists the packages among its files; an editable install points at this checkout.
    assert {"cycles", "storage", "tui"} <= shipped or root.as_uri() in direct, (shipped, direct)
