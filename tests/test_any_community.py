"""Nothing SPARK-specific in the code: its keys appear only in its community file, and a second
community with entirely different keys (``tests/communities/foodlab.toml``) gets its funding routes
on the timeline and in the review, read from its own file."""

from __future__ import annotations

import ast
import tomllib
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from cycles.community import Community, load_community
from cycles.model import DecisionKind
from cycles.review import between
from storage.units.store import Store
from storage.workspace import Workspace
from tests.conftest import REPO, FrozenClock
from tui.widgets.timeline_view import build_rows

FOODLAB = REPO / "tests" / "communities" / "foodlab.toml"
SPARK = REPO / "cycles" / "communities" / "spark.toml"
# Words that are SPARK keys and, by coincidence, also something else the code must name.
ALSO_SOMETHING_ELSE = {"event": "the history table's name"}


def keys_of(path: Path) -> set[str]:
    found: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for name, value in node.items():
                if name == "key" and isinstance(value, str):
                    found.add(value)
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(tomllib.loads(path.read_text("utf-8")))
    return found


def test_no_spark_key_is_named_in_the_code() -> None:
    spark = keys_of(SPARK) - set(ALSO_SOMETHING_ELSE)
    assert {"funding-route", "inhoud", "nanomodule", "whole-chain"} <= spark
    named = []
    for package in ("cycles", "storage", "tui"):
        for path in sorted((REPO / package).rglob("*.py")):
            if "communities" in path.relative_to(REPO).parts:
                continue
            for node in ast.walk(ast.parse(path.read_text("utf-8"))):
                if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in spark:
                    named.append(f"{path.relative_to(REPO)}:{node.lineno}: {node.value!r}")
    assert not named, "SPARK's keys belong in its community file:\n" + "\n".join(named)


def test_the_second_community_shares_no_key_with_spark() -> None:
    assert not keys_of(FOODLAB) & keys_of(SPARK)


@pytest.fixture
def foodlab() -> Community:
    return load_community(FOODLAB)


@pytest.fixture
def lab(sqlite_url: str, foodlab: Community) -> Any:
    """FoodLab's portfolio: a grant from 5 January that ends on 1 February, a sponsorship from
    2 March (a gap between them), a tasting that is no funding route."""
    clock = FrozenClock(datetime(2026, 1, 5, 9, tzinfo=UTC))
    store = Store.open(sqlite_url)
    ws = Workspace(store, foodlab, actor="Femke", clock=clock)
    ws.create(name="Province grant", activity_type="grant", key="grant-province")
    ws.create(name="Chef tasting Middelburg", activity_type="chef-tasting", key="tasting-mbg")
    ws.start("grant-province", "Province of Zeeland")
    clock.set(datetime(2026, 2, 1, 9, tzinfo=UTC))
    ws.evaluate("grant-province", findings="Spent as planned")
    ws.decide("grant-province", DecisionKind.DROP, "The grant ended")
    clock.set(datetime(2026, 3, 2, 9, tzinfo=UTC))
    ws.create(name="Harbour sponsorship", activity_type="sponsorship", key="sponsor-harbour")
    clock.set(datetime(2026, 3, 20, 9, tzinfo=UTC))
    yield ws
    store.close()


def test_funding_types_come_from_the_community_file(foodlab: Community) -> None:
    assert foodlab.funding_types == ("grant", "sponsorship")
    assert load_community().funding_types == ("funding-route",)


def test_the_review_finds_the_second_communitys_funding_and_its_gap(lab: Workspace, tmp_path: Path) -> None:
    review = lab.review("md", tmp_path / "review.md", between(date(2026, 1, 1), date(2026, 3, 31)))
    assert [s.cycle for s in review.funding] == ["grant-province", "sponsor-harbour"]
    assert [(g.start, g.end) for g in review.gaps] == [
        (date(2026, 1, 1), date(2026, 1, 4)),
        (date(2026, 2, 2), date(2026, 3, 1)),
    ]
    text = (tmp_path / "review.md").read_text("utf-8")
    assert "Province grant" in text and "FoodLab Zeeland" in text and "No funding route ran" not in text


def test_the_timeline_puts_the_second_communitys_funding_first(lab: Workspace, foodlab: Community) -> None:
    from cycles.repository import CycleFilter

    summaries = lab.list(CycleFilter(include_ended=True))
    words = {"funding": "Funding routes", "coverage": " coverage"}
    scales = {s.key: s.key for s in foodlab.scales}
    rows, _origin, _end = build_rows(
        summaries, lab.iterations(), foodlab.zone, lab.today(), scales, words, foodlab.funding_types
    )
    labels = [r.label.strip() for r in rows if r.label.strip()]
    assert labels[0] == "Funding routes" and labels[3] == "coverage"
    assert set(labels[1:3]) == {"Province grant ✕", "Harbour sponsorship"}
    assert "Chef tasting Middelburg" in labels[4:]


def test_an_unknown_funding_type_is_refused_with_the_known_ones(sqlite_url: str, tmp_path: Path) -> None:
    from tui.cli import main

    config = tmp_path / "config.toml"
    config.write_text("", "utf-8")
    result = CliRunner().invoke(
        main,
        ["--db", sqlite_url, "--community", str(FOODLAB), "review", "--funding-type", "subsidy"],
        env={"CYCLES_CONFIG": str(config)},
    )
    assert result.exit_code == 1
    assert "unknown activity type 'subsidy'" in result.stderr and "grant" in result.stderr


@pytest.mark.parametrize(
    ("due", "alarm"),
    [
        (date(2026, 3, 29), datetime(2026, 3, 29, 6, 30, tzinfo=UTC)),  # the spring change: CEST
        (date(2026, 10, 25), datetime(2026, 10, 25, 7, 30, tzinfo=UTC)),  # the autumn change: CET
        (date(2026, 3, 28), datetime(2026, 3, 28, 7, 30, tzinfo=UTC)),  # the day before: CET
    ],
)
def test_calendar_alarms_at_the_communitys_reminder_time_across_dst(
    sqlite_url: str, foodlab: Community, tmp_path: Path, due: date, alarm: datetime
) -> None:
    """FoodLab reminds at 08:30 in Europe/Amsterdam: the alarm is that instant, whatever zone the
    calendar that reads it is in."""
    from icalendar import Calendar

    clock = FrozenClock(datetime(2026, 1, 5, 9, tzinfo=UTC))
    store = Store.open(sqlite_url)
    try:
        ws = Workspace(store, foodlab, actor="Femke", clock=clock)
        ws.create(name="Tasting", activity_type="chef-tasting", key="tasting")
        ws.edit("tasting", cadence_days=(due - date(2026, 1, 5)).days)
        assert ws.get("tasting").current.due_on == due
        ws.export("ics", tmp_path / "e.ics")
    finally:
        store.close()
    (event,) = Calendar.from_ical((tmp_path / "e.ics").read_bytes()).walk("VEVENT")
    (valarm,) = event.walk("VALARM")
    assert valarm.decoded("TRIGGER") == alarm
    assert f"TRIGGER;VALUE=DATE-TIME:{alarm:%Y%m%dT%H%M%SZ}" in valarm.to_ical().decode()
