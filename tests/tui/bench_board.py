"""Measure the board at 10,000 cycles: first paint, cursor moves, search, decide.

    python -m tests.tui.bench_board [--cycles 10000] [--db /tmp/board-bench.db] [--reuse]

Times are taken inside the app, around the handlers (``time.process_time`` for CPU, ``perf_counter``
for wall time), never around Pilot's ``pause``, which sleeps. The portfolio comes from
``benchmarks.generate`` (about ten iterations per cycle, notes, evaluations, links).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchmarks.generate import generate
from cycles.community import load_community
from cycles.model import Phase
from storage.units.store import Store
from storage.workspace import Workspace
from tui.app import make_app
from tui.screens.board import BoardScreen
from tui.screens.decide import DecideForm
from tui.settings import Settings
from tui.widgets.board_view import BoardView

NOW = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)


def timed(cls: type, name: str, log: list[tuple[float, float]]) -> Callable[[], None]:
    """Wrap ``cls.name`` to record (wall, cpu) seconds of each call; returns an undo."""
    original = getattr(cls, name)

    def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
        w, c = time.perf_counter(), time.process_time()
        try:
            return original(self, *args, **kwargs)
        finally:
            log.append((time.perf_counter() - w, time.process_time() - c))

    setattr(cls, name, wrapper)
    return lambda: setattr(cls, name, original)


def ms(values: list[float]) -> str:
    values = sorted(values)
    p95 = values[int(0.95 * (len(values) - 1))]
    return f"median {statistics.median(values) * 1000:.2f} ms, p95 {p95 * 1000:.2f} ms, n={len(values)}"


def prepare(n: int, db: Path, reuse: bool) -> Workspace:
    community = load_community()
    if db.exists() and not reuse:
        db.unlink()
    fresh = not db.exists()
    ws = Workspace(Store.open(f"sqlite:///{db}"), community, actor="bench", clock=lambda: NOW)
    if fresh:
        t = time.perf_counter()
        ws.import_portfolio(generate(n, now=NOW))
        print(f"generated and imported {n} cycles in {time.perf_counter() - t:.1f} s")
    t = time.perf_counter()
    summaries = ws.list()
    print(f"Workspace.list(): {len(summaries)} summaries in {(time.perf_counter() - t) * 1000:.0f} ms")
    return ws


async def measure(ws: Workspace) -> None:
    first_data: list[float] = []
    mounted: list[float] = []
    original_render = BoardView.render_line

    def render_line(self: BoardView, y: int) -> Any:
        if self.model.loaded and not first_data:
            first_data.append(time.perf_counter())
        return original_render(self, y)

    BoardView.render_line = render_line  # type: ignore[method-assign]
    original_mount = BoardScreen.on_mount

    def on_mount(self: BoardScreen) -> None:
        mounted.append(time.perf_counter())
        original_mount(self)

    BoardScreen.on_mount = on_mount  # type: ignore[method-assign]
    app = make_app(ws, Settings.model_validate({"user": {"name": "bench", "lang": "en"}}), clock=lambda: NOW)
    app.cursor_blink = False
    start = time.perf_counter()
    async with app.run_test(size=(120, 40)) as pilot:
        while not first_data:
            await asyncio.sleep(0.005)
        print(f"first paint (screen, no data yet): {(mounted[0] - start) * 1000:.0f} ms after start")
        print(f"first paint of the board with data: {(first_data[0] - start) * 1000:.0f} ms after start")
        await pilot.pause()
        board = app.board
        model = board.model
        assert model is not None
        print(f"board holds {len(model.cards)} cycles, shows {model.shown}")

        moves: list[tuple[float, float]] = []
        undo = timed(BoardView, "action_cursor", moves)
        for key in ["down"] * 60 + ["right", "left"] * 10 + ["up"] * 30:
            await pilot.press(key)
        undo()
        print("cursor move handler, wall:", ms([w for w, _c in moves]))
        print("cursor move handler, CPU: ", ms([c for _w, c in moves]))

        view = board.view
        paints = []
        for _ in range(20):
            w = time.perf_counter()
            for y in range(view.size.height):  # every visible line, as a full repaint draws them
                view.render_line(y)
            paints.append(time.perf_counter() - w)
        print("full repaint of the visible board:", ms(paints))

        searches: list[tuple[float, float]] = []
        undo = timed(BoardScreen, "filter_by", searches)
        await pilot.press("slash")
        await pilot.press(*"funding")
        await pilot.press(*["backspace"] * 7)
        await pilot.press("enter")
        undo()
        print("search keystroke (filter, sort, lay out 10,000 in memory):", ms([w for w, _c in searches]))

        target = next(
            k
            for k, c in model.cards.items()
            if c.summary.phase is Phase.EVALUATE and c.active and k in model.positions
        )
        view.move_to(model.positions[target])
        await pilot.pause()
        opened: list[float] = []
        saved: list[float] = []
        applied: list[float] = []
        original_open = BoardScreen.open_form
        original_save = DecideForm.action_save
        original_apply = BoardScreen.apply_change

        def open_form(self: BoardScreen, *args: Any) -> None:
            original_open(self, *args)
            opened.append(time.perf_counter())

        def action_save(self: DecideForm) -> None:
            saved.append(time.perf_counter())
            original_save(self)

        def apply_change(self: BoardScreen, message: Any) -> None:
            original_apply(self, message)
            applied.append(time.perf_counter())

        BoardScreen.open_form = open_form  # type: ignore[method-assign, assignment]
        DecideForm.action_save = action_save  # type: ignore[method-assign, assignment]
        BoardScreen.apply_change = apply_change  # type: ignore[method-assign]
        key_at = time.perf_counter()
        await pilot.press("d")
        while not opened:
            await asyncio.sleep(0.001)
        print(f"decide key to form open (cycle read in a worker): {(opened[0] - key_at) * 1000:.0f} ms")
        await pilot.press("tab", *"Next step for the bench", "ctrl+s")
        while not applied:
            await asyncio.sleep(0.001)
        took = (applied[0] - saved[0]) * 1000
        print(f"decide: save key to board updated (stored, message, board laid out): {took:.0f} ms")
        stored = ws.get(target)
        print(f"stored: {target} now at iteration {stored.current.number}, {stored.phase.value}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cycles", type=int, default=10_000)
    parser.add_argument("--db", type=Path, default=Path("/tmp/board-bench.db"))
    parser.add_argument("--reuse", action="store_true", help="Measure on the database as it is.")
    args = parser.parse_args()
    ws = prepare(args.cycles, args.db, args.reuse)
    asyncio.run(measure(ws))


if __name__ == "__main__":
    main()
