"""The shipped example: ``cycles import examples/spark.yaml`` then ``cycles list`` shows SPARK's cycles
in every scale, in every phase, some overdue, some ended, linked as the domain describes."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tests.cli.cli_harness import Cli

EXAMPLE = Path(__file__).parents[2] / "examples" / "spark.yaml"
TODAY: dict[str, str | None] = {"CYCLES_NOW": "2026-11-28T10:00:00+01:00"}  # the example's "now"


def example_cycles() -> int:
    try:
        return len(yaml.safe_load(EXAMPLE.read_text("utf-8")).get("cycles") or [])
    except (OSError, AttributeError, yaml.YAMLError):
        return 0


pytestmark = pytest.mark.skipif(example_cycles() == 0, reason="examples/spark.yaml holds no cycles yet")


def test_the_shipped_example_imports_with_cycles_in_every_scale(cli: Cli) -> None:
    out = cli.ok("import", str(EXAMPLE), env=TODAY)
    assert "inhoud" in out and "netwerk" in out and "organisatie" in out
    listed = cli.ok("list", env=TODAY)
    assert listed.startswith("Content scale (")
    assert "\n\nNetwork scale (" in listed and "\n\nOrganisational scale (" in listed

    everything = cli.json("list", "--all", env=TODAY)
    assert {r["scale"] for r in everything} == {"inhoud", "netwerk", "organisatie"}
    active = [r for r in everything if r["status"] == "active"]
    assert {r["phase"] for r in active} == {"collect", "run", "evaluate"}
    assert {r["due_state"] for r in active} >= {"upcoming", "overdue"}
    assert {r["status"] for r in everything} == {"active", "dropped", "rerouted"}

    rerouted = next(r["key"] for r in everything if r["status"] == "rerouted")
    links = cli.json("show", rerouted)["links"]
    assert any(lk["kind"] == "route_of" and lk["target"] == rerouted for lk in links)
    kinds = {
        lk["kind"]
        for r in everything
        for lk in cli.json("show", r["key"])["links"]
        if r["activity_type"] == "challenge"
    }
    assert "spawned_from" in kinds, "a challenge spawned from a showcase"
