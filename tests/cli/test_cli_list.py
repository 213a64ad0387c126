"""``cycles import`` then ``cycles list``: cycles by scale with phase and next evaluation date, the due
filters, the other filters and JSON for scripts (tests/cycles/data/portfolio.yaml, "now" 2026-03-20)."""

from __future__ import annotations

import pytest

from tests.cli.cli_harness import FIXTURE, Cli


def test_import_reports_what_it_added(cli: Cli) -> None:
    out = cli.ok("import", str(FIXTURE))
    assert out == f"{FIXTURE}: imported 10 cycles (inhoud 7, netwerk 1, organisatie 2) and 3 links.\n"
    assert cli.rows()["cycle"] == 10


def test_list_groups_active_cycles_by_scale_with_phase_and_due_date(imported: Cli) -> None:
    out = imported.ok("list")
    blocks = out.split("\n\n")
    assert [b.splitlines()[0] for b in blocks] == [
        "Content scale (5)",
        "Network scale (1)",
        "Organisational scale (2)",
    ]
    content = blocks[0].splitlines()
    assert content[1].split() == ["key", "name", "type", "it.", "phase", "evaluation", "due", "owner"]
    rows = {line.split()[0]: line for line in content[2:]}
    assert list(rows) == ["nano-ai", "boschveld", "jads-training", "mkb-community", "hta-challenge"]
    assert "  2  " in rows["nano-ai"] and "run and monitor  2026-02-02 overdue" in rows["nano-ai"]
    assert "collect          2026-04-21 upcoming" in rows["jads-training"]
    assert rows["hta-challenge"].split()[-2:] == ["evaluate", "Chantal"]
    assert "2026-03-20 due" in blocks[1]
    assert "visit-kuijpers" not in out and "mkb-datalab " not in out


def test_list_json_for_scripts(imported: Cli) -> None:
    rows = imported.json("list")
    assert [r["key"] for r in rows][:2] == ["nano-ai", "boschveld"]
    nano = rows[0]
    assert {k: nano[k] for k in ("scale", "iteration", "phase", "due_on", "due_state", "status")} == {
        "scale": "inhoud",
        "iteration": 2,
        "phase": "run",
        "due_on": "2026-02-02",
        "due_state": "overdue",
        "status": "active",
    }
    assert next(r for r in rows if r["key"] == "hta-challenge")["due_state"] is None


@pytest.mark.parametrize(
    ("args", "keys"),
    [
        (["--due"], ["nano-ai", "satellite-zeeland", "team-facilitators"]),
        (["--overdue"], ["nano-ai", "team-facilitators"]),
        (["--scale", "organisatie"], ["team-facilitators", "subsidy-skills"]),
        (["--type", "challenge", "--all"], ["hta-challenge", "mkb-datalab"]),
        (["--phase", "collect"], ["jads-training", "mkb-community", "subsidy-skills"]),
        (["--owner", "ANNE"], ["nano-ai", "boschveld"]),
        (["--text", "mkb", "--all"], ["mkb-community", "mkb-datalab"]),
        (["--due", "--scale", "netwerk"], ["satellite-zeeland"]),
    ],
)
def test_list_filters(imported: Cli, args: list[str], keys: list[str]) -> None:
    assert [r["key"] for r in imported.json("list", *args)] == keys


def test_the_due_filter_follows_cycles_now(imported: Cli) -> None:
    later = {"CYCLES_NOW": "2026-04-01T00:30:00+02:00"}
    due = imported.ok("list", "--due", "--scale", "inhoud", env=later)
    assert "boschveld" in due and "2026-04-01 due" in due
    assert "boschveld" not in imported.ok("list", "--overdue", env=later)


def test_an_empty_selection_says_so(imported: Cli) -> None:
    assert imported.ok("list", "--owner", "nobody") == "No cycles match.\n"
    assert imported.json("list", "--owner", "nobody") == []


def test_an_unknown_scale_or_type_is_an_error(imported: Cli) -> None:
    assert imported.fails("list", "--scale", "galaxy").startswith("unknown scale 'galaxy'; known: inhoud")
    assert imported.fails("list", "--type", "hackathon").startswith("unknown activity type 'hackathon'")


def test_a_long_name_is_shortened_in_the_table_not_in_json(cli: Cli) -> None:
    long = "Showcase " + "very " * 30 + "long"
    cli.ok("add", long, "--type", "event", "--key", "long")
    table = cli.ok("list")
    row = next(line for line in table.splitlines() if line.startswith("long "))
    assert "…" in row and long not in row and len(row) < 160
    assert [c["name"] for c in cli.json("list") if c["key"] == "long"] == [long]
