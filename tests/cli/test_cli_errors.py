"""Every error is one line ``cycles: error: ...`` on stderr with exit status 1, and leaves the database
exactly as it was."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from tests.cli.cli_harness import FIXTURE, Cli


@pytest.fixture
def walked(imported: Cli) -> Cli:
    imported.ok("add", "Nanomodule AI", "--type", "nanomodule", "--key", "nano")
    return imported


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["note", "ghost", "hello"], "no cycle 'ghost'"),
        (["show", "ghost"], "no cycle 'ghost'"),
        (
            ["evaluate", "nano", "--findings", "too early"],
            "nano: cannot evaluate in iteration 1, which is at collect; allowed now: collect, start, edit",
        ),
        (
            ["decide", "nano", "next", "--why", "x"],
            "nano: cannot decide in iteration 1, which is at collect; allowed now: collect, start, edit",
        ),
        (
            ["note", "nano", "too early"],
            "nano: cannot note in iteration 1, which is at collect; allowed now:",
        ),
        (["edit", "visit-kuijpers", "--owner", "x"], "visit-kuijpers is dropped: its history is kept"),
        (["start", "mkb-datalab"], "mkb-datalab is rerouted: its history is kept"),
        (["decide", "hta-challenge", "drop", "--why", "  "], "hta-challenge: a decision needs a rationale"),
        (["evaluate", "nano-ai", "--value", "priceless"], "unknown value levels: priceless; known: expected"),
        (
            ["evaluate", "nano-ai", "--outcome", "giga"],
            "unknown outcome levels: giga; known: micro, meso, macro",
        ),
        (["evaluate", "nano-ai", "--principle", "move-fast"], "unknown principles: move-fast; known:"),
        (["link", "nano", "nano"], "nano: a cycle cannot be linked to itself"),
        (
            ["link", "hta-challenge", "boschveld", "--kind", "spawned_from"],
            "hta-challenge is already linked spawned_from boschveld",
        ),
        (["link", "nano", "ghost"], "no cycle 'ghost'"),
        (["add", "Another", "--type", "hackathon"], "unknown activity type 'hackathon'; known: nanomodule"),
        (["add", "Another", "--type", "event", "--key", "Not A Key"], "Not A Key: key: String should match"),
        (["add", "Another", "--type", "event", "--key", "nano"], "cycle key 'nano' is already in use"),
        (["edit", "nano", "--name", ""], "nano: name: String should have at least 1 character"),
        (
            ["decide", "hta-challenge", "route", "--why", "w", "--carry", "budget"],
            "hta-challenge: cannot carry over budget",
        ),
        (["undo", "nano"], "nano: there is no change to undo"),
        (["undo", "boschveld"], "boschveld: there is no change to undo"),
        (["import", str(FIXTURE)], "cycle key already in use: boschveld, hta-challenge, jads-training"),
    ],
)
def test_a_refused_command_prints_one_line_and_changes_nothing(
    walked: Cli, args: list[str], message: str
) -> None:
    before = walked.dump()
    assert walked.fails(*args).startswith(message)
    assert walked.dump() == before


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (
            lambda t: t.replace("    type: satellite", "    type: hackathon"),
            r":\d+: cycles\.7 \(satellite-zeeland\)",
        ),
        (
            lambda t: t.replace("    name: Bedrijfsbezoek Kuijpers", "    name: [Kuijpers"),
            r":\d+: not valid YAML",
        ),
        (
            lambda t: t + "extra: !!python/object/apply:os.getcwd []\n",
            r":\d+: not valid YAML: could not determine",
        ),
        (
            lambda t: t.replace("target: jads-training", "target: nobody"),
            r":\d+: links\.1: no cycle 'nobody'",
        ),
    ],
)
def test_a_bad_file_is_refused_whole_and_nothing_is_written(
    cli: Cli, tmp_path: Path, edit: object, message: str
) -> None:
    import re

    bad = tmp_path / "bad.yaml"
    bad.write_text(edit(FIXTURE.read_text("utf-8")), "utf-8")  # type: ignore[operator]
    cli.ok("init")
    before = cli.rows()
    error = cli.fails("import", str(bad))
    assert re.match(re.escape(str(bad)) + message, error), error
    assert cli.rows() == before == {"cycle": 0, "iteration": 0, "note": 0, "link": 0, "event": 0}


def test_a_file_that_does_not_exist(cli: Cli, tmp_path: Path) -> None:
    assert (
        cli.fails("import", str(tmp_path / "nope.yaml"))
        == f"{tmp_path / 'nope.yaml'}: cannot read: No such file or directory"
    )


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://cycles:s3cr3t-pw@127.0.0.1:{port}/learning",
        "postgresql://cycles:s3cr3t-pw@127.0.0.1:notaport/learning",
    ],
)
def test_an_unreachable_database_is_one_line_without_the_password(cli: Cli, url: str) -> None:
    result = cli("--db", url.format(port=closed_port()), "list", db=False)
    assert result.exit_code == 1
    assert result.stderr.startswith("cycles: error: ")
    assert result.stderr.count("\n") == 1
    assert "s3cr3t-pw" not in result.output and "s3cr3t-pw" not in result.stderr
    assert "cycles:***@127.0.0.1" in result.stderr


def test_an_unwritable_database_location_is_one_line(cli: Cli, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    error = cli("--db", f"sqlite:///{blocker}/sub/cycles.db", "list", db=False)
    assert error.exit_code == 1
    assert error.stderr == (
        f"cycles: error: cannot create the database file {blocker}/sub/cycles.db: Not a directory\n"
    )
