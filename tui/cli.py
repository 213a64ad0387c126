"""The ``cycles`` command: the board when called alone, scriptable subcommands otherwise.

Heavy libraries (the ORM, Textual, the scheduler) are imported inside the commands that need them,
so ``cycles --help`` and the quick commands start fast.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from cycles.errors import CyclesError
from cycles.i18n import _, set_language
from tui import session
from tui.session import Context

if TYPE_CHECKING:
    pass

# Modules that add subcommands; each defines ``register(group)``.
COMMAND_MODULES = (
    "tui.commands.activity",
    "tui.commands.data",
    "tui.commands.export",
    "tui.commands.listing",
    "tui.commands.loop",
    "tui.commands.remind",
)


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

    def main(  # type: ignore[override]
        self,
        args: Any = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        """As Click's, but a usage error (a wrong option, value or command) is one line in the
        style of every other error, ``cycles: error: ...``, with exit status 2 (Click's three
        lines of usage are for ``--help``)."""
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, False, **extra)
        try:
            result = super().main(args, prog_name, complete_var, False, **extra)
        except click.exceptions.Abort:
            click.echo(_("cycles: aborted"), err=True)
            sys.exit(1)
        except click.ClickException as exc:
            click.echo(f"cycles: {_('error')}: {exc.format_message()}", err=True)
            sys.exit(exc.exit_code)
        sys.exit(result if isinstance(result, int) else 0)


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


def run() -> None:  # pragma: no cover - the console script
    session.FORK_FIRST_READ = True
    sys.exit(main())
