"""The free-text filter matches the user's text literally, wildcards included."""

from __future__ import annotations

from cycles.community import Community
from cycles.repository import CycleFilter
from storage.units.store import Store
from storage.workspace import Workspace
from tests.conftest import FrozenClock


def test_text_filter_treats_percent_and_underscore_literally(
    db_url: str, community: Community, clock: FrozenClock
) -> None:
    store = Store.open(db_url)
    try:
        ws = Workspace(store, community, actor="tester", clock=clock)
        ws.create(name="Growth 100% circular", activity_type="event", key="growth")
        ws.create(name="Growth 1000 homes", activity_type="event", key="homes")
        ws.create(name="Data_lab", activity_type="challenge", key="data-lab")
        ws.create(name="Datablab", activity_type="challenge", key="datablab")
        assert [s.key for s in ws.list(CycleFilter(text="100%"))] == ["growth"]
        assert [s.key for s in ws.list(CycleFilter(text="a_l"))] == ["data-lab"]
        assert {s.key for s in ws.list(CycleFilter(text="GROWTH"))} == {"growth", "homes"}
    finally:
        store.close()
