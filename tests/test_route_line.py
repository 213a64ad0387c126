"""A cycle's whole line of development, several decisions long, in a second community (FoodLab):
read through the door, printed by ``cycles show`` (text and JSON) and listed on the cycle screen."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from textual.widgets import OptionList

from cycles.community import Community, load_community
from cycles.model import DecisionKind, LinkKind
from storage.units.store import Store
from storage.workspace import Workspace
from tests.conftest import REPO, FrozenClock
from tests.tui.conftest import SIZE, build, press, settle

FOODLAB = REPO / "tests" / "communities" / "foodlab.toml"


@pytest.fixture
def foodlab() -> Community:
    return load_community(FOODLAB)


@pytest.fixture
def lab(sqlite_url: str, foodlab: Community) -> Iterator[Workspace]:
    """School menu A, rerouted to B on 1 February, B rerouted to C on 1 March; D spawned from B."""
    clock = FrozenClock(datetime(2026, 1, 5, 9, tzinfo=UTC))
    store = Store.open(sqlite_url)
    ws = Workspace(store, foodlab, actor="Femke", clock=clock)
    ws.create(name="School menu A", activity_type="school-menu", key="menu-a")
    ws.start("menu-a", "School kitchen")
    clock.set(datetime(2026, 2, 1, 9, tzinfo=UTC))
    ws.evaluate("menu-a", findings="Seen")
    ws.decide(
        "menu-a",
        DecisionKind.ROUTE,
        "Children skipped the soup",
        route_key="menu-b",
        route_name="School menu B",
    )
    ws.start("menu-b", "School kitchen")
    clock.set(datetime(2026, 2, 10, 9, tzinfo=UTC))
    ws.create(name="Farm link for menu B", activity_type="farm-link", key="farm-d")
    ws.link("farm-d", "menu-b", LinkKind.SPAWNED_FROM, "The carrots came from here")
    clock.set(datetime(2026, 3, 1, 9, tzinfo=UTC))
    ws.evaluate("menu-b", findings="Seen")
    ws.decide(
        "menu-b",
        DecisionKind.ROUTE,
        "Cooks asked for fewer courses",
        route_key="menu-c",
        route_name="School menu C",
    )
    clock.set(datetime(2026, 3, 20, 9, tzinfo=UTC))
    yield ws
    store.close()


def test_the_line_runs_from_the_root_through_every_decision(lab: Workspace) -> None:
    for key in ("menu-a", "menu-b", "menu-c", "farm-d"):  # the same line from any of its cycles
        steps = lab.line(key)
        assert [(s.cycle.key, s.depth) for s in steps] == [
            ("menu-a", 0),
            ("menu-b", 1),
            ("farm-d", 2),  # spawned on 10 February, before the route of 1 March
            ("menu-c", 2),
        ], key
    a, b, d, c = lab.line("menu-c")
    assert a.relation is None and a.why == ""
    assert (b.relation, b.why, b.at) == (
        LinkKind.ROUTE_OF,
        "Children skipped the soup",
        datetime(2026, 2, 1, 9, tzinfo=UTC),
    )
    assert (c.relation, c.why) == (LinkKind.ROUTE_OF, "Cooks asked for fewer courses")
    assert (d.relation, d.why) == (LinkKind.SPAWNED_FROM, "The carrots came from here")


def test_a_cycle_alone_is_a_line_of_one(lab: Workspace, foodlab: Community) -> None:
    lab.create(name="Chef tasting", activity_type="chef-tasting", key="alone")
    assert [s.cycle.key for s in lab.line("alone")] == ["alone"]


def test_show_prints_the_line_and_its_json_holds_it(lab: Workspace, sqlite_url: str, tmp_path: Path) -> None:
    from tui.cli import main

    config = tmp_path / "config.toml"
    config.write_text("", "utf-8")
    args = ["--db", sqlite_url, "--community", str(FOODLAB), "--lang", "en", "show", "menu-b"]
    env = {"CYCLES_CONFIG": str(config), "CYCLES_NOW": "2026-03-20T10:00:00+01:00"}
    text = CliRunner().invoke(main, args, env=env).stdout
    shown = text[text.index("Line of development:") :].splitlines()[1:5]
    assert [line.strip() for line in shown] == [
        "· School menu A [menu-a] · rerouted",
        "● School menu B [menu-b] · rerouted ← other route 2026-02-01: Children skipped the soup",
        "· Farm link for menu B [farm-d] · collect ← spawned from 2026-02-10: The carrots came from here",
        "· School menu C [menu-c] · collect ← other route 2026-03-01: Cooks asked for fewer courses",
    ]
    data = json.loads(CliRunner().invoke(main, [*args, "--json"], env=env).stdout)
    assert [(s["key"], s["depth"], s["relation"]) for s in data["line"]] == [
        ("menu-a", 0, None),
        ("menu-b", 1, "route_of"),
        ("farm-d", 2, "spawned_from"),
        ("menu-c", 2, "route_of"),
    ]


async def test_the_cycle_screen_lists_the_line_and_opens_its_cycles(lab: Workspace) -> None:
    app = build(lab, lab.clock)  # type: ignore[arg-type]
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_cycle("menu-c")
        await settle(pilot)
        options = app.screen.query_one("#links", OptionList)
        texts = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        start = texts.index("Line of development")
        assert [t.split("  (")[0] for t in texts[start + 1 : start + 5]] == [
            "· School menu A",
            "  · School menu B",
            "    · Farm link for menu B",
            "    ● School menu C",
        ]
        assert options.get_option_at_index(start + 4).disabled  # this cycle itself
        options.focus()
        options.highlighted = start + 1
        await press(pilot, "enter")
        assert getattr(app.screen, "key", None) == "menu-a"
