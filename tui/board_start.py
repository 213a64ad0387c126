"""``cycles`` without a subcommand: the board, its first frame before pydantic is imported.

The settings and the community file are read with ``tomllib`` for that frame
(``tui.settings_file``, ``cycles.community_file``) and validated fully right after it
(``tui.first_board``); settings that are not plainly valid are validated at once, before the frame,
so that their error reads as it always did. An error found after the frame ends the board with the
same message.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import click

from cycles.errors import CyclesError
from cycles.i18n import set_language

if TYPE_CHECKING:
    from cycles.community import Community
    from tui.settings import Settings


def open_board(ctx: click.Context, config_file: Path | None, overrides: dict[str, dict[str, Any]]) -> None:
    """Read the settings, open the board on them, and report (exit 1) what stops it."""
    from tui.settings_file import quick_settings, read_data

    try:
        settings: Any = quick_settings(read_data(config_file, overrides=overrides)[1])
        if settings is None:  # pydantic says what is wrong (or converts what is given as text)
            from tui.settings import load_settings

            settings = load_settings(config_file, overrides=overrides)
    except CyclesError as exc:
        click.echo(f"cycles: error: {exc}", err=True)
        ctx.exit(1)
    set_language(settings.language)
    from tui.session import Context

    context = Context(cast("Settings", settings), overrides["database"]["url"])
    ctx.obj = context
    ctx.call_on_close(context.close)
    error = run_board(context, config_file, overrides)
    if error is not None:
        click.echo(f"cycles: error: {error}", err=True)
        ctx.exit(1)


def run_board(
    context: Any, config_file: Path | None, overrides: dict[str, dict[str, Any]]
) -> CyclesError | None:
    """The board on the configured database; the error that ended it, if a file did."""
    from cycles.community_file import outline
    from tui import session
    from tui.first_read import FirstRead

    first = FirstRead(context.url, shutil.get_terminal_size((0, 0)).lines, fork=session.FORK_FIRST_READ)
    community: Any = outline(context.settings.community.file)
    if community is None:  # not the shape expected: the full validation says why, now
        community = context.community

    def validate() -> tuple[Settings, Community]:
        from tui.settings import load_settings

        context.settings = load_settings(config_file, overrides=overrides)
        return context.settings, context.community

    from tui.app import make_app

    workspace = context.workspace(community=community, open_now=False, create=True)
    app = make_app(workspace, context.settings, first_read=first, validate_files=validate)
    app.run()
    if app.start_error is not None:
        return app.start_error
    if workspace.error is not None:
        raise workspace.error
    if app.unsaved:
        from cycles.i18n import ngettext

        text = ngettext(
            "{n} change was not saved before the board closed (the database did not answer): {what}",
            "{n} changes were not saved before the board closed (the database did not answer): {what}",
            len(app.unsaved),
        )
        what = ", ".join(w.describe() for w in app.unsaved)
        return CyclesError(text.format(n=len(app.unsaved), what=what))
    return None
