"""The board under the keys, in one process: cursor moves, opening a cycle, filtering, deciding.

Run by ``benchmarks.run`` as ``python -m benchmarks.interact --db URL --now ISO``; prints one line
``BENCH {json}``. Each key is sent as Pilot sends it, then the process waits for the first frame
composed with the key's effect visible (``benchmarks.paint``-style hook on the app's display), never
for a fixed pause. Three figures per key:

- ``handler``: CPU time (``time.thread_time``) inside the application's own handlers for it;
- ``ui``: CPU time of the UI thread from the key to that frame: dispatch, handlers, layout and
  drawing, everything that keeps the board from answering the next key;
- ``settled``: CPU time of the UI thread from the key until the app is idle again: the above plus
  what follows the frame (footer recomposed after the bindings changed, notifications, ...);
- ``wall``: ``time.perf_counter`` from the key to that frame (includes waiting for worker threads,
  the database, and Textual's frame timer).
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import gc
import statistics
import sys
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

from textual._wait import wait_for_idle

from benchmarks.paint import SIZE, emit, peak_rss_kb

Sample = tuple[float, float, float, float]  # wall, ui cpu, handler cpu, settled ui cpu (seconds)


class Frames:
    """Wakes waiters at the first frame composed while their condition holds."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.waiters: list[tuple[Callable[[], bool], asyncio.Future[tuple[float, float]]]] = []
        original = app._display

        def display(screen: Any, renderable: Any) -> None:
            original(screen, renderable)
            if renderable is None or app._closed or app._batch_count:
                return
            at = (time.perf_counter(), time.thread_time())
            for waiter in list(self.waiters):
                cond, future = waiter
                if not future.done() and cond():
                    future.set_result(at)
                    self.waiters.remove(waiter)

        app._display = display

    def expect(self, cond: Callable[[], bool]) -> asyncio.Future[tuple[float, float]]:
        future: asyncio.Future[tuple[float, float]] = asyncio.get_running_loop().create_future()
        self.waiters.append((cond, future))
        return future


class Probe:
    """CPU time spent inside chosen methods (outermost calls only), on the calling thread."""

    def __init__(self) -> None:
        self.cpu = 0.0
        self.depth = 0
        self.wall: dict[str, list[float]] = {}

    def wrap(self, cls: type, name: str) -> None:
        fn = getattr(cls, name)

        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            self.depth += 1
            start = time.thread_time()
            try:
                return fn(*args, **kwargs)
            finally:
                self.depth -= 1
                if self.depth == 0:
                    self.cpu += time.thread_time() - start

        setattr(cls, name, wrapper)

    def time_calls(self, cls: type, name: str) -> None:
        """Record the wall time of each call (for work done in worker threads)."""
        fn = getattr(cls, name)
        calls = self.wall.setdefault(f"{cls.__name__}.{name}", [])

        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                calls.append(time.perf_counter() - start)

        setattr(cls, name, wrapper)


class Bench:
    def __init__(self, app: Any, pilot: Any, probe: Probe) -> None:
        self.app = app
        self.pilot = pilot
        self.frames = Frames(app)
        self.probe = probe

    async def key(self, key: str, cond: Callable[[], bool], timeout: float = 60) -> Sample:
        """Press ``key``; return the figures at the first frame where ``cond()`` holds."""
        future = self.frames.expect(cond)
        self.probe.cpu = 0.0
        wall, cpu = time.perf_counter(), time.thread_time()
        # Pilot's own key sending (textual is pinned), without the fixed pause Pilot adds after it;
        # it returns once the app is idle (by CPU time, not by a sleep of fixed length).
        sending = asyncio.create_task(self.app._press_keys([key]))
        frame_wall, frame_cpu = await asyncio.wait_for(future, timeout)
        await sending
        await self.idle()
        handler = self.probe.cpu
        return frame_wall - wall, frame_cpu - cpu, handler, time.thread_time() - cpu

    async def idle(self) -> None:
        """Until workers and queued writes are done and the UI thread has stopped working."""
        await asyncio.to_thread(self.app.writes.wait, 60)
        await self.app.workers.wait_for_complete()
        await wait_for_idle(0)

    async def frame(self, cond: Callable[[], bool], timeout: float = 120) -> None:
        """Wait for the next frame composed while ``cond()`` holds (the caller made one due)."""
        await asyncio.wait_for(self.frames.expect(cond), timeout)


def summary(samples: list[Sample]) -> dict[str, Any]:
    if not samples:
        return {"n": 0}
    walls, uis, handlers, settled = zip(*samples, strict=True)
    return {
        "n": len(samples),
        "wall": statistics.median(walls),
        "ui": statistics.median(uis),
        "handler": statistics.median(handlers),
        "settled": statistics.median(settled),
        "wall_max": max(walls),
        "settled_max": max(settled),
    }


