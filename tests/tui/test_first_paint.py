"""The board's first frame: read before the store opens, the first screenful first, then the rest.

The command line gives the board a workspace that opens the store on first use (in a worker); the
first screenful comes from SQLite or PostgreSQL without the ORM, and the board looks the same as
with every card.
"""

from __future__ import annotations

import pickle
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from cycles import portfolio
from cycles.community import Community
from cycles.errors import StorageError
from cycles.repository import CycleFilter
from storage.direct import fastread, fastread_pg
from storage.units.store import Store
from storage.workspace import Workspace
from tests.conftest import EXAMPLE, FrozenClock
from tests.tui.conftest import PORTFOLIO, SIZE, build, press, settle
from tui.app import CyclesApp
from tui.first_read import LINES, first_screen, rows_for
from tui.reminders import Sweeper
from tui.widgets.board_model import BoardModel
from tui.widgets.cards import make_cards

TODAY = date(2026, 3, 20)

# Names beyond ASCII: SQLite's lower() does not fold them as the board's sort does.
RENAMED = ["Ärzte", "ärger", "Émile", "éclair", "Zeta", "zèbre", "Ångström", "aap"]
# Names of ASCII whose order differs between Python (and C) and a locale (cases, punctuation).
CASED = ["aap", "Aap", "AAP", "a-b", "ab", "Ab", "_x", "Zulu", "zulu", "b c", "bc", "B-C"]


def lazy(url: str, community: Community, clock: FrozenClock) -> Workspace:
    """A workspace as ``cycles`` gives the board: its store opens on first use."""
    return Workspace.at(url, community, actor="tester", clock=clock)


@pytest.fixture
def filled(community: Community, clock: FrozenClock) -> Callable[[str], str]:
    """Store the board's test portfolio in a database URL; the URL back."""
    stores: list[Store] = []

    def fill(url: str) -> str:
        store = Store.open(url)
        stores.append(store)
        data = portfolio.read(PORTFOLIO, community)
        Workspace(store, community, actor="tester", clock=clock).import_portfolio(data)
        return url

    yield fill  # type: ignore[misc]
    for store in stores:
        store.close()


@pytest.fixture
def example_db(db_url: str, community: Community, clock: FrozenClock) -> Iterator[str]:
    """SPARK's example in a SQLite file or on PostgreSQL, some cycles renamed beyond ASCII and some
    given names that differ in case or punctuation only, with equal due dates (ties of the board's
    key that the database's order breaks). On PostgreSQL the names take a locale's collation
    (ICU's English where the server has it), whose order is not Python's nor C's."""
    store = Store.open(db_url)
    Workspace(store, community, actor="t", clock=clock).import_portfolio(portfolio.read(EXAMPLE, community))
    store.close()
    with connection(db_url) as run:
        if not db_url.startswith("sqlite") and run("SELECT 1 FROM pg_collation WHERE collname = 'en-x-icu'"):
            run('ALTER TABLE cycle ALTER COLUMN name TYPE varchar(200) COLLATE "en-x-icu"')
        keys = [k for (k,) in run("SELECT key FROM cycle WHERE status = 'active' ORDER BY key")]
        for i, key in enumerate(keys[: 3 * len(RENAMED)]):  # spread over the lanes and columns
            run("UPDATE cycle SET name = ? WHERE key = ?", (f"{RENAMED[i % len(RENAMED)]} {i}", key))
        for i, key in enumerate(keys[3 * len(RENAMED) :]):  # three of a kind share a due date
            group, again = i // 3 % 3, i // len(CASED)  # no name twice on one date
            due = None if group == 2 and not again else TODAY + timedelta(days=7 * group + again)
            run("UPDATE cycle SET name = ?, due_on = ? WHERE key = ?", (CASED[i % len(CASED)], due, key))
    yield db_url


