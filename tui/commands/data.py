"""Commands that open, fill and show the database as a whole: init, import, demo, the board."""

from __future__ import annotations

import shutil
import tempfile
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

import click

from cycles.communities import example_path
from cycles.i18n import _

if TYPE_CHECKING:
    from cycles.portfolio import Portfolio
    from storage.workspace import Workspace
    from tui.session import Context


def open_board(context: Context, workspace: Workspace | None = None) -> None:
    """The board on ``workspace``, or on the configured database opened on first use (in a
    worker, after the first frame: ``Workspace.at``). A database that cannot be opened
    ends the board with the same error the other commands give."""
    import shutil

    from tui.first_read import FirstRead

    first = None
    if workspace is None:  # the first screenful, read in a thread while the board's modules load
        first = FirstRead(context.url, shutil.get_terminal_size((0, 0)).lines)
    from tui.app import make_app

    if workspace is None:
        workspace = context.workspace(open_now=False, create=True)
    app = make_app(workspace, context.settings, first_read=first)
    app.run()
    if workspace.error is not None:
        raise workspace.error


def load_file(workspace: Workspace, path: Path, *, dry_run: bool = False) -> Counter[str]:
    """Validate the whole file, then store all of it; returns counts of what it holds."""
    from storage.workspace import read_portfolio

    data = read_portfolio(path, workspace.community)
    counts = data.scales()
    counts["links"] = len(data.links)
    if not dry_run:
        workspace.import_portfolio(data)
    return counts


def changes(workspace: Workspace, data: Portfolio) -> tuple[dict[str, int], list[str]]:
    """What importing ``data`` would add, and the keys already in the database (which make the
    import refuse, since it only adds)."""
    return data.counts(), workspace.taken_keys(data.keys) if workspace.exists() else []


def _import_export_file(context: Context, file: Path, *, quiet: bool) -> tuple[int, Counter[str], int] | None:
    """Import a JSON export in its layout on both cores (``storage.workspace.start_import``): a worker
    process reads the file while the database is opened. None when the file is not such an
    export or anything in it is refused; nothing is written then, and the caller imports it as
    before, which says why."""
    from storage.workspace import start_import
    from tui.commands.export import Steps

    started = start_import(file, context.community, context.url)  # the worker starts before any thread
    if started is None:
        return None
    try:
        with Steps(2, quiet=quiet) as steps:
            steps.step(_("Reading and checking {file}").format(file=file))
            workspace = context.workspace(create=True, say=False)
            steps.step(_("Storing {n} cycles").format(n=started.count() or "?"))
            done = workspace.import_started(started)
    finally:
        started.close()
    if done is None:  # refused: the import as usual says why, and makes no database for it
        context.discard_if_new()
        return None
    context.say_created()
    return done.cycles, done.scales, done.links


def _say_imported(file: Path, done: tuple[int, Counter[str], int], *, quiet: bool) -> None:
    if quiet:
        return
    total, counts, links = done
    scales = ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
    msg = _("{file}: imported {n} cycles ({scales}) and {links} links.")
    click.echo(msg.format(file=file, n=total, scales=scales, links=links))


def register(main: click.Group) -> None:
    @main.command()
    @click.pass_obj
    def init(context: Context) -> None:
        """Create the database, or bring its schema up to date."""
        workspace = context.workspace(create=True)
        click.echo(_("Database ready: {url}").format(url=workspace.store.url))

    @main.command("import")
    @click.argument("file", type=click.Path(path_type=Path))
    @click.option("--dry-run", is_flag=True, help="Validate and show what would be added.")
    @click.option("--if-empty", is_flag=True, help="Only import into an empty database.")
    @click.option("--quiet", is_flag=True, help="No progress bar and no summary.")
    @click.pass_obj
    def import_(context: Context, file: Path, dry_run: bool, if_empty: bool, quiet: bool) -> None:
        """Import a portfolio (YAML, JSON, or a CSV export): all of it or, on any error, nothing."""
        from cycles.errors import CyclesError
        from tui.commands.export import Steps, bulk

        context.quiet = quiet
        if if_empty:
            from cycles.repository import CycleFilter

            existing = context.workspace(open_now=False)
            if existing.exists() and existing.list(CycleFilter(include_ended=True)):
                click.echo(_("The database already holds cycles; nothing imported."))
                return
        if not dry_run:
            with bulk():
                done = _import_export_file(context, file, quiet=quiet)
            if done is not None:
                _say_imported(file, done, quiet=quiet)
                return
        from storage.workspace import read_portfolio

        # The file is read and checked first: a file refused, or a dry run, makes no database.
        workspace = context.workspace(open_now=False)
        with Steps(1 if dry_run else 2, quiet=quiet) as steps, bulk():
            steps.step(_("Reading and checking {file}").format(file=file))
            data = read_portfolio(file, workspace.community)
            if dry_run:
                added, taken = changes(workspace, data)
            else:
                steps.step(_("Storing {n} cycles").format(n=len(data.entries)))
                context.workspace(create=True).import_portfolio(data)
        counts = data.scales()
        total = len(data.entries)
        scales = ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
        if dry_run:
            msg = _("{file}: valid; would import {n} cycles ({scales}) and {links} links.")
            click.echo(msg.format(file=file, n=total, scales=scales, links=len(data.links)))
            click.echo(
                _(
                    "It would add {iterations} iterations, {notes} notes, {evaluations} evaluations "
                    "and {events} history events; nothing else changes."
                ).format(**added)
            )
            if taken:
                shown = ", ".join(taken[:10]) + (f" (+{len(taken) - 10})" if len(taken) > 10 else "")
                raise CyclesError(
                    _(
                        "the import would be refused: {n} cycle keys are already in the database: {keys}"
                    ).format(n=len(taken), keys=shown)
                )
        else:
            _say_imported(file, (total, counts, len(data.links)), quiet=quiet)

    @main.command()
    @click.option("--no-board", is_flag=True, help="Load the example and print where, only.")
    @click.pass_obj
    def demo(context: Context, no_board: bool) -> None:
        """Open the board on a fresh temporary database with SPARK's example portfolio."""
        folder = Path(tempfile.mkdtemp(prefix="cycles-demo-"))
        url = f"sqlite:///{folder / 'demo.db'}"
        workspace = context.workspace(url, create=True)
        load_file(workspace, example_path())
        if no_board:
            click.echo(_("Demo database: {url}").format(url=workspace.store.url))
            return
        try:
            open_board(context, workspace)
        finally:  # a demo leaves nothing behind
            context.close()
            shutil.rmtree(folder, ignore_errors=True)