async def scenario(url: str, now: datetime, presses: int) -> dict[str, Any]:
    from cycles.community import load_community
    from cycles.model import Phase, Status
    from storage.units.store import Store
    from storage.workspace import Workspace
    from tui.app import CyclesApp, make_app
    from tui.screens.actions import ActionsScreen
    from tui.screens.board import BoardScreen
    from tui.screens.cycle import CycleScreen
    from tui.screens.form import FormScreen
    from tui.settings import Settings
    from tui.widgets.board_view import BoardView

    probe = Probe()
    handlers = {
        "cursor": [(BoardView, "action_cursor"), (BoardScreen, "on_board_view_cursor_moved")],
        "open": [
            (BoardView, "action_open"),
            (BoardScreen, "on_board_view_opened"),
            (CycleScreen, "on_mount"),
            (CycleScreen, "on_cycle_loaded"),
        ],
        "filter": [(BoardScreen, "filter_by")],
        "decide": [(FormScreen, "action_save"), (ActionsScreen, "submit"), (CyclesApp, "on_cycle_changed")],
    }
    for pairs in handlers.values():
        for cls, name in pairs:
            probe.wrap(cls, name)
    probe.time_calls(Workspace, "decide")

    store = Store.open(url)
    workspace = Workspace(store, load_community(), actor="bench", clock=lambda: now)
    settings = Settings.model_validate({"user": {"name": "bench", "lang": "en"}})
    app = make_app(workspace, settings, clock=lambda: now)
    app.cursor_blink = False
    out: dict[str, Any] = {}
    started = time.perf_counter()
    async with app.run_test(headless=True, size=SIZE) as pilot:
        bench = Bench(app, pilot, probe)
        board = app.board

        def loaded() -> bool:
            return board.model is not None and board.model.loaded and app.screen is board

        await bench.frame(loaded)
        out["load"] = time.perf_counter() - started
        await bench.idle()
        model = board.model
        view = board.view
        out["cards"] = len(model.cards)

        # -- cursor moves: down through the lanes, then back up
        samples = []
        for i in range(presses):
            key = "down" if i < presses // 2 else "up"
            before = view.cursor
            samples.append(await bench.key(key, lambda before=before: view.cursor != before))
        out["cursor"] = summary(samples)

        # -- open a cycle (enter), then back to the board (escape)
        samples = []
        for _i in range(max(2, presses // 5)):
            key = view.selected.key

            def opened(key: str = key) -> bool:
                s = app.screen
                return isinstance(s, CycleScreen) and s.cycle is not None and s.cycle.key == key

            samples.append(await bench.key("enter", opened))
            await bench.key("escape", lambda: app.screen is board)
            await bench.key("down", lambda: True)
        out["open"] = summary(samples)

        # -- filter keystrokes in the search field
        await bench.key("slash", lambda: app.focused is not None and app.focused.id == "search")
        samples = []
        text = ""
        for ch in ("a", "c", "e", "backspace", "backspace", "backspace") * max(1, presses // 12):
            text = text[:-1] if ch == "backspace" else text + ch
            samples.append(await bench.key(ch, lambda text=text: model.filters.text == text))
        out["filter"] = summary(samples)
        await bench.key("enter", lambda: app.focused is view)

        # -- decide (next iteration) on cycles waiting for a decision
        waiting = [
            c.summary
            for c in model.cards.values()
            if c.summary.status is Status.ACTIVE and c.summary.phase is Phase.EVALUATE
        ]
        forms, samples = [], []
        for s in waiting[: max(2, presses // 5)]:
            view.move_to(model.positions[s.key])
            view.refresh()
            await bench.frame(lambda key=s.key: view.selected is not None and view.selected.key == key)
            await bench.idle()
            forms.append(await bench.key("d", lambda: type(app.screen).__name__ == "DecideForm"))
            app.screen.query_one("#why").value = "benchmark"

            def decided(key: str = s.key, seen: int = s.version) -> bool:
                card = model.cards.get(key)
                return app.screen is board and card is not None and card.summary.version > seen

            samples.append(await bench.key("ctrl+s", decided))
        out["decide_form"] = summary(forms)
        out["decide"] = summary(samples)
        writes = probe.wall.get("Workspace.decide", [])
        out["decide_write"] = statistics.median(writes) if writes else None
    store.close()
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--now", required=True, help="ISO 8601 instant with offset")
    parser.add_argument("--presses", type=int, default=40, help="cursor keys (others scale from it)")
    args = parser.parse_args(argv)
    gc.collect()
    out = asyncio.run(scenario(args.db, datetime.fromisoformat(args.now), args.presses))
    out["maxrss_kb"] = peak_rss_kb()
    emit(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
