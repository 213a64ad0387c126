"""Commands that open, fill and show the database as a whole: init, import, demo, the board."""

from __future__ import annotations

import tempfile
from collections import Counter
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

import click

from cycles.i18n import _

if TYPE_CHECKING:
    from storage.workspace import Workspace
    from tui.cli import Context

REPO_EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "spark.yaml"


def example_path() -> Path:
    """SPARK's example portfolio: shipped inside the package, or beside it in a source checkout."""
    shipped = resources.files("cycles.communities").joinpath("spark.yaml")
    if shipped.is_file():
        return Path(str(shipped))
    return REPO_EXAMPLE


def open_board(context: Context, workspace: Workspace | None = None) -> None:
    from tui.app import make_app

    app = make_app(workspace or context.workspace(), context.settings)
    app.run()


def load_file(workspace: Workspace, path: Path, *, dry_run: bool = False) -> Counter[str]:
    """Validate the whole file, then store all of it; returns counts of what it holds."""
    from cycles import portfolio

    data = portfolio.read(path, workspace.community)
    counts: Counter[str] = Counter(c.scale for c in data.cycles)
    counts["links"] = len(data.links)
    if not dry_run:
        workspace.import_portfolio(data)
    return counts


def register(main: click.Group) -> None:
    @main.command()
    @click.pass_obj
    def init(context: Context) -> None:
        """Create the database, or bring its schema up to date."""
        workspace = context.workspace()
        click.echo(_("Database ready: {url}").format(url=workspace.store.url))

    @main.command("import")
    @click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
    @click.option("--dry-run", is_flag=True, help="Validate and show what would be added.")
    @click.option("--if-empty", is_flag=True, help="Only import into an empty database.")
    @click.pass_obj
    def import_(context: Context, file: Path, dry_run: bool, if_empty: bool) -> None:
        """Import a portfolio (YAML or JSON): all of it or, on any error, nothing."""
        workspace = context.workspace()
        if if_empty:
            from cycles.repository import CycleFilter

            if workspace.list(CycleFilter(include_ended=True)):
                click.echo(_("The database already holds cycles; nothing imported."))
                return
        counts = load_file(workspace, file, dry_run=dry_run)
        total = sum(v for k, v in counts.items() if k != "links")
        scales = ", ".join(f"{k} {v}" for k, v in sorted(counts.items()) if k != "links")
        if dry_run:
            msg = _("{file}: valid; would import {n} cycles ({scales}) and {links} links.")
        else:
            msg = _("{file}: imported {n} cycles ({scales}) and {links} links.")
        click.echo(msg.format(file=file, n=total, scales=scales, links=counts["links"]))

    @main.command()
    @click.option("--no-board", is_flag=True, help="Load the example and print where, only.")
    @click.pass_obj
    def demo(context: Context, no_board: bool) -> None:
        """Open the board on a fresh temporary database with SPARK's example portfolio."""
        folder = Path(tempfile.mkdtemp(prefix="cycles-demo-"))
        url = f"sqlite:///{folder / 'demo.db'}"
        workspace = context.workspace(url)
        load_file(workspace, example_path())
        if no_board:
            click.echo(_("Demo database: {url}").format(url=workspace.store.url))
            return
        open_board(context, workspace)
