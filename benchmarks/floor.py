"""The floor: the least a Textual app does before its first frame, an empty DataTable.

The board's cold start is reported as a ratio to this, measured in the same run, because absolute
times drift on a shared machine while ratios hold. The floor pays what every Textual app pays
(interpreter start, ``import textual``, the first layout and frame) and nothing of Learning Cycles.

    python -m benchmarks.floor      # prints ``BENCH {json}`` once the first frame is composed
"""

from __future__ import annotations

import sys
from typing import Any

from textual.app import App, ComposeResult
from textual.widgets import DataTable

from benchmarks.paint import emit, run_headless, screen_text

COLUMNS = ("key", "name", "type", "it.", "phase", "evaluation due", "owner")


class FloorApp(App[None]):
    """An empty DataTable with the columns ``cycles list`` prints."""

    def compose(self) -> ComposeResult:
        yield DataTable(id="table")

    def on_mount(self) -> None:
        self.query_one(DataTable).add_columns(*COLUMNS)


def _ready(app: App[Any]) -> bool:
    return bool(app.screen.query(DataTable))


def _verify(app: App[Any]) -> str:
    return "" if "evaluation due" in screen_text(app) else "the frame does not show the table header"


def main() -> int:
    emit(run_headless(lambda: FloorApp().run(), _ready, _verify))
    return 0


if __name__ == "__main__":
    sys.exit(main())
