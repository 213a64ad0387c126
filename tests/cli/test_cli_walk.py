"""One cycle walked through the loop from the command line, then next step, other route, drop, link,
undo; ``cycles show`` prints the whole history."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.cli.cli_harness import Cli


def walk_to_evaluate(cli: Cli, key: str = "nano-ai", name: str = "Nanomodule AI") -> None:
    assert cli.ok(
        "add", name, "--type", "nanomodule", "--key", key, "--owner", "Anne", "--stakeholder", "SMA"
    ) == (f"{key}: iteration 1, collect, evaluation due 2026-04-03\n")
    cli.ok(
        "collect", key, "--need", "directors ask about AI", "--involved", "SMA,Brainport", "--needed", "JADS",
        "--preconditions", "a room", "--resources", "two trainers",
    )  # fmt: skip
    assert cli.ok("start", key, "--context", "SPARK Campus") == (
        f"{key}: iteration 1, run and monitor, evaluation due 2026-04-03\n"
    )
    cli.ok("note", key, "12 directors came")
    cli.ok("note", key, "they asked for data")
    evaluated = cli.ok(
        "evaluate", key, "--findings", "a follow-up is wanted", "--value", "immediate",
        "--value", "potential", "--outcome", "micro", "--principle", "above-all-do,hinge",
    )  # fmt: skip
    assert evaluated == f"{key}: iteration 1, evaluate\n"


def test_walk_one_cycle_to_a_next_step_and_show_its_whole_history(cli: Cli) -> None:
    walk_to_evaluate(cli)
    out = cli.ok("decide", "nano-ai", "next", "--why", "go deeper into data")
    assert out == "next step: go deeper into data\nnano-ai: iteration 2, collect, evaluation due 2026-04-03\n"

    show = cli.ok("show", "nano-ai")
    for line in [
        "Nanomodule AI  [nano-ai]",
        "  type: Nanomodule · Content scale / Nanomodule · cadence: 14 days",
        "  status: collect · owner: Anne",
        "  evaluation due: 2026-04-03 (upcoming)",
        "  stakeholders: SMA",
        "  Iteration 1 · decided · opened 2026-03-20 10:00 · due 2026-04-03",
        "    collect: directors ask about AI",
        "      involved: SMA, Brainport",
        "      needed: JADS",
        "      preconditions: a room",
        "      resources: two trainers",
        "    run 2026-03-20 10:00: SPARK Campus",
        "      2026-03-20 10:00 tester: 12 directors came",
        "      2026-03-20 10:00 tester: they asked for data",
        "    evaluated 2026-03-20 10:00: a follow-up is wanted",
        "      value: immediate, potential",
        "      outcome: micro",
        "      principles: above-all-do, hinge",
        "    decision 2026-03-20 10:00: next step: go deeper into data",
        "  Iteration 2 · collect · opened 2026-03-20 10:00 · due 2026-04-03",
        "  History:",
    ]:
        assert line in show.splitlines(), line
    history = show.split("  History:\n")[1].splitlines()
    assert [h.split()[3] for h in history] == [
        "create", "collect", "start", "note", "note", "evaluate", "decide-next",
    ]  # fmt: skip
    assert all(h.split()[2] == "tester" for h in history)

    data = cli.json("show", "nano-ai")
    assert [e["action"] for e in data["history"]][-1] == "decide-next"
    assert [it["number"] for it in data["cycle"]["iterations"]] == [1, 2]
    assert data["cycle"]["iterations"][0]["decision"]["rationale"] == "go deeper into data"


def test_other_route_opens_a_linked_cycle(cli: Cli) -> None:
    walk_to_evaluate(cli)
    out = cli.ok(
        "decide", "nano-ai", "route", "--why", "companies prefer visits", "--route-key", "visit-ai",
        "--route-name", "AI company visits", "--route-type", "company-visit", "--carry", "owner",
    )  # fmt: skip
    assert out.splitlines() == [
        "other route: companies prefer visits",
        "nano-ai: rerouted",
        "New cycle visit-ai opened as the other route.",
    ]
    listed = {row["key"]: row for row in cli.json("list", "--all")}
    assert listed["nano-ai"]["status"] == "rerouted"
    assert (listed["visit-ai"]["activity_type"], listed["visit-ai"]["owner"]) == ("company-visit", "Anne")
    assert listed["visit-ai"]["due_on"] == "2026-05-01"  # a company visit's 6 weeks
    assert "nano-ai" not in {row["key"] for row in cli.json("list")}
    show = cli.ok("show", "nano-ai")
    assert "    decision 2026-03-20 10:00: other route -> visit-ai: companies prefer visits" in show
    assert "    visit-ai route of nano-ai" in show
    assert "  status: rerouted · owner: Anne" in show


def test_drop_ends_the_cycle_but_show_keeps_its_history(cli: Cli) -> None:
    walk_to_evaluate(cli)
    cli.ok("decide", "nano-ai", "drop", "--why", "no demand")
    assert cli.ok("list") == "No cycles match.\n"
    assert "dropped" in cli.ok("list", "--all")
    show = cli.ok("show", "nano-ai")
    assert "  status: dropped · owner: Anne" in show
    assert "      2026-03-20 10:00 tester: 12 directors came" in show
    assert show.rstrip().splitlines()[-1].split()[3:] == ["decide-drop", "no", "demand"]
    assert "nano-ai is dropped" in cli.fails("note", "nano-ai", "too late")


def test_link_and_undo(cli: Cli) -> None:
    cli.ok("add", "Biobased Boschveld", "--type", "showcase")
    cli.ok("add", "HTA challenge", "--type", "challenge", "--key", "hta")
    assert cli.ok(
        "link", "hta", "biobased-boschveld", "--kind", "spawned_from", "--note", "from the site"
    ) == ("Linked hta -> biobased-boschveld.\n")
    assert "    hta spawned from biobased-boschveld" in cli.ok("show", "biobased-boschveld")
    assert cli.json("show", "hta")["links"][0]["note"] == "from the site"
    out = cli.ok("undo", "hta")
    assert out.startswith("Undone: undo link: spawned_from biobased-boschveld\n")
    assert cli.json("show", "hta")["links"] == []
    assert cli.fails("undo", "hta") == "hta: there is no change to undo"


def test_edit_and_a_new_cadence_move_the_due_date(cli: Cli) -> None:
    cli.ok("add", "Jong Talent", "--type", "talent", "--key", "talent")
    assert cli.ok("edit", "talent", "--cadence-days", "10", "--owner", "Bram") == (
        "talent: iteration 1, collect, evaluation due 2026-03-30\n"
    )
    row = cli.json("list")[0]
    assert (row["owner"], row["cadence_days"], row["due_on"]) == ("Bram", 10, "2026-03-30")


def test_the_installed_command_reports_errors_on_stderr_with_status_1(cli: Cli, tmp_path: Path) -> None:
    cli.ok("init")
    bin_dir = Path(sys.executable).parent
    done = subprocess.run(
        [str(bin_dir / "cycles"), "--db", cli.db, "note", "ghost", "hello"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert (done.returncode, done.stdout, done.stderr) == (1, "", "cycles: error: no cycle 'ghost'\n")
