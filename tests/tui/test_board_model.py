"""The board's in-memory model without Textual: filters, sort, incremental search, cursor moves."""

from __future__ import annotations

from datetime import date

import pytest

from cycles import portfolio
from cycles.community import Community
from cycles.model import CycleSummary, DueState
from tests.tui.conftest import PORTFOLIO
from tui.widgets.board_model import BoardModel
from tui.widgets.cards import make_cards

TODAY = date(2026, 3, 20)


@pytest.fixture
def model(community: Community) -> BoardModel:
    data = portfolio.read(PORTFOLIO, community)
    m = BoardModel(community.scale_keys)
    m.load(make_cards([CycleSummary.of(c) for c in data.cycles], TODAY), TODAY)
    return m


def keys(model: BoardModel) -> list[str]:
    return [c.summary.key for lane in model.lanes for col in lane.columns for c in col]


def test_filters_combine(model: BoardModel) -> None:
    model.filters = model.filters.with_(due=DueState.OVERDUE)
    model.relayout()
    assert sorted(keys(model)) == ["event-digital-group", "micro-industrial", "nano-directors"]
    model.filters = model.filters.with_(due=None, owner="chris", scale="inhoud")
    model.relayout()
    assert sorted(keys(model)) == ["challenge-avans", "micro-industrial"]


def test_typing_on_narrows_the_last_result_and_agrees_with_a_fresh_search(model: BoardModel) -> None:
    for text in ["f", "fu", "fun", "fund", "funding sub"]:
        model.filters = model.filters.with_(text=text)
        model.relayout()
        narrowed = keys(model)
        fresh = BoardModel(model.scales)
        fresh.filters = model.filters
        fresh.load(model.cards, TODAY)
        assert narrowed == keys(fresh)
    assert keys(model) == ["funding-subsidy-skills"]


def test_put_keeps_the_sort_order(model: BoardModel, community: Community) -> None:
    model.filters = model.filters.with_(sort="name", show_ended=True)
    model.relayout()
    changed = model.cards["visit-kuijpers"].summary.model_copy(update={"name": "AAA first"})
    model.put(changed)
    model.relayout()
    assert model.ordered() == sorted(model.cards.values(), key=lambda c: c.order["name"])
    assert model.position("visit-kuijpers") == (0, 0, 0)


def test_cursor_moves_across_lanes_and_skips_folded_ones(model: BoardModel) -> None:
    first = model.first()
    assert first is not None and model.card_at(first).summary.key == "training-datascience"  # type: ignore[union-attr]
    pos = model.vertical(model.vertical(first, 1), 1)  # past the lane's last collect card
    assert model.card_at(pos).summary.scale == "netwerk"  # type: ignore[union-attr]
    model.toggle_lane(1)
    pos = model.near(pos)
    assert model.card_at(pos).summary.scale != "netwerk"  # type: ignore[union-attr]
    assert model.horizontal((0, 0, 1), 1) == (0, 1, 1)
    assert model.horizontal((0, 2, 0), 1) == (0, 2, 0)  # nothing to the right: stay


def layout(model: BoardModel) -> tuple[object, ...]:
    return (
        [[[c.summary.key for c in col] for col in lane.columns] for lane in model.lanes],
        model.starts,
        model.height,
        model.shown,
        model.positions,
    )


@pytest.mark.parametrize("seed", range(6))
def test_a_changed_cycle_moves_where_a_full_layout_puts_it(model: BoardModel, seed: int) -> None:
    """``replace`` moves one card instead of laying out every card: under any filters and sort,
    after any change of phase, status, due date, name, owner or scale, the board looks as a full
    layout of the same cards makes it."""
    import random

    from cycles.model import Phase, Status

    rnd = random.Random(seed)
    keys_ = sorted(model.cards)
    owners = sorted({c.summary.owner for c in model.cards.values()})
    for step in range(60):
        if step % 10 == 0:  # now and then other filters and another sort
            model.filters = model.filters.with_(
                sort=rnd.choice(["due", "name", "iteration", "owner"]),
                show_ended=rnd.random() < 0.5,
                due=rnd.choice([None, None, DueState.DUE, DueState.UPCOMING]),
                text=rnd.choice(["", "", "a", "funding"]),
                scale=rnd.choice([None, None, *model.scales]),
            )
            model.relayout()
        s = model.cards[rnd.choice(keys_)].summary
        changed = s.model_copy(
            update=rnd.choice(
                [
                    {"phase": rnd.choice(list(Phase))},
                    {"status": rnd.choice(list(Status))},
                    {"due_on": rnd.choice([None, TODAY, date(2026, 1, 5), date(2027, 2, 1)])},
                    {"name": rnd.choice(["A first", "Zz last", s.name])},
                    {"name": "Tie", "due_on": TODAY, "owner": owners[0], "iteration": 2},  # equal keys
                    {"owner": rnd.choice(owners)},
                    {"scale": rnd.choice(model.scales)},
                    {"iteration": rnd.randint(1, 9), "phase": Phase.COLLECT},
                ]
            )
        )
        model.replace(changed)
        moved = layout(model)
        model.relayout()
        assert moved == layout(model), (seed, step, changed)
