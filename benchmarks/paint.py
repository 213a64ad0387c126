"""First paint, headless: when a Textual app composes its first frame showing what we wait for.

A frame counts when Textual would write it to the terminal (the app is running, not closed, not
inside a batch update); headless, the compositor does all its work and only the final write to the
terminal is skipped. The moment is taken with ``time.monotonic()``, which on Linux is the same clock
in every process, so the runner can measure from before it started the process.

    python -m benchmarks.paint board -- --db URL     # the board as `cycles --db URL` opens it

The process prints one line ``BENCH {json}`` and exits as soon as the frame is composed.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from collections.abc import Callable
from importlib.abc import MetaPathFinder
from importlib.machinery import ModuleSpec, PathFinder
from types import ModuleType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # not imported here: the board imports Textual when it would without the benchmark
    from textual.app import App

SIZE = (120, 40)
MARK = "BENCH "

Ready = Callable[["App[Any]"], bool]


def watch(app: App[Any], ready: Ready, on_paint: Callable[[App[Any], float], None]) -> None:
    """Call ``on_paint(app, t)`` at the first frame composed while ``ready(app)`` holds, then exit."""
    original = app._display
    painted = False

    def display(screen: Any, renderable: Any) -> None:
        nonlocal painted
        original(screen, renderable)
        shown = renderable is not None and app._running and not app._closed and not app._batch_count
        if shown and not painted and ready(app):
            painted = True
            on_paint(app, time.monotonic())
            app.exit()

    app._display = display  # type: ignore[method-assign]


def screen_text(app: App[Any]) -> str:
    """The text of the frame the screen composes now."""
    strips = app.screen._compositor.render_strips()
    return "\n".join("".join(segment.text for segment in strip) for strip in strips)


def run_headless(
    factory: Callable[[], Any], ready: Ready, verify: Callable[[App[Any]], str]
) -> dict[str, Any]:
    """Make ``App.run`` headless for whatever ``factory`` runs, and report the first ready frame.

    ``verify(app)`` is called right after that frame: it returns "" when the frame shows what it
    should, else what is wrong (the timing is already taken, so it may take its time).
    """
    result: dict[str, Any] = {"paint": None, "problem": "the app exited before a ready frame"}

    def on_paint(app: App[Any], at: float) -> None:
        result["paint"] = at
        result["problem"] = verify(app)

    original_run: Any = None

    def run(self: App[Any], *args: Any, **kwargs: Any) -> Any:
        kwargs.update(headless=True, size=SIZE)
        watch(self, ready, on_paint)
        return original_run(self, *args, **kwargs)

    def patch(module: ModuleType) -> None:
        nonlocal original_run
        original_run = module.App.run
        module.App.run = run

    when_imported("textual.app", patch)
    factory()
    result["maxrss_kb"] = peak_rss_kb()
    return result


def when_imported(name: str, then: Callable[[ModuleType], None]) -> None:
    """Call ``then(module)`` once the module ``name`` has been imported (at once if it has), so
    that measuring an app does not import its modules earlier than the app itself would."""
    if name in sys.modules:
        then(sys.modules[name])
        return

    class Finder(MetaPathFinder):
        def find_spec(self, fullname: str, path: Any = None, target: Any = None) -> ModuleSpec | None:
            if fullname != name:
                return None
            sys.meta_path.remove(self)
            spec = PathFinder.find_spec(fullname, path)
            if spec is None or spec.loader is None:
                return spec
            loader: Any = spec.loader
            execute = loader.exec_module

            def exec_module(module: ModuleType) -> None:
                execute(module)
                then(module)

            loader.exec_module = exec_module
            return spec

    sys.meta_path.insert(0, Finder())


def board_ready(app: App[Any]) -> bool:
    model = getattr(app.screen, "model", None)
    return model is not None and bool(model.loaded) and bool(model.cards)


def board_shows_rows(app: App[Any]) -> str:
    text = screen_text(app)
    view = getattr(app.screen, "view", None)
    selected = getattr(view, "selected", None)
    if selected is None:
        return "no card under the cursor after loading"
    if selected.name[:10] not in text:
        return f"the frame does not show the selected card {selected.name!r}"
    return ""


def _board(cli_args: list[str]) -> dict[str, Any]:
    def start() -> None:
        from tui import cli, session

        session.FORK_FIRST_READ = True  # as the console script (``tui.cli.run``) does
        cli.main(cli_args, standalone_mode=False)

    return run_headless(start, board_ready, board_shows_rows)


def peak_rss_kb() -> int:
    """This process's peak resident set (VmHWM). Not ``getrusage``: Linux carries ``ru_maxrss`` over
    exec, so a child started by a big runner would report the runner's size."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def emit(result: dict[str, Any]) -> None:
    print(MARK + json.dumps(result), flush=True)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if not args or args[0] != "board":
        print("usage: python -m benchmarks.paint board -- [cycles options]", file=sys.stderr)
        return 2
    rest = args[1:]
    if rest[:1] == ["--"]:
        rest = rest[1:]
    emit(_board(rest))
    return 0


if __name__ == "__main__":
    sys.exit(main())
