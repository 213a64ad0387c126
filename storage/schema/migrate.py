"""Creating and upgrading the schema with the Alembic migrations shipped in this package.

The whole upgrade runs in one transaction (SQLite included, see ``storage.schema.engine``), so a
migration that fails leaves the database as it was. Start-up checks the stored revision with one
query and imports Alembic only when there is something to do.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import SQLAlchemyError

from cycles.errors import StorageError
from storage.schema.engine import WRITE, display
from storage.schema.revision import HEAD

MIGRATIONS = Path(__file__).parent / "migrations"


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def upgrade(engine: Engine, *, target: str = "head", script_location: Path = MIGRATIONS) -> None:
    """Bring the schema to ``target``; on any failure roll back and raise StorageError."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(script_location))
    try:
        with engine.execution_options(**{WRITE: True}).begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, target)
    except Exception as exc:  # SQL or not (a migration's own bug, Alembic's errors): all rolled back
        first = str(exc).strip().splitlines()
        raise StorageError(
            f"cannot upgrade the database {display(engine.url)}: {exc.__class__.__name__}"
            f"{': ' + first[0] if first else ''}; nothing was changed"
        ) from exc


def ensure_schema(engine: Engine) -> None:
    """Upgrade to the newest schema unless the database is already there."""
    try:
        revision = current_revision(engine)
    except SQLAlchemyError as exc:
        raise StorageError(f"cannot open the database {display(engine.url)}: {_first(exc)}") from exc
    if revision == HEAD:
        return
    if revision is not None and revision not in known_revisions():
        raise StorageError(newer(display(engine.url), revision))
    upgrade(engine)


def known_revisions() -> set[str]:
    """The schema revisions this version ships (each migration file starts with its id)."""
    return {path.name.split("_", 1)[0] for path in (MIGRATIONS / "versions").glob("[0-9]*_*.py")}


def newer(where: str, revision: str) -> str:
    """Why a database whose schema is newer than this version's cannot be used, and what to do."""
    from importlib.metadata import PackageNotFoundError, version

    from cycles.i18n import _

    try:
        ours = version("learning-cycles")
    except PackageNotFoundError:  # pragma: no cover - run from a checkout that is not installed
        ours = "?"
    return _(
        "{where} was made by a newer version of Learning Cycles (schema {revision}; this version, "
        "{ours}, reads schemas up to {head}): upgrade Learning Cycles to use it; nothing was changed"
    ).format(where=where, revision=revision, ours=ours, head=HEAD)


def _first(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None) or exc
    return str(orig).strip().splitlines()[0] if str(orig).strip() else exc.__class__.__name__
