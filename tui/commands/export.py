"""``cycles export`` and ``cycles review``: the portfolio and the programme review as files."""

from __future__ import annotations

import gc
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from cycles.i18n import _, set_language

if TYPE_CHECKING:
    from cycles.community import Community
    from storage.records import Selection
    from tui.session import Context

EXPORT_FORMATS = {"json": ".json", "csv": ".zip", "xlsx": ".xlsx", "ics": ".ics"}
REVIEW_FORMATS = {"md": ".md", "html": ".html", "xlsx": ".xlsx"}
PROGRESS_AFTER = 0.4  # seconds of work before a progress bar appears


class Steps:
    """A progress bar on stderr for work of a few named steps, shown only when the work takes
    more than a moment, stderr is a terminal and the user did not ask for quiet."""

    def __init__(self, total: int, *, quiet: bool) -> None:
        self.total = total
        self.quiet = quiet
        self.description = ""
        self.done = 0
        self._progress: Any = None
        self._task: Any = None
        self._lock = threading.Lock()
        self._timer: threading.Timer | None = None

    def __enter__(self) -> Steps:
        if not self.quiet and sys.stderr.isatty():
            self._timer = threading.Timer(PROGRESS_AFTER, self._show)
            self._timer.daemon = True
            self._timer.start()
        return self

    def _show(self) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

        with self._lock:
            if self._timer is None:
                return
            self._progress = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                TextColumn("{task.completed}/{task.total}"),
                TimeElapsedColumn(),
                console=Console(stderr=True),
                transient=True,
            )
            self._task = self._progress.add_task(self.description, total=self.total, completed=self.done)
            self._progress.start()

    def step(self, description: str) -> None:
        """Begin the next step (the previous one is done)."""
        with self._lock:
            if self.description:
                self.done += 1
            self.description = description
            if self._progress is not None:
                self._progress.update(self._task, description=description, completed=self.done)

    def __exit__(self, *exc: object) -> None:
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
            if self._progress is not None:
                self._progress.stop()
                self._progress = None


