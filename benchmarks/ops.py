"""In-process figures, in one warm process: the reminder sweep, and the ``cycles`` commands for
export, review and import called as the command line calls them (``tui.cli.main``), with every
module they import loaded beforehand. So these figures are the work itself, without interpreter
start-up and imports; ``benchmarks.run`` also times the same commands as subprocesses. The JSON,
CSV and XLSX exports are timed cold (``export_json_cold`` and so on: the first run with no stored
cycle pieces of the format, which builds and stores them) and warm (``export_json`` and so on:
the median of the runs after it).

    python -m benchmarks.ops --db URL --now ISO --dir DIR [--fresh URL ...] [--repeat N]

Prints one line ``BENCH {json}``; a step that fails is reported with its error, not raised.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import traceback
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from benchmarks.paint import emit

EXPORTS = {"json": "export.json", "csv": "export.zip", "xlsx": "export.xlsx"}


def warm_imports() -> None:
    """What the export, review and import commands import lazily."""
    import openpyxl  # noqa: F401

    import cycles.review  # noqa: F401
    import storage.formats.calendar_ics
    import storage.formats.portfolio_csv
    import storage.formats.portfolio_json
    import storage.formats.portfolio_xlsx
    import storage.formats.review_html
    import storage.formats.tabular
    import storage.reading.export
    import storage.units.store
    import storage.workspace  # noqa: F401
    import tui.cli  # noqa: F401


def cli(args: list[str]) -> float:
    """Run ``cycles ARGS`` in this process; its wall time."""
    from tui.cli import main

    start = time.perf_counter()
    # Without standalone mode click returns the exit status of ``ctx.exit`` instead of raising.
    status = main(args, standalone_mode=False)
    if status not in (None, 0):
        raise RuntimeError(f"cycles {' '.join(args[2:4])} exited with status {status}")
    return time.perf_counter() - start


def forget_documents(url: str, fmt: str) -> None:
    """Delete the stored cycle pieces of export format ``fmt`` (derived data), so that its next
    export is cold."""
    from sqlalchemy import text

    from storage.units.store import Store

    store = Store.open(url)
    try:
        with store.engine.begin() as conn:
            conn.execute(text("DELETE FROM cycle_document WHERE format = :f"), {"f": fmt})
    finally:
        store.close()


def step(out: dict[str, Any], name: str, fn: Callable[[], Any]) -> None:
    try:
        out[name] = fn()
    except Exception as exc:  # reported in the table, and the run exits non-zero
        out.setdefault("errors", {})[name] = f"{type(exc).__name__}: {exc}"
        traceback.print_exc()


def sweep(url: str, now: datetime, repeat: int) -> dict[str, Any]:
    from cycles.community import load_community
    from storage.units.store import Store
    from storage.workspace import Workspace
    from tui.reminders.sweep import Sweeper
    from tui.settings import ReminderSettings, Settings

    store = Store.open(url)
    try:
        settings = Settings(reminders=ReminderSettings(desktop=False))
        sweeper = Sweeper.build(Workspace(store, load_community(), actor="bench"), settings)
        start = time.perf_counter()
        first = sweeper.sweep(now)
        first_s = time.perf_counter() - start
        idle = []
        for i in range(repeat):
            start = time.perf_counter()
            report = sweeper.sweep(now + timedelta(minutes=5 * (i + 1)))
            idle.append(time.perf_counter() - start)
            if report.sent:
                raise AssertionError(f"an idle sweep sent {len(report.sent)} reminders")
        return {"first": first_s, "first_sent": len(first.sent), "idle": statistics.median(idle)}
    finally:
        store.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--now", required=True)
    parser.add_argument("--dir", type=Path, required=True, help="where the exported files go")
    parser.add_argument("--fresh", action="append", default=[], help="empty database URLs for import")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--sweeps", type=int, default=50)
    args = parser.parse_args(argv)
    now = datetime.fromisoformat(args.now)
    warm_imports()
    out: dict[str, Any] = {}
    step(out, "sweep", lambda: sweep(args.db, now, args.sweeps))
    for fmt, name in EXPORTS.items():
        path = args.dir / f"inproc-{name}"
        cmd = ["--db", args.db, "export", "--format", fmt, "--out", str(path), "--quiet"]
        if fmt in ("json", "csv", "xlsx"):
            # cold: the first export with no stored cycle pieces (it stores them); warm: the
            # median of the runs after it, which read them (``storage.exports.documents``, ``table_pieces``)
            step(out, f"export_{fmt}_cold", lambda cmd=cmd, f=fmt: forget_documents(args.db, f) or cli(cmd))
        step(out, f"export_{fmt}", lambda cmd=cmd: statistics.median(cli(cmd) for _ in range(args.repeat)))
    review = [
        "--db",
        args.db,
        "review",
        "--format",
        "html",
        "--out",
        str(args.dir / "review.html"),
        "--quiet",
    ]
    step(out, "review", lambda: statistics.median(cli(review) for _ in range(args.repeat)))
    source = args.dir / f"inproc-{EXPORTS['json']}"
    imports = [["--db", url, "import", str(source), "--quiet"] for url in args.fresh]
    if imports:
        step(out, "import", lambda: statistics.median(cli(cmd) for cmd in imports))
    emit(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
