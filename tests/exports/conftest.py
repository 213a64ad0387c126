"""A small known portfolio, made through the workspace as a user would, for export and review tests.

Timeline (2026, UTC), review period 2026-Q3 (1 July - 30 September):

- ``nano-ai`` (nanomodule): iteration 1 evaluated 14 June, decided next 10 July; iteration 2
  evaluated 25 July (above-all-do, radar), decided other route 1 August -> ``nano-ai-training``.
- ``opencoffee`` (event, 42 days): started 5 June, never evaluated: due 13 July, overdue.
- ``showcase-bb`` (showcase): started, not yet due; linked "related" to nano-ai; texts that look
  like formulas.
- ``fund-subsidy``: 1 June - dropped 15 August (whole-chain); ``fund-project``: 1 August - dropped
  20 August (own-interest); ``fund-partner``: from 1 September. Overlap 1-15 August, gap 21-31
  August.
- ``sat-brabant`` (satellite): decided other route, then undone: the route's history remains
  without its cycle (an orphan history).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from cycles.community import Community
from cycles.model import DecisionKind, LinkKind
from storage.units.store import Store
from storage.workspace import Workspace
from tests.conftest import FrozenClock

FORMULA_TEXTS = ["=SUM(A1)", "'=x", "+31 6 1234", "-minus", "@home", "\ttab", "\rcr", "''+y", "'plain"]


def at(month: int, day: int, hour: int = 9) -> datetime:
    return datetime(2026, month, day, hour, 0, tzinfo=UTC)


def build(ws: Workspace, clock: FrozenClock) -> None:
    clock.set(at(6, 1))
    for key, kind in [
        ("nano-ai", "nanomodule"),
        ("opencoffee", "event"),
        ("showcase-bb", "showcase"),
        ("fund-subsidy", "funding-route"),
        ("sat-brabant", "satellite"),
    ]:
        ws.create(name=key.replace("-", " ").title(), activity_type=kind, key=key, owner="Anouk")
    ws.edit("showcase-bb", description=FORMULA_TEXTS[0], stakeholders=FORMULA_TEXTS[1:5])
    ws.collect("showcase-bb", need='=HYPERLINK("http://x")', resources="@budget")

    clock.set(at(6, 2))
    ws.start("nano-ai", "Directors, Eindhoven")
    clock.set(at(6, 5))
    ws.start("opencoffee", "Open Coffee Bouw")
    ws.note("nano-ai", "Directors liked it")
    clock.set(at(6, 10))
    ws.start("showcase-bb", "Boschveld")
    ws.note("showcase-bb", FORMULA_TEXTS[5])
    ws.note("showcase-bb", "-5 degrees on site\nsecond line")
    ws.start("fund-subsidy", "Subsidy A")
    ws.start("sat-brabant", "DomeX")
    clock.set(at(6, 14))
    ws.evaluate("nano-ai", findings="Good", value_levels=["immediate"], outcome_levels=["micro"],
                principles=["above-all-do", "hinge"])  # fmt: skip
    ws.evaluate("sat-brabant", findings="Try Eindhoven", principles=["radar"])
    clock.set(at(6, 20))
    ws.decide("sat-brabant", DecisionKind.ROUTE, "Second pilot", route_key="sat-eindhoven")
    clock.set(at(6, 21))
    ws.undo("sat-brabant")

    clock.set(at(7, 10))
    ws.decide("nano-ai", DecisionKind.NEXT, "Run again with directors")
    clock.set(at(7, 11))
    ws.start("nano-ai", "Helmond")
    clock.set(at(7, 25))
    ws.evaluate("nano-ai", findings="Needs depth", value_levels=["potential", "applied"],
                outcome_levels=["meso"], principles=["above-all-do", "radar"])  # fmt: skip
    clock.set(at(7, 31))
    ws.evaluate("fund-subsidy", findings="Ends", value_levels=["realised"], principles=["whole-chain"])
    clock.set(at(8, 1))
    ws.decide("nano-ai", DecisionKind.ROUTE, "Turn it into a training", route_key="nano-ai-training",
              route_type="training", carry=["owner"])  # fmt: skip
    ws.create(name="Project money", activity_type="funding-route", key="fund-project")
    ws.link("showcase-bb", "nano-ai", LinkKind.RELATED, note="@see =both")
    clock.set(at(8, 2))
    ws.start("fund-project", "Project X")
    clock.set(at(8, 10))
    ws.evaluate("fund-project", findings="Small", outcome_levels=["macro"], principles=["own-interest"])
    clock.set(at(8, 15))
    ws.decide("fund-subsidy", DecisionKind.DROP, "The subsidy ended")
    clock.set(at(8, 20))
    ws.decide("fund-project", DecisionKind.DROP, "Project closed")
    clock.set(at(9, 1))
    ws.create(name="Partner model", activity_type="funding-route", key="fund-partner")
    clock.set(at(11, 28))


@pytest.fixture
def export_clock() -> FrozenClock:
    return FrozenClock(at(11, 28))


def open_workspace(url: str, community: Community, clock: FrozenClock) -> Workspace:
    return Workspace(Store.open(url), community, actor="tester", clock=clock)


@pytest.fixture
def filled(tmp_path: Path, community: Community, export_clock: FrozenClock) -> Iterator[Workspace]:
    """The known portfolio in a SQLite file of its own."""
    ws = open_workspace(f"sqlite:///{tmp_path / 'source.db'}", community, export_clock)
    build(ws, export_clock)
    yield ws
    ws.store.close()


@pytest.fixture
def out(tmp_path: Path) -> Path:
    folder = tmp_path / "out"
    folder.mkdir()
    return folder