@contextmanager
def bulk() -> Iterator[None]:
    """Pause the cyclic garbage collector while a whole portfolio is built in memory: with
    hundreds of thousands of new objects its repeated passes cost more than the work itself
    (an import of 100,000 iterations runs much faster without them).

    Before the collector runs again, what exists is frozen (``gc.freeze``): the command's big
    graph, still referenced, is then not traversed by the next full pass (seconds at 10,000
    cycles). It is freed by reference counting as usual; only cyclic garbage among it would stay."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.freeze()
            gc.enable()


def selection(community: Community, scales: tuple[str, ...], types: tuple[str, ...]) -> Selection:
    from storage.records import Selection

    for s in scales:
        community.scale(s)  # a clear error for an unknown key
    for t in types:
        community.activity_type(t)
    return Selection(scales=tuple(scales), types=tuple(types))


def _summary(counts: dict[str, int]) -> str:
    names = {
        "cycles": _("cycles"),
        "iterations": _("iterations"),
        "notes": _("notes"),
        "evaluations": _("evaluations"),
        "links": _("links"),
        "events": _("history events"),
    }
    return ", ".join(f"{n} {names.get(k, k)}" for k, n in counts.items())


def register(main: click.Group) -> None:
    @main.command("export")
    @click.option(
        "--format", "fmt", type=click.Choice(list(EXPORT_FORMATS)), default="json", show_default=True
    )
    @click.option(
        "--out",
        type=click.Path(path_type=Path),
        help="File to write (CSV: a .zip archive, or else a directory of CSV files). "
        "Default: learning-cycles-DATE with the format's extension.",
    )
    @click.option("--scale", "scales", multiple=True, help="Only cycles of this scale (repeatable).")
    @click.option("--type", "types", multiple=True, help="Only cycles of this activity type (repeatable).")
    @click.option("--quiet", is_flag=True, help="No progress bar and no summary.")
    @click.pass_obj
    def export(
        context: Context,
        fmt: str,
        out: Path | None,
        scales: tuple[str, ...],
        types: tuple[str, ...],
        quiet: bool,
    ) -> None:
        """Export the portfolio: lossless JSON, CSV or XLSX tables, or the evaluation dates as ICS."""
        community = context.community
        clock = _clock()
        chosen = selection(community, scales, types)
        if out is not None and str(out) == "-":
            raise click.UsageError(_("--out -: the export is written to a file; give its name"))
        path = out or Path(f"learning-cycles-{_today(clock, community).isoformat()}{EXPORT_FORMATS[fmt]}")
        if fmt == "csv" and path.suffix.lower() == ".csv":
            raise click.UsageError(
                _("the CSV export is six files: give --out a .zip archive or a directory, not {path}").format(
                    path=path
                )
            )
        workspace = context.workspace(open_now=False)
        with Steps(2 if fmt == "ics" else 1, quiet=quiet) as steps, bulk():
            counts = workspace.export(fmt, path, chosen, lang=_lang(context), step=steps.step)
        if quiet:
            return
        if fmt == "ics":
            click.echo(_("Exported {n} evaluation dates to {path}.").format(n=counts["dates"], path=path))
        else:
            click.echo(_("Exported {what} to {path}.").format(what=_summary(counts), path=path))

    @main.command("review")
    @click.option("--period", help="2026-Q3, 2026-07, 2026 or 2026-W27 (default: this quarter).")
    @click.option("--from", "start", type=click.DateTime(["%Y-%m-%d"]), help="First day (with --to).")
    @click.option("--to", "end", type=click.DateTime(["%Y-%m-%d"]), help="Last day (with --from).")
    @click.option("--scale", "scales", multiple=True, help="Only cycles of this scale (repeatable).")
    @click.option("--type", "types", multiple=True, help="Only cycles of this activity type (repeatable).")
    @click.option(
        "--format", "fmt", type=click.Choice(list(REVIEW_FORMATS)), default="html", show_default=True
    )
    @click.option("--out", type=click.Path(path_type=Path, dir_okay=False), help="File to write.")
    @click.option("--lang", type=click.Choice(["en", "nl"]), help="Language of the review.")
    @click.option(
        "--funding-type",
        "funding_types",
        multiple=True,
        help="Activity types that are funding routes (repeatable; default: those the community file marks).",
    )
    @click.option("--quiet", is_flag=True, help="No progress bar and no summary.")
    @click.pass_obj
    def review(
        context: Context,
        period: str | None,
        start: Any,
        end: Any,
        scales: tuple[str, ...],
        types: tuple[str, ...],
        fmt: str,
        out: Path | None,
        lang: str | None,
        funding_types: tuple[str, ...],
        quiet: bool,
    ) -> None:
        """The programme review of a period: Markdown, self-contained HTML, or XLSX."""
        language = set_language(lang) if lang else _lang(context)
        community = context.community
        clock = _clock()
        chosen = selection(community, scales, types)
        for t in funding_types:
            community.activity_type(t)  # a clear error, listing the known ones, for an unknown key
        within = _period(period, start, end, _today(clock, community))
        if out is not None and str(out) == "-":
            raise click.UsageError(_("--out -: the review is written to a file; give its name"))
        path = out or Path(f"review-{within.label.replace('/', '_')}{REVIEW_FORMATS[fmt]}")
        workspace = context.workspace(open_now=False)
        with Steps(2, quiet=quiet) as steps, bulk():
            made = workspace.review(
                fmt,
                path,
                within,
                selection=chosen,
                funding_types=funding_types,
                lang=language,
                step=steps.step,
            )
        if not quiet:
            click.echo(
                _("Review {period} ({n} cycles) written to {path}.").format(
                    period=within.label, n=made.running, path=path
                )
            )


def _clock() -> Any:
    from tui.session import clock_from_env

    return clock_from_env()


def _today(clock: Any, community: Community) -> date:
    """Today in the community's zone (as ``Workspace.today``)."""
    from cycles.cadence import local_date

    return local_date(clock(), community.zone)


def _lang(context: Context) -> str:
    from cycles.i18n import language

    return language() or context.settings.language


def _period(period: str | None, start: Any, end: Any, today: date) -> Any:
    from cycles import review as content

    if period and (start or end):
        raise click.UsageError(_("give either --period or --from and --to, not both"))
    if start or end:
        if not (start and end):
            raise click.UsageError(_("--from and --to go together"))
        return content.between(start.date(), end.date())
    if period:
        return content.period(period)
    return content.quarter_of(today)