@contextmanager
def connection(url: str) -> Iterator[Callable[..., list[tuple[Any, ...]]]]:
    """Run SQL (``?`` for parameters) on the database of ``url`` with its driver alone."""
    if url.startswith("sqlite"):
        with closing(sqlite3.connect(url.removeprefix("sqlite:///"))) as lite, lite:
            yield lambda sql, params=(): lite.execute(sql, params).fetchall()
        return
    import psycopg

    with psycopg.connect(fastread_pg.conninfo(url) or "", autocommit=True) as pg:

        def run(sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
            cur = pg.execute(sql.replace("?", "%s"), params)
            return cur.fetchall() if cur.description else []

        yield run


def layout(model: BoardModel, rows: int) -> list[tuple[str, int, list[int], list[list[str]]]]:
    """What a screen shows of each lane: scale, count, column lengths, the first cards' keys."""
    out = []
    for li, lane in enumerate(model.lanes):
        shown = [
            [card.summary.key for r in range(rows) if (card := model.card_at((li, c, r))) is not None]
            for c in range(3)
        ]
        out.append((lane.scale, lane.count, [len(col) for col in lane.columns], shown))
    return out


@pytest.mark.parametrize("rows", [1, 2, 3, 4, 40])
def test_the_first_screenful_is_the_board_of_every_card(
    example_db: str, community: Community, rows: int
) -> None:
    head = first_screen(example_db, rows)
    reader = fastread if example_db.startswith("sqlite") else fastread_pg
    every = reader.summaries(example_db, CycleFilter(include_ended=True), TODAY)
    assert head is not None and every is not None
    summaries, counts = head
    first, full = BoardModel(community.scale_keys), BoardModel(community.scale_keys)
    first.load_first(make_cards(summaries, TODAY), counts, TODAY)
    full.load(make_cards(every, TODAY), TODAY)
    assert layout(first, rows) == layout(full, rows)
    assert (first.shown, first.total, first.column_counts()) == (full.shown, full.total, full.column_counts())
    assert first.first() == full.first()
    assert first.loaded and not first.complete and full.complete
    assert len(summaries) < len(every)  # not everything


def test_the_first_screenful_needs_the_current_sqlite_schema(tmp_path: Path) -> None:
    assert fastread.first_rows(f"sqlite:///{tmp_path / 'missing.db'}", 5) is None
    assert fastread.first_rows("postgresql://u@h/db", 5) is None


def test_the_first_screenful_needs_the_current_postgresql_schema(sqlite_url: str, pg_url: str) -> None:
    assert fastread_pg.first_rows(sqlite_url, 5) is None
    assert fastread_pg.first_rows("postgresql+psycopg2://u@h/db", 5) is None
    assert fastread_pg.first_rows(pg_url, 5) is None  # no schema yet: the full path creates it
    assert first_screen(pg_url, 5) is None
    with pytest.raises(StorageError):  # as ``fastread_pg.summaries``: FirstRead then reads None
        first_screen("postgresql://tester@127.0.0.1:1/nothing", 5)


def test_the_first_read_on_postgresql_runs_in_a_child_process_with_the_same_answer(example_db: str) -> None:
    """On Linux, the console script (one thread, no connection yet) reads PostgreSQL's first
    screenful in a forked child, so that importing psycopg runs on another core; the answer is the
    direct read's, and an unreachable server's error comes back as the error. (Made in a process
    of its own: the test runner holds connections a child must not share.)"""
    if not example_db.startswith("postgresql"):
        pytest.skip("the fork is for PostgreSQL only")
    script = (
        "import pickle, sys\n"
        "from tui.first_read import FirstRead\n"
        "read = FirstRead(sys.argv[1], 40, fork=True)\n"
        "read.done.wait(30)\n"
        "sys.stdout.buffer.write(pickle.dumps((read.forked, read.head, repr(read.error))))\n"
    )

    def first_read(url: str) -> tuple[bool, Any, str]:
        done = subprocess.run(
            [sys.executable, "-c", script, url], capture_output=True, timeout=120, check=True
        )
        return pickle.loads(done.stdout)  # type: ignore[no-any-return]

    forked, head, error = first_read(example_db)
    assert forked is (sys.platform == "linux")
    assert head == fastread_pg.first_rows(example_db, rows_for(max(40, LINES)))
    assert error == "None"
    forked, nothing, refused = first_read("postgresql://tester@127.0.0.1:1/nothing")
    assert forked is (sys.platform == "linux") and nothing is None
    assert refused.startswith("StorageError(") and "127.0.0.1" in refused


async def test_the_board_paints_and_fills_before_the_store_is_opened(
    filled: Callable[[str], str], sqlite_url: str, community: Community, clock: FrozenClock
) -> None:
    workspace = lazy(filled(sqlite_url), community, clock)
    app = build(workspace, clock)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        model = app.board.model
        assert model is not None and model.complete
        assert (len(model.cards), model.shown) == (15, 13)
        assert not workspace.is_open  # reading the board needed no store
        await press(pilot, "enter")  # opening a cycle does, in its worker
        assert app.screen.__class__.__name__ == "CycleScreen"
        assert app.screen.cycle is not None  # type: ignore[attr-defined]
        assert workspace.is_open
    workspace.close()


async def test_the_board_on_postgresql_reads_without_opening_the_store(
    filled: Callable[[str], str], pg_url: str, sqlite_url: str, community: Community, clock: FrozenClock
) -> None:
    boards = []
    for url in (filled(pg_url), filled(sqlite_url)):
        workspace = lazy(url, community, clock)
        app = build(workspace, clock)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            model = app.board.model
            assert model is not None and model.complete and not workspace.is_open
            boards.append(layout(model, 40))
            await press(pilot, "enter")
            assert workspace.is_open and app.screen.cycle is not None  # type: ignore[attr-defined]
        workspace.close()
    assert boards[0] == boards[1]


async def test_reminders_start_once_the_board_shows_every_cycle(
    workspace: Workspace, clock: FrozenClock, community: Community
) -> None:
    from storage.reminders.claims import ReminderStore
    from tui.reminders import policy_for
    from tui.settings import Settings

    sweeper = Sweeper(ReminderStore(workspace.store, policy_for(community, Settings().reminders)), Settings())
    app = build(workspace, clock, reminders=sweeper)
    seen: list[bool] = []
    start = app.start_reminders

    async def starting() -> None:
        model = app.board.model
        seen.append(model is not None and model.complete)
        await start()

    app.start_reminders = starting  # type: ignore[method-assign]
    async with app.run_test(size=SIZE) as pilot:
        assert app.reminders is None
        await settle(pilot)
        assert seen == [True]
        assert app.reminders is not None
        assert app._notifications and next(iter(app._notifications)).message.startswith("6 evaluations")


def test_a_database_that_cannot_be_opened_ends_the_board_with_its_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from click.testing import CliRunner
    from textual.app import App

    from tui.cli import main

    run = App.run

    def headless(self: App[Any], *args: Any, **kwargs: Any) -> Any:
        return run(self, *args, **{**kwargs, "headless": True, "size": SIZE})

    monkeypatch.setattr(App, "run", headless)
    config = tmp_path / "config.toml"
    config.write_text("", "utf-8")
    import psycopg

    attempts: list[str] = []
    connect = psycopg.connect

    def counted(*args: Any, **kwargs: Any) -> Any:
        attempts.append(str(args[0]))
        return connect(*args, **kwargs)

    monkeypatch.setattr(psycopg, "connect", counted)
    url = "postgresql://tester@127.0.0.1:1/nothing"  # nothing listens on port 1
    result = CliRunner().invoke(main, ["--db", url], env={"CYCLES_CONFIG": str(config)})
    assert result.exit_code == 1
    assert result.stderr.startswith("cycles: error: cannot use the database postgresql://tester@127.0.0.1:1/")
    # Asked once: a server that drops packets costs one connection timeout, not one per read.
    assert len(attempts) == 1


def test_the_app_reads_its_first_screenful_while_it_starts(workspace: Workspace, clock: FrozenClock) -> None:
    app: CyclesApp = build(workspace, clock)
    assert app.first_read.done.wait(10)
    assert app.first_read.result is not None
    summaries, counts = app.first_read.result
    assert sum(counts.values()) == 15  # every cycle counted, ended ones too
    assert summaries and all(s.status == "active" for s in summaries)
