"""The benchmark runner: every figure of issue 6 at each size, on SQLite and on PostgreSQL.

    python -m benchmarks.run [--sizes 1000,10000] [--smoke] [--pg URL | --no-pg]
                             [--wait-for-load 1.0] [--markdown FILE] [--json FILE]

For each size it generates a portfolio (``benchmarks.generate``, about ten iterations per cycle),
stores it in a fresh SQLite file and a fresh PostgreSQL schema (when the server is reachable), and
measures, each in processes of its own:

- cold start to first board paint: ``cycles --db URL`` in a new process, headless, until the first
  frame that shows the cards (``benchmarks.paint``), as a ratio to the floor (``benchmarks.floor``)
  measured alternately in the same run;
- board keys in one board process (``benchmarks.interact``) and its peak RSS;
- ``cycles list``, ``list --due``, ``export``, ``review`` and ``import`` as subprocesses (wall);
- the reminder sweep and the export, review and import commands in one warm process
  (``benchmarks.ops``).

``--smoke`` runs everything at 50 cycles once, without judging times, for CI: the exit status is
non-zero when any measured operation fails. Targets are issue 6's, stated for 10,000 cycles.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from benchmarks import databases, report
from benchmarks.paint import MARK

REPO = Path(__file__).resolve().parents[1]
NOW = "2026-11-28T09:00:00+01:00"  # a Saturday morning in Amsterdam


class ChildFailed(Exception):
    pass


def cycles_command() -> list[str]:
    script = Path(sys.executable).with_name("cycles")
    return [str(script)] if script.exists() else [sys.executable, "-c", "from tui.cli import run; run()"]


class Runner:
    def __init__(self, args: argparse.Namespace, folder: Path) -> None:
        self.args = args
        self.folder = folder
        config = folder / "config.toml"
        config.write_text("", "utf-8")
        self.env = {
            **os.environ,
            "CYCLES_NOW": NOW,
            "CYCLES_CONFIG": str(config),
            "CYCLES_USER_LANG": "en",
            "CYCLES_USER_NAME": "bench",
        }

    def spawn(self, cmd: list[str], timeout: float = 900) -> tuple[float, float, str, int]:
        """Run ``cmd``; its start (monotonic), wall time, stdout and ``ru_maxrss`` (KB; includes
        this process's size at the fork, so the children report their own peak instead)."""
        with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
            started = time.monotonic()
            proc = subprocess.Popen(cmd, stdout=out, stderr=err, env=self.env, cwd=REPO)
            watchdog = threading.Timer(timeout, proc.kill)
            watchdog.start()
            try:
                _pid, status, usage = os.wait4(proc.pid, 0)
            finally:
                watchdog.cancel()
            wall = time.monotonic() - started
            proc.returncode = os.waitstatus_to_exitcode(status)
            out.seek(0)
            err.seek(0)
            stdout, stderr = out.read().decode(errors="replace"), err.read().decode(errors="replace")
        if proc.returncode != 0:
            tail = stderr.strip().splitlines()[-1:] or [f"exit status {proc.returncode}"]
            raise ChildFailed(f"{' '.join(cmd[-6:])}: {tail[0]}")
        return started, wall, stdout, usage.ru_maxrss

    def bench_child(
        self, module: str, *args: str, timeout: float = 1800
    ) -> tuple[float, dict[str, Any], int]:
        """Run ``python -m module args``: its start, its result, and its peak RSS (KB) as it reports it."""
        started, _wall, stdout, _rss = self.spawn([sys.executable, "-m", module, *args], timeout)
        lines = [line for line in stdout.splitlines() if line.startswith(MARK)]
        if not lines:
            raise ChildFailed(f"{module} printed no result")
        result = json.loads(lines[-1][len(MARK) :])
        return started, result, int(result.get("maxrss_kb", 0))

    def timed(self, r: report.Results, name: str, args: list[str], before: Any = None) -> None:
        r[name] = self.wall(args, self.args.repeat, before)

    def wall(self, args: list[str], repeat: int, before: Any = None) -> float:
        times = []
        for i in range(repeat):
            extra = before(i) if before else []
            times.append(self.spawn([*cycles_command(), *extra, *args])[1])
        return statistics.median(times)

    # -- one size on one database ----------------------------------------------------------

    def measure(self, url: str, backend: str, dbs: databases.Databases) -> report.Results:
        a = self.args
        r: report.Results = {"load_before": os.getloadavg()[0]}
        files = self.folder / backend  # exports of this database (backends may run at once)
        files.mkdir(exist_ok=True)

        def attempt(name: str, fn: Any) -> None:
            try:
                fn()
            except Exception as exc:  # one failure must not hide the other figures
                r[name] = f"{type(exc).__name__}: {exc}"
                print(f"  {name}: FAILED: {r[name]}", flush=True)

        def cold_start() -> None:
            floors, boards, rss = [], [], []
            for _i in range(a.paint_repeat):
                started, result, floor_rss = self.bench_child("benchmarks.floor", timeout=300)
                floors.append(result["paint"] - started)
                started, result, board_rss = self.bench_child(
                    "benchmarks.paint", "board", "--", "--db", url, timeout=600
                )
                if result["problem"]:
                    raise ChildFailed(result["problem"])
                boards.append(result["paint"] - started)
                rss.append((floor_rss, board_rss))
            r["paint_floor"], r["paint_board"] = statistics.median(floors), statistics.median(boards)
            r["paint_ratio"] = r["paint_board"] / r["paint_floor"]
            r["floor_rss"] = max(f for f, _b in rss) / 1024
            r["paint_rss"] = max(b for _f, b in rss) / 1024

        def keys() -> None:
            _s, out, rss = self.bench_child(
                "benchmarks.interact", "--db", url, "--now", NOW, "--presses", str(a.presses)
            )
            for what in ("cursor", "open", "filter", "decide"):
                for stat in ("handler", "ui", "settled", "wall"):
                    r[f"{what}_{stat}"] = out[what].get(stat)
            r["decide_write"], r["decide_form"] = out["decide_write"], out["decide_form"].get("wall")
            r["board_rss"] = rss / 1024

        def command_line() -> None:
            db = ["--db", url]
            commands = {"list": [*db, "list"], "list_due": [*db, "list", "--due"]}
            for fmt, ext in (("json", "json"), ("csv", "zip"), ("xlsx", "xlsx")):
                out = str(files / f"export.{ext}")
                commands[f"export_{fmt}"] = [*db, "export", "--format", fmt, "--out", out, "--quiet"]
            review = str(files / "review.html")
            commands["review"] = [*db, "review", "--format", "html", "--out", review, "--quiet"]
            from benchmarks.ops import forget_documents

            for fmt in ("json", "csv", "xlsx"):

                def cold(_i: int, fmt: str = fmt) -> list[str]:
                    forget_documents(url, fmt)  # as after a bulk load: no cycle's piece stored yet
                    return []

                name, command = f"export_{fmt}_cold", commands[f"export_{fmt}"]
                attempt(
                    name,
                    lambda name=name, command=command, cold=cold: r.__setitem__(
                        name, self.wall(command, 1, cold)
                    ),
                )
            for name, command in commands.items():
                attempt(name, lambda name=name, command=command: self.timed(r, name, command))
            source = str(files / "export.json")
            fresh = lambda _i: ["--db", dbs.fresh(backend)]  # noqa: E731
            attempt("import", lambda: self.timed(r, "import", ["import", source, "--quiet"], fresh))

        def in_process() -> None:
            fresh = [arg for _i in range(a.repeat) for arg in ("--fresh", dbs.fresh(backend))]
            args = ["--db", url, "--now", NOW, "--dir", str(files), "--repeat", str(a.repeat)]
            _s, out, _rss = self.bench_child("benchmarks.ops", *args, "--sweeps", str(a.sweeps), *fresh)
            for name, error in out.get("errors", {}).items():
                r[f"inproc_{name}" if name != "sweep" else "sweep_idle"] = error
            if isinstance(out.get("sweep"), dict):
                r["sweep_idle"], r["sweep_first"] = out["sweep"]["idle"], out["sweep"]["first"]
            names = [f"export_{fmt}{cold}" for fmt in ("json", "csv", "xlsx") for cold in ("_cold", "")]
            for name in (*names, "review", "import"):
                if name in out:
                    r[f"inproc_{name}"] = out[name]

        for name, fn in (("paint_ratio", cold_start), ("cursor_handler", keys)):
            attempt(name, fn)
        command_line()
        attempt("sweep_idle", in_process)
        r["load_after"] = os.getloadavg()[0]
        return r


def machine(pg_url: str | None) -> list[str]:
    import sqlite3
    from importlib.metadata import version

    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    pg = f", PostgreSQL {databases.pg_version(pg_url)}" if pg_url else ""
    return [
        f"machine: {os.cpu_count()} CPUs ({cpu}), {platform.system()} {platform.release()}",
        f"software: Python {platform.python_version()}, textual {version('textual')}, "
        f"SQLAlchemy {version('sqlalchemy')}, SQLite {sqlite3.sqlite_version}{pg}",
    ]


def wait_for_quiet(limit: float, max_wait: float) -> None:
    deadline = time.monotonic() + max_wait
    while os.getloadavg()[0] > limit and time.monotonic() < deadline:
        print(f"load average {os.getloadavg()[0]:.2f} > {limit}: waiting", flush=True)
        time.sleep(30)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sizes", default="1000,10000", help="numbers of cycles, comma-separated")
    p.add_argument("--smoke", action="store_true", help="50 cycles, once, no judging (for CI)")
    p.add_argument("--pg", default=databases.PG_URL, help="PostgreSQL URL (default %(default)s)")
    p.add_argument("--no-pg", action="store_true", help="SQLite only")
    p.add_argument("--repeat", type=int, default=3, help="runs of each command (median)")
    p.add_argument("--paint-repeat", type=int, default=5, help="cold starts of board and floor (median)")
    p.add_argument("--presses", type=int, default=40, help="cursor keys in the key scenario")
    p.add_argument("--sweeps", type=int, default=50, help="idle reminder sweeps")
    p.add_argument("--wait-for-load", type=float, help="first wait until the 1-min load is below this")
    p.add_argument("--max-wait", type=float, default=900, help="seconds to wait for a quiet machine")
    p.add_argument("--markdown", type=Path, help="also write the table as Markdown to this file")
    p.add_argument("--json", type=Path, help="also write every figure as JSON to this file")
    p.add_argument("--render", type=Path, help="measure nothing: print the table of a --json file")
    args = p.parse_args(argv)
    if args.smoke:
        args.sizes, args.repeat, args.paint_repeat, args.presses, args.sweeps = "50", 1, 1, 4, 5
    args.size_list = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    return args


def render(args: argparse.Namespace) -> int:
    data = json.loads(args.render.read_text("utf-8"))
    columns = list(data["columns"].items())
    print("\n".join(data["header"]) + "\n\n" + report.table(columns, judge=not data.get("smoke")))
    if args.markdown:
        table = report.table(columns, judge=not data.get("smoke"), markdown=True)
        args.markdown.write_text("\n".join(["```", *data["header"], "```", "", table]) + "\n", "utf-8")
    return 0


def compile_project() -> None:
    """Write the project's bytecode, as an installed package (or a first run) has it.

    With ``PYTHONDONTWRITEBYTECODE`` set (as on some CI machines) an editable install would compile
    every module of the project at each start, about 0.1 s no user pays; the floor's Textual is
    compiled by pip at install. Existing ``.pyc`` files are read whatever that variable says.
    """
    import compileall

    for package in ("cycles", "storage", "tui"):
        compileall.compile_dir(REPO / package, quiet=1)


def main(argv: list[str] | None = None) -> int:
    from benchmarks.generate import generate

    args = parse_args(argv)
    if args.render:
        return render(args)
    if args.wait_for_load is not None:
        wait_for_quiet(args.wait_for_load, args.max_wait)
    compile_project()
    pg_url: str | None = None if args.no_pg else args.pg
    if pg_url:
        reason = databases.pg_unavailable(pg_url)
        if reason:
            print(f"{reason}: SQLite only", flush=True)
            pg_url = None
    header = [*machine(pg_url), f"load average at start: {'/'.join(f'{x:.2f}' for x in os.getloadavg())}"]
    print("\n".join(header), flush=True)
    backends = ["sqlite", *(["postgresql"] if pg_url else [])]
    now = datetime.fromisoformat(NOW)
    results: dict[tuple[str, int], report.Results] = {}
    with databases.Databases(pg_url) as dbs:
        runner = Runner(args, dbs.folder)
        for size in args.size_list:
            started = time.perf_counter()
            gc.disable()
            portfolio = generate(size, seed=1, iterations_per_cycle=10, now=now)
            gc.enable()
            its = sum(len(c.iterations) for c in portfolio.cycles)
            print(f"\n{size:,} cycles, {its:,} iterations generated in {time.perf_counter() - started:.1f} s")
            urls = {}
            for backend in backends:
                urls[backend] = dbs.fresh(backend)
                took = databases.store(urls[backend], portfolio, now)
                print(f"  stored in {backend} in {took:.1f} s", flush=True)
            del portfolio
            gc.collect()

            def measure(backend: str, size: int = size, urls: dict[str, str] = urls) -> None:
                print(f"  measuring {backend} at {size:,} cycles", flush=True)
                results[(backend, size)] = runner.measure(urls[backend], backend, dbs)

            if args.smoke:  # no timing is judged: both databases at once, to keep CI short
                threads = [threading.Thread(target=measure, args=(b,)) for b in backends]
                for thread in threads:
                    thread.start()
                for thread in threads:
                    thread.join()
            else:
                for backend in backends:
                    measure(backend)
    names = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
    columns = [(f"{names[b]} {s:,}", results[(b, s)]) for b in backends for s in args.size_list]
    loads = ", ".join(f"{t} {r['load_before']:.2f}-{r['load_after']:.2f}" for t, r in columns)
    footer = [
        f"load average (1 min) before-after each column: {loads}",
        f"command: python -m benchmarks.run {' '.join(argv if argv is not None else sys.argv[1:])}".rstrip(),
    ]
    print("\n" + report.table(columns, judge=not args.smoke))
    print("\n" + "\n".join(footer))
    missed, failed = report.misses(columns), report.errors(columns)
    if missed and not args.smoke:
        print("\nmissed targets:\n  " + "\n  ".join(missed))
    if failed:
        print("\nFAILED:\n  " + "\n  ".join(failed))
    if args.markdown:
        text = "\n".join(
            ["```", *header, "```", "", report.table(columns, judge=not args.smoke, markdown=True)]
        )
        args.markdown.write_text(text + "\n\n" + "\n".join(f"- {line}" for line in footer) + "\n", "utf-8")
    if args.json:
        data = {"header": header, "smoke": args.smoke, "footer": footer, "columns": dict(columns)}
        args.json.write_text(json.dumps(data, indent=2), "utf-8")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
