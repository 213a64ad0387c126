"""The cycle list's two paths answer alike on generated portfolios: the database driver alone
(``storage.direct.fastread`` on SQLite, ``storage.direct.fastread_pg`` on PostgreSQL) and the ORM's connection
(``SqlCycleRepository.summaries``). Both run one SQL text (``storage.direct.queries``); what differs is
how each gets and decodes its rows, which this property holds equal, on both backends."""

from __future__ import annotations

import itertools
import json
from datetime import date, timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cycles.community import Community, load_community
from cycles.kinds import DueState, Phase
from cycles.portfolio import parse_json
from cycles.repository import CycleFilter
from storage.direct import fastread, fastread_pg
from storage.units.store import Store
from storage.workspace import Workspace
from tests.conftest import FrozenClock

COMMUNITY = load_community()
TYPES = [t.key for t in COMMUNITY.activity_types]
TODAY = date(2026, 3, 20)
# Letters the databases and Python fold or order differently, and LIKE's wildcards.
NAMES = st.text(alphabet=list("aAzZ éÉäÄß%_\\-0"), min_size=1, max_size=8)
OWNERS = st.sampled_from(["Anouk", "anouk", "ANOUK", "Bram", "Émile", ""])
STAGES = st.sampled_from(["collect", "run", "evaluate", "next", "drop"])
serial = itertools.count()


@st.composite
def cycles(draw: st.DrawFn) -> dict[str, Any]:
    opened = draw(st.dates(date(2025, 6, 1), date(2026, 3, 19)))
    stage = draw(STAGES)
    first: dict[str, Any] = {"opened": opened.isoformat()}
    iterations = [first]
    if stage != "collect":
        first["started"] = opened.isoformat()
    if stage in ("evaluate", "next", "drop"):
        first["evaluation"] = {"at": opened.isoformat(), "findings": "seen"}
    if stage in ("next", "drop"):
        first["decision"] = {"at": opened.isoformat(), "kind": stage, "why": "because"}
        if stage == "next":
            iterations.append({"opened": opened.isoformat()})
    return {
        "key": f"c{next(serial)}",
        "name": draw(NAMES),
        "type": draw(st.sampled_from(TYPES)),
        "owner": draw(OWNERS),
        "iterations": iterations,
    }


FILTERS = st.builds(
    CycleFilter,
    scale=st.none() | st.sampled_from(COMMUNITY.scale_keys),
    activity_type=st.none() | st.sampled_from(TYPES),
    phase=st.none() | st.sampled_from(list(Phase)),
    owner=st.none() | OWNERS.filter(bool),
    due=st.none() | st.sampled_from(list(DueState)),
    text=st.none() | NAMES,
    include_ended=st.booleans(),
)


def orm(url: str, flt: CycleFilter, today: date) -> list[Any]:
    store = Store.open(url)
    try:
        with store.read() as repo:
            return repo.summaries(flt, today)
    finally:
        store.close()


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    batch=st.lists(cycles(), min_size=1, max_size=12),
    filters=st.lists(FILTERS, min_size=1, max_size=6),
    shift=st.integers(-60, 60),
)
def test_the_driver_and_the_orm_list_the_same_cycles(
    db_url: str,
    community: Community,
    clock: FrozenClock,
    batch: list[dict[str, Any]],
    filters: list[CycleFilter],
    shift: int,
) -> None:
    store = Store.open(db_url)
    try:
        data = parse_json(json.dumps({"version": 1, "cycles": batch}).encode(), community)
        Workspace(store, community, actor="t", clock=clock).import_portfolio(data)
    finally:
        store.close()
    today = TODAY + timedelta(days=shift)
    driver = fastread_pg if db_url.startswith("postgres") else fastread
    for flt in [CycleFilter(include_ended=True), *filters]:
        direct = driver.summaries(db_url, flt, today)
        assert direct is not None
        assert direct == orm(db_url, flt, today), flt
