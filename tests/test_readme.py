"""The README's promises: its example portfolio validates, its quick start matches CI."""

from __future__ import annotations

import re

import yaml

from cycles.community import Community
from cycles.portfolio import parse
from tests.conftest import REPO

README = (REPO / "README.md").read_text("utf-8")


def test_readme_import_example_is_a_valid_portfolio(community: Community) -> None:
    block = re.search(r"## Import format.*?```yaml\n(.*?)```", README, re.S)
    assert block, "the README has an import-format example"
    data = yaml.safe_load(block.group(1))
    # The example links to a challenge it does not list; add it so the file stands alone.
    data["cycles"].append(
        {
            "key": "challenge-biobased-details",
            "name": "Challenge: biobased details",
            "type": "challenge",
            "iterations": [{"opened": "2026-03-10"}],
        }
    )
    portfolio = parse(data, community, where="README")
    showcase = portfolio.cycles[0]
    assert showcase.scale == "inhoud" and showcase.cadence_days == 182
    assert [it.phase.value for it in showcase.iterations] == ["decided", "collect"]


def test_ci_runs_the_readme_test_command() -> None:
    quick = re.search(r"To run the tests:\s*```sh\n(.*?)\n```", README, re.S)
    assert quick
    ci = (REPO / ".ci" / "run").read_text("utf-8")
    for step in quick.group(1).split("&&"):
        program = step.strip().split()[0].split("/")[-1]
        assert program in ci, f"CI does not run {step.strip()!r}"
    assert ".venv/bin/pip install --quiet -e '.[dev]'" in ci and ".venv/bin/pytest" in ci
