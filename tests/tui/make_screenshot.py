"""Write the README's screenshot of the board: SPARK's example at a fixed date, 120x40.

python -m tests.tui.make_screenshot        # docs/board.svg, then: rsvg-convert it to docs/board.png
"""

from __future__ import annotations

import asyncio
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from cycles import portfolio
from cycles.communities import example_path
from cycles.community import load_community
from storage.units.store import Store
from storage.workspace import Workspace
from tui.app import make_app
from tui.settings import Settings

DOCS = Path(__file__).resolve().parents[2] / "docs"
NOW = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)


async def shoot(path: Path) -> None:
    with tempfile.TemporaryDirectory() as folder:
        ws = Workspace(
            Store.open(f"sqlite:///{folder}/demo.db"), load_community(), actor="demo", clock=lambda: NOW
        )
        ws.import_portfolio(portfolio.read(example_path(), ws.community))
        app = make_app(
            ws, Settings.model_validate({"user": {"name": "demo", "lang": "en"}}), clock=lambda: NOW
        )
        app.cursor_blink = False
        async with app.run_test(size=(120, 40)) as pilot:
            for _ in range(3):
                await pilot.pause()
                await app.workers.wait_for_complete()
            await pilot.pause()
            app.save_screenshot(path.name, path=str(path.parent))
        ws.store.close()


if __name__ == "__main__":
    asyncio.run(shoot(DOCS / "board.svg"))
    print(DOCS / "board.svg")
