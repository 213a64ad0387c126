"""The ``cycles`` command: the board when called alone, scriptable subcommands otherwise.

Heavy libraries (the ORM, Textual, the scheduler) are imported inside the commands that need them,
so ``cycles --help`` and the quick commands start fast.
"""

from __future__ import annotations

import importlib
import os
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from cycles.errors import CyclesError
from cycles.i18n import _, set_language

if TYPE_CHECKING:
    from cycles.community import Community
    from storage.workspace import Workspace
    from tui.settings import Settings

# Modules that add subcommands; each defines ``register(group)``.
COMMAND_MODULES = (
    "tui.commands.data",
    "tui.commands.export",
    "tui.commands.listing",
    "tui.commands.loop",
    "tui.commands.remind",
)


class Context:
    """What every subcommand needs: settings, and a workspace opened on first use."""

    def __init__(self, settings: Settings, db: str | None) -> None:
        self.settings = settings
        self.db = db or settings.database.url
        self._workspace: Workspace | None = None
        self._community: Community | None = None

    @property
    def url(self) -> str:
        """The database URL in effect (the embedded default when none is configured)."""
        if self.db:
            return self.db
        from storage.workspace import default_url

        return default_url()

    @property
    def community(self) -> Community:
        if self._community is None:
            from cycles.community import load_community

            self._community = load_community(self.settings.community.file)
        return self._community

    def workspace(self, db: str | None = None, *, community: Any = None, open_now: bool = True) -> Workspace:
        """The Workspace on the configured database (or ``db``); opened now unless ``open_now`` is
        False, when its store opens on first use (the board's first frame, the fast reads)."""
        if self._workspace is None or db is not None or community is not None:
            from storage.workspace import Workspace

            if self._workspace is not None:
                self._workspace.close()
            self._workspace = Workspace.at(
                db or self.url,
                community if community is not None else self.community,
                actor=self.settings.user.name,
                clock=clock_from_env(),
            )
        if open_now:
            self._workspace.store  # noqa: B018  (opening the store here reports a bad database now)
        return self._workspace

    def close(self) -> None:
        if self._workspace is not None:
            self._workspace.close()


def clock_from_env() -> Any:
    """The system clock, or a fixed instant from CYCLES_NOW (ISO 8601 with offset) for scripts
    and tests that need a known date."""
    fixed = os.environ.get("CYCLES_NOW")
    if not fixed:
        return lambda: datetime.now(UTC)
    try:
        instant = datetime.fromisoformat(fixed)
    except ValueError:
        fail(_("CYCLES_NOW: not an ISO 8601 date and time: {value}").format(value=fixed))
    if instant.tzinfo is None:
        fail(_("CYCLES_NOW: give a UTC offset, e.g. 2026-03-29T09:00:00+02:00"))
    return lambda: instant


def fail(message: str) -> NoReturn:
    from cycles.errors import ConfigError

    raise ConfigError(message)


class CyclesGroup(click.Group):
    """Turns domain and storage errors into one clear line on stderr and exit status 1.

    The subcommands are registered when first looked up (``COMMAND_MODULES``), so that opening the
    board, which needs none of them, does not import and build them all first."""

    _registered = False

    def _register(self) -> None:
        if not self._registered:
            self._registered = True
            for module in COMMAND_MODULES:
                importlib.import_module(module).register(self)

    def list_commands(self, ctx: click.Context) -> list[str]:
        self._register()
        return super().list_commands(ctx)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        self._register()
        return super().get_command(ctx, cmd_name)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except CyclesError as exc:
            click.echo(f"cycles: {_('error')}: {exc}", err=True)
            ctx.exit(1)


@click.group(cls=CyclesGroup, invoke_without_command=True)
@click.option("--db", metavar="URL", help="Database URL (default: SQLite in your data directory).")
@click.option("--config", "config_file", type=click.Path(path_type=Path), help="Settings file (TOML).")
@click.option("--lang", type=click.Choice(["en", "nl"]), help="Language of the interface.")
@click.option("--community", "community_file", type=click.Path(path_type=Path), help="Community file (TOML).")
@click.version_option(package_name="learning-cycles")
@click.pass_context
def main(
    ctx: click.Context,
    db: str | None,
    config_file: Path | None,
    lang: str | None,
    community_file: Path | None,
) -> None:
    """Learning Cycles: run the iterate loops of all your learning community's activities.

    Without a command, opens the board.
    """
    overrides: dict[str, dict[str, Any]] = {
        "database": {"url": db},
        "user": {"lang": lang},
        "community": {"file": community_file},
    }
    if ctx.invoked_subcommand is None:  # the board: its first frame before pydantic is imported
        from tui.board_start import open_board

        open_board(ctx, config_file, overrides)
        return
    from tui.settings import load_settings

    try:
        settings = load_settings(config_file, overrides=overrides)
    except CyclesError as exc:
        click.echo(f"cycles: error: {exc}", err=True)
        ctx.exit(1)
    set_language(settings.language)
    context = Context(settings, db)
    ctx.obj = context
    ctx.call_on_close(context.close)


# The board's first read on PostgreSQL may run in a forked child (``tui.first_read``): only in the
# console script, whose process holds no connection a child could disturb (not, say, in a test
# runner that calls ``main``).
FORK_FIRST_READ = False


def run() -> None:  # pragma: no cover - the console script
    global FORK_FIRST_READ
    FORK_FIRST_READ = True
    sys.exit(main())
