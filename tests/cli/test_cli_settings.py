"""Settings: the config file, then CYCLES_<SECTION>_<KEY>, then flags; each names itself in errors."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pytest

from tests.cli.cli_harness import Cli


def ready(cli: Cli, *args: str, env: Mapping[str, str | None] | None = None) -> str:
    """Where ``cycles init`` put the database (the URL it reports)."""
    result = cli(*args, "init", env=env, db=False)
    assert result.exit_code == 0, result.output
    prefix = "Database ready: sqlite:///"
    assert result.stdout.startswith(prefix)
    return result.stdout.removeprefix(prefix).strip()


@pytest.fixture
def config(tmp_path: Path) -> Path:
    """The config file in the user's config directory (XDG_CONFIG_HOME is tmp_path/config)."""
    path = tmp_path / "config" / "learning-cycles" / "config.toml"
    path.parent.mkdir(parents=True)
    path.write_text(f'[database]\nurl = "sqlite:///{tmp_path / "from-file.db"}"\n', "utf-8")
    return path


def test_without_settings_the_database_is_in_the_users_data_directory(cli: Cli, tmp_path: Path) -> None:
    assert ready(cli) == str(tmp_path / "data" / "learning-cycles" / "cycles.db")


def test_the_config_file_sets_the_database(cli: Cli, config: Path, tmp_path: Path) -> None:
    assert ready(cli) == str(tmp_path / "from-file.db")


def test_the_environment_overrides_the_config_file(cli: Cli, config: Path, tmp_path: Path) -> None:
    env = {"CYCLES_DATABASE_URL": f"sqlite:///{tmp_path / 'from-env.db'}"}
    assert ready(cli, env=env) == str(tmp_path / "from-env.db")


def test_the_flag_overrides_environment_and_config_file(cli: Cli, config: Path, tmp_path: Path) -> None:
    env = {"CYCLES_DATABASE_URL": f"sqlite:///{tmp_path / 'from-env.db'}"}
    assert ready(cli, "--db", f"sqlite:///{tmp_path / 'from-flag.db'}", env=env) == str(
        tmp_path / "from-flag.db"
    )
    assert not (tmp_path / "from-env.db").exists()
    assert not (tmp_path / "from-file.db").exists()


def test_an_explicit_config_file_by_flag_or_environment(cli: Cli, tmp_path: Path) -> None:
    other = tmp_path / "team.toml"
    other.write_text(f'[database]\nurl = "sqlite:///{tmp_path / "team.db"}"\n', "utf-8")
    assert ready(cli, "--config", str(other)) == str(tmp_path / "team.db")
    assert ready(cli, env={"CYCLES_CONFIG": str(other)}) == str(tmp_path / "team.db")


def test_the_user_name_setting_is_the_actor_in_the_history(cli: Cli) -> None:
    cli.ok("add", "Open Coffee Bouw", "--type", "event", env={"CYCLES_USER_NAME": "anouk"})
    history = cli.json("show", "open-coffee-bouw")["history"]
    assert history[0]["actor"] == "anouk"


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        ("[database\nurl = 1", "cannot read settings"),
        ("[database]\ncolour = 'red'\n", "[database.colour] Extra inputs are not permitted"),
        (
            "[reminders]\nsweep_minutes = 0\n",
            "[reminders.sweep_minutes] Input should be greater than or equal to 1",
        ),
    ],
)
def test_a_bad_config_file_is_one_line_naming_it(cli: Cli, config: Path, content: str, fragment: str) -> None:
    config.write_text(content, "utf-8")
    result = cli("list", db=False)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"cycles: error: {config}: ")
    assert fragment in result.stderr
    assert result.stderr.count("\n") == 1


def test_a_bad_environment_value_is_reported_like_the_file(cli: Cli) -> None:
    result = cli("list", env={"CYCLES_REMINDERS_SWEEP_MINUTES": "often"}, db=False)
    assert result.exit_code == 1
    assert "[reminders.sweep_minutes]" in result.stderr and "CYCLES_* variable" in result.stderr


def test_a_missing_explicit_config_file_is_an_error(cli: Cli, tmp_path: Path) -> None:
    result = cli("--config", str(tmp_path / "nope.toml"), "list", db=False)
    assert result.exit_code == 1
    assert result.stderr == f"cycles: error: {tmp_path / 'nope.toml'}: settings file not found\n"


def test_another_communitys_file_changes_the_vocabulary(cli: Cli, tmp_path: Path) -> None:
    community = tmp_path / "zeeland.toml"
    community.write_text(
        '[community]\nname = "Zeeland"\n\n[[scales]]\nkey = "inhoud"\nlabel = { en = "Content" }\n\n'
        '[[scales.levels]]\nkey = "workshop"\nlabel = { en = "Workshop" }\ncadence_days = 10\n\n'
        '[[activity_types]]\nkey = "workshop"\nlabel = { en = "Workshop" }\n'
        'scale = "inhoud"\nlevel = "workshop"\n',
        "utf-8",
    )
    assert cli.ok("--community", str(community), "add", "Dijkversterking", "--type", "workshop") == (
        "dijkversterking: iteration 1, collect, evaluation due 2026-03-30\n"
    )
    error = cli.fails("--community", str(community), "add", "Nano", "--type", "nanomodule")
    assert error == "unknown activity type 'nanomodule'; known: workshop"
    env: dict[str, str | None] = {"CYCLES_COMMUNITY_FILE": str(community)}
    assert cli.ok("add", "Tweede", "--type", "workshop", env=env).endswith("due 2026-03-30\n")
    assert [r["key"] for r in cli.json("list", "--type", "workshop", env=env)] == [
        "dijkversterking",
        "tweede",
    ]
