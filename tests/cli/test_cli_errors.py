"""Every error is one line ``cycles: error: ...`` on stderr with exit status 1, and leaves the database
exactly as it was."""

from __future__ import annotations

import socket
import stat
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
    error = cli("--db", f"sqlite:///{blocker}/sub/cycles.db", "init", db=False)
    assert error.exit_code == 1
    assert error.stderr == (
        f"cycles: error: the folder {blocker}/sub does not exist; create it first, or give another --db\n"
    )


def test_a_read_on_a_mistyped_path_makes_nothing(cli: Cli, tmp_path: Path) -> None:
    """A typo in --db reads as an error that names the path, never as an empty portfolio."""
    for command in (
        ["list"],
        ["show", "x"],
        ["export", "--out", str(tmp_path / "e.json")],
        ["note", "x", "hi"],
    ):
        missing = tmp_path / "typo.db"
        error = cli("--db", f"sqlite:///{missing}", *command, db=False)
        assert error.exit_code == 1, command
        assert error.stderr.startswith(f"cycles: error: no database at {missing}; nothing was created"), (
            command
        )
        assert not missing.exists(), command
    nowhere = tmp_path / "no" / "such" / "dir" / "x.db"
    error = cli("--db", f"sqlite:///{nowhere}", "list", db=False)
    assert error.exit_code == 1 and f"no database at {nowhere}" in error.stderr
    assert not (tmp_path / "no").exists()


def test_a_dry_run_makes_no_database(cli: Cli, tmp_path: Path) -> None:
    from tests.conftest import EXAMPLE

    target = tmp_path / "fresh.db"
    result = cli("--db", f"sqlite:///{target}", "import", "--dry-run", str(EXAMPLE), db=False)
    assert result.exit_code == 0, result.output
    assert "valid; would import" in result.stdout
    assert not target.exists()


def test_the_commands_that_make_a_database_say_so_once(cli: Cli, tmp_path: Path) -> None:
    target = tmp_path / "new.db"
    first = cli("--db", f"sqlite:///{target}", "init", db=False)
    assert first.exit_code == 0 and target.is_file()
    assert first.stderr == f"cycles: created a new database: sqlite:///{target}\n"
    again = cli("--db", f"sqlite:///{target}", "init", db=False)
    assert again.exit_code == 0 and again.stderr == ""
    other = tmp_path / "added.db"
    added = cli("--db", f"sqlite:///{other}", "add", "Tasting", "--type", "event", db=False)
    assert added.exit_code == 0 and added.stderr.count("created a new database") == 1


def test_the_default_data_folder_is_made_private(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    config = tmp_path / "config.toml"
    config.write_text("", "utf-8")
    result = cli("init", db=False, env={"CYCLES_CONFIG": str(config), "XDG_DATA_HOME": str(tmp_path / "xdg")})
    assert result.exit_code == 0, result.output
    folder = tmp_path / "xdg" / "learning-cycles"
    assert (folder / "cycles.db").is_file()
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700


@pytest.mark.parametrize(
    "args",
    [
        ["edit", "x", "--cadence-days", "-5"],
        ["--lang", "xx", "list"],
        ["export", "--format", "pdf"],
        ["review", "--from", "2026-13-01", "--to", "2026-12-31"],
        ["remind", "snooze", "x", "--days", "0"],
        ["no-such-command"],
        ["list", "--no-such-option"],
    ],
)
def test_every_usage_error_is_one_line(cli: Cli, args: list[str]) -> None:
    """A wrong option, value or command reads as every other error does: one line, exit 2."""
    result = cli(*args)
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("cycles: error: ") and result.stderr.count("\n") == 1, result.stderr
    assert "Usage:" not in result.output and "Try 'cycles" not in result.output


def test_a_usage_error_says_error_in_dutch_too(cli: Cli) -> None:
    result = cli("--lang", "nl", "export", "--format", "pdf")
    assert result.exit_code == 2 and result.stderr.startswith("cycles: fout: ")


def test_export_to_a_dash_is_refused_not_written_to_a_file_named_dash(cli: Cli, tmp_path: Path) -> None:
    cli.ok("init")
    result = cli("export", "--out", "-")
    assert result.exit_code == 2 and "--out -: the export is written to a file" in result.stderr
    assert not Path("-").exists()


def test_demo_leaves_no_database_behind(cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import tempfile

    from textual.app import App

    made: list[Path] = []
    mkdtemp = tempfile.mkdtemp

    def tracked(*args: object, **kwargs: object) -> str:
        made.append(Path(mkdtemp(*args, dir=tmp_path, **kwargs)))  # type: ignore[call-overload]
        return str(made[-1])

    monkeypatch.setattr(tempfile, "mkdtemp", tracked)
    monkeypatch.setattr(App, "run", lambda self, *a, **k: None)  # the board opens and is closed
    result = cli("demo", db=False)
    assert result.exit_code == 0, result.output
    assert made and not made[0].exists()


def test_a_read_makes_nothing_whatever_the_sqlite_url_says(cli: Cli, tmp_path: Path) -> None:
    for url in (f"sqlite+pysqlite:///{tmp_path}/a.db", f"sqlite:///{tmp_path}/b.db?timeout=5"):
        error = cli("--db", url, "list", db=False)
        assert error.exit_code == 1 and "no database at" in error.stderr, url
    assert not (tmp_path / "a.db").exists() and not (tmp_path / "b.db").exists()
