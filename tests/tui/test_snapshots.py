"""Snapshots of the board's screens at 120x40, frozen time, no cursor blink, in English and Dutch.

Regenerate after an intended change of layout or wording with ``pytest tests/tui --snapshot-update``
and look at the report before committing the new SVGs.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from textual.pilot import Pilot

from storage.workspace import Workspace
from tests.conftest import FrozenClock
from tests.tui.conftest import SIZE, build, go_to, press, settle

SCREENS = {
    "board": (None, []),
    "cycle": ("nano-directors", ["enter"]),
    "evaluate": ("nano-directors", ["v"]),
    "timeline": (None, ["t"]),
    "help": (None, ["question_mark"]),
}


def steps(key: str | None, keys: list[str]) -> Callable[[Pilot[Any]], Awaitable[None]]:
    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        if key:
            await go_to(pilot, key)
        await press(pilot, *keys)

    return run_before


@pytest.mark.parametrize("lang", ["en", "nl"])
@pytest.mark.parametrize("screen", list(SCREENS))
def test_snapshot(
    screen: str, lang: str, workspace: Workspace, clock: FrozenClock, snap_compare: Any
) -> None:
    key, keys = SCREENS[screen]
    app = build(workspace, clock, lang=lang)
    assert snap_compare(app, terminal_size=SIZE, run_before=steps(key, keys))
