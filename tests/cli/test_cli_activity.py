"""``cycles activity``: what others changed since you last looked, your own, or since a day."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.cli_harness import Cli


@pytest.fixture
def team(cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Cli:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))  # where "last looked" is kept
    monkeypatch.setenv("CYCLES_NOW", "2026-03-20T10:00:00+01:00")
    cli.ok("add", "Open Coffee", "--type", "event", "--key", "coffee", env={"CYCLES_USER_NAME": "Femke"})
    cli.ok("add", "Tasting", "--type", "event", "--key", "tasting", env={"CYCLES_USER_NAME": "me"})
    cli.ok("collect", "coffee", "--need", "A room", env={"CYCLES_USER_NAME": "Femke"})
    return cli


def me(cli: Cli, *args: str) -> str:
    return cli.ok("activity", *args, env={"CYCLES_USER_NAME": "me"})


def test_others_changes_since_you_last_looked(team: Cli) -> None:
    first = me(team).splitlines()
    assert [line.split("  ", 1)[1] for line in first] == [
        "Femke added Open Coffee  [coffee]",
        "Femke recorded what Open Coffee needs  [coffee]",
    ]
    assert me(team) == "Nothing changed.\n"  # looked: nothing new since
    team.ok("edit", "coffee", "--description", "Monthly", env={"CYCLES_USER_NAME": "Femke"})
    assert me(team).splitlines()[0].endswith("Femke edited Open Coffee  [coffee]")


def test_your_own_and_since_a_day_and_json(team: Cli) -> None:
    mine = me(team, "--mine")
    assert "me added Tasting" in mine and "Femke" not in mine
    data = team.json("activity", "--since", "2026-03-20", env={"CYCLES_USER_NAME": "me"})
    assert [(c["actor"], c["action"], c["cycle"], c["name"]) for c in data] == [
        ("Femke", "create", "coffee", "Open Coffee"),
        ("me", "create", "tasting", "Tasting"),
        ("Femke", "collect", "coffee", "Open Coffee"),
    ]  # from that day on: everyone's, yours too
    assert team("activity", "--mine", "--others").exit_code == 2
