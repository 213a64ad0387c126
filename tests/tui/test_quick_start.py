"""The board as ``cycles`` opens it: a first frame drawn before pydantic is imported, from the
settings and community file read with ``tomllib`` and the first rows as plain tuples; the files are
validated right after it, and the board takes over with the same cards."""

from __future__ import annotations

import subprocess
import sys
import threading
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cycles.kinds import Phase, Status, SummaryRow
from cycles.model import CycleSummary
from storage.workspace import Workspace
from tests.tui.conftest import SIZE
from tui.first_read import FirstRead
from tui.settings import Settings
from tui.settings_file import PLAIN, plainly_valid, quick_settings
from tui.widgets.cards import make_cards

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import sys, json
import benchmarks.paint as bp
seen = {}
def verify(app):
    seen["pydantic"] = "pydantic" in sys.modules
    seen["models"] = "cycles.model" in sys.modules
    seen["keys"] = [c.summary.key for c in app.screen.model.cards.values()]
    return ""
bp.emit(bp.run_headless(lambda: __import__("tui.cli").cli.main(sys.argv[1:], standalone_mode=False),
                        bp.board_ready, verify))
print("SEEN " + json.dumps(seen))
"""


def run_cycles(args: list[str], config: Path) -> subprocess.CompletedProcess[str]:
    env = {"CYCLES_CONFIG": str(config), "PATH": "/usr/bin:/bin", "CYCLES_NOW": "2026-03-20T09:00:00+01:00"}
    return subprocess.run(
        [sys.executable, "-c", PROBE, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_the_first_frame_comes_before_pydantic(workspace: Workspace, tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text("", "utf-8")
    out = run_cycles(["--db", workspace.store.url], config)
    line = next(x for x in out.stdout.splitlines() if x.startswith("SEEN "))
    assert '"pydantic": false' in line and '"models": false' in line, out.stderr
    assert '"keys": []' not in line


def test_the_first_rows_make_the_cards_the_models_make(workspace: Workspace) -> None:
    read = FirstRead(workspace.store.url, SIZE[1])
    assert read.done.wait(10)
    light, result = read.light(), read.result
    assert light is not None and result is not None and light[1] == result[1]
    today = workspace.today()
    for row, summary in zip(light[0], result[0], strict=True):
        assert isinstance(row, SummaryRow)
        assert row._asdict() == summary.model_dump()
    plain, full = make_cards(light[0], today), make_cards(result[0], today)  # type: ignore[arg-type]
    assert list(plain) == list(full)
    for key, card in plain.items():
        other = full[key]
        assert (card.due, card.haystack, card.active, card.scale, card.owner, card.column, card.order) == (
            other.due, other.haystack, other.active, other.scale, other.owner, other.column, other.order,
        )  # fmt: skip


def test_plainly_valid_settings_are_what_pydantic_reads_the_same() -> None:
    assert set(PLAIN) | {"keys"} == set(Settings.model_fields)
    for section, checks in PLAIN.items():
        assert set(checks) == set(Settings.model_fields[section].annotation.model_fields)  # type: ignore[union-attr]
    data: dict[str, Any] = {
        "database": {"url": "sqlite:///x.db"},
        "user": {"name": "an", "lang": "nl"},
        "keys": {},
    }
    quick, full = quick_settings(data), Settings.model_validate(data)
    assert quick is not None
    assert (quick.database.url, quick.user.name, quick.language, quick.user.theme) == (
        full.database.url, full.user.name, full.language, full.user.theme,
    )  # fmt: skip
    for wrong in (
        {"smtp": {"port": "25"}},
        {"user": {"nme": "x"}},
        {"colour": {}},
        {"reminders": {"lead_fraction": 2}},
    ):
        assert not plainly_valid(wrong)  # pydantic decides (and words the error), before the frame


def cli(args: list[str], config: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    from click.testing import CliRunner
    from textual.app import App

    from tui.cli import main

    run = App.run

    def headless(self: App[Any], *a: Any, **kw: Any) -> Any:
        return run(self, *a, **{**kw, "headless": True, "size": SIZE})

    monkeypatch.setattr(App, "run", headless)
    return CliRunner().invoke(main, args, env={"CYCLES_CONFIG": str(config)})


def test_invalid_settings_give_their_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[smtp]\nport = "many"\n', "utf-8")
    result = cli(["--db", f"sqlite:///{tmp_path / 'x.db'}"], config, monkeypatch)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"cycles: error: {config}: [smtp.port] Input should be a valid integer")


def test_an_invalid_community_file_ends_the_board_with_its_message(
    workspace: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cycles.community_file import read_data

    text = (ROOT / "cycles" / "communities" / "spark.toml").read_text("utf-8")
    bad = tmp_path / "community.toml"
    bad.write_text(
        text.replace('timezone = "Europe/Amsterdam"', 'timezone = "Europe/Amsterdam"\nextra = 1'), "utf-8"
    )
    assert "extra" in read_data(bad)[1]["community"]
    config = tmp_path / "config.toml"
    config.write_text("", "utf-8")
    result = cli(["--db", workspace.store.url, "--community", str(bad)], config, monkeypatch)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"cycles: error: {bad}: community.extra: Extra inputs are not permitted")


@pytest.mark.parametrize("lang", ["en", "nl"])
async def test_the_board_takes_over_from_the_first_frame_showing_the_same(
    workspace: Workspace, clock: Any, community: Any, lang: str
) -> None:
    from textual.widgets import Static

    from tests.tui.conftest import settle
    from tests.tui.test_first_paint import layout
    from tui.app import make_app
    from tui.first_board import FirstBoardScreen

    settings = Settings.model_validate({"user": {"name": "tester", "lang": lang}})
    go = threading.Event()  # the board takes over once the test has moved the first frame's cursor

    def validate() -> tuple[Settings, Any]:
        go.wait(10)
        return settings, community

    app = make_app(workspace, settings, clock=clock, reminders=False, validate_files=validate)
    app.cursor_blink = False
    texts = ("#title", "#today", "#columns", "#filters-info")
    async with app.run_test(size=SIZE) as pilot:
        first = app.screen
        assert isinstance(first, FirstBoardScreen)
        for _ in range(50):
            if first.model is not None and first.model.loaded:
                break
            await pilot.pause()
        await pilot.press("down", "x")  # before the board takes over: its cursor carries over
        shown = {t: str(first.query_one(t, Static).content) for t in texts}
        chosen = first.view.selected
        assert [k.key for k in first.keys] == ["x"]  # no binding here: kept for the board
        go.set()
        await settle(pilot)
        assert app.has_board
        board = app.board
        assert board.model is not None and board.model.complete and first.model is not None
        assert layout(first.model, 40) == layout(board.model, 40)
        assert (first.model.shown, first.model.total) == (board.model.shown, board.model.total)
        assert chosen is not None and board.view.selected is not None
        assert board.view.selected.key == chosen.key
        now = {t: str(board.query_one(t, Static).content) for t in texts}
        assert {t: shown[t] for t in texts[:3]} == {t: now[t] for t in texts[:3]}
        assert now["#filters-info"].startswith(shown["#filters-info"].rstrip("\n"))


# -- the first frame's light twins, held equal to the models on generated data ---------------------

_TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12)
_ROWS = st.tuples(
    _TEXT.filter(bool),
    _TEXT,
    _TEXT,
    _TEXT,
    _TEXT,
    _TEXT,  # owner: NOT NULL in the table
    st.sampled_from([s.value for s in Status]),
    st.integers(1, 10_000),
    st.sampled_from([p.value for p in Phase]),
    st.none() | st.dates() | st.dates().map(date.isoformat),  # sqlite3 gives ISO text
    st.integers(1, 3650),
    st.integers(0, 10**6),
)


@given(row=_ROWS)
def test_a_summary_row_is_the_summary_model_read_lighter(row: tuple[Any, ...]) -> None:
    assert SummaryRow.of(row)._asdict() == CycleSummary.from_row(row).model_dump()


_VALUES = st.none() | st.booleans() | st.integers(-5, 70_000) | st.floats(-1, 2, allow_nan=False) | _TEXT
_SECTIONS = st.dictionaries(
    st.sampled_from([*PLAIN, "keys", "colour"]),
    st.dictionaries(
        st.sampled_from(sorted({k for checks in PLAIN.values() for k in checks} | {"nme", "quit"})),
        _VALUES,
        max_size=4,
    ),
    max_size=4,
)


@settings(max_examples=300)
@given(data=_SECTIONS)
def test_plainly_valid_settings_read_alike_with_and_without_pydantic(data: dict[str, Any]) -> None:
    """What the first frame takes without pydantic, pydantic takes too, and reads the same; the
    rest goes to pydantic, which accepts or words the error."""
    quick = quick_settings(data)
    if quick is None:
        return
    full = Settings.model_validate(data)
    assert (quick.database.url, quick.user.name, quick.language, quick.user.theme, quick.keys) == (
        full.database.url, full.user.name, full.language, full.user.theme, full.keys,
    )  # fmt: skip
    assert quick.community.file == full.community.file
