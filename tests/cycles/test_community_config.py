"""The community configuration: SPARK's shipped ladder, another community's file, and errors that name
the file and what is wrong in it."""

from __future__ import annotations

import re
from datetime import time
from pathlib import Path

import pytest

from cycles.community import Community, load_community
from cycles.errors import ConfigError

MINIMAL = """
[community]
name = "Zeeland Bouwt"
timezone = "{zone}"

[[scales]]
key = "inhoud"
label = {{ en = "Content", nl = "Inhoud" }}

[[scales.levels]]
key = "workshop"
label = {{ en = "Workshop" }}
cadence_days = 10

[[scales.levels]]
key = "programme"
label = {{ en = "Programme" }}
cadence_weeks = 20

[[activity_types]]
key = "workshop"
label = {{ en = "Workshop" }}
scale = "{scale}"
level = "workshop"

[[principles]]
key = "do"
label = {{ en = "Do" }}
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "community.toml"
    path.write_text(text, "utf-8")
    return path


def test_spark_ships_the_ladder_from_the_domain(community: Community) -> None:
    assert community.name == "SPARK"
    assert community.zone.key == "Europe/Amsterdam"
    assert community.community.reminder_time == time(9, 0)
    ladder = {s.key: [(lv.key, lv.cadence // 7) for lv in s.levels] for s in community.scales}
    assert ladder == {
        "inhoud": [("nanomodule", 2), ("session", 6), ("challenge", 13), ("showcase", 26)],
        "netwerk": [("individual", 4), ("organisation", 13), ("society", 52)],
        "organisatie": [("people-means", 13), ("time-money", 26)],
    }
    types = {t.key: (t.scale, t.level) for t in community.activity_types}
    for key in ("nanomodule", "training", "challenge", "showcase", "satellite", "funding-route"):
        assert key in types
    assert types["satellite"] == ("netwerk", "society")
    assert len(community.principles) == 9
    assert [v.key for v in community.value_levels] == [
        "expected", "immediate", "potential", "applied", "realised", "transformative",
    ]  # fmt: skip
    assert [o.key for o in community.outcome_levels] == ["micro", "meso", "macro"]


def test_look_ups_and_labels(community: Community) -> None:
    assert community.default_cadence("showcase") == 182
    assert community.level_rank("inhoud", "nanomodule") == 0
    assert community.level_rank("inhoud", "showcase") == 3
    assert community.label("scale", "netwerk", "nl") == "Netwerkschaal"
    assert community.label("scale", "netwerk", "de") == "Network scale", "unknown language falls back"
    assert community.label("principle", "radar") == "Radar function"
    assert community.label("level", "time-money", "nl") == "Tijd en geld"
    assert community.label("scale", "nope") == "nope"
    with pytest.raises(ConfigError, match="unknown scale 'nope'; known: inhoud, netwerk, organisatie"):
        community.scale("nope")


def test_another_community_loads_from_its_own_file(tmp_path: Path) -> None:
    other = load_community(write(tmp_path, MINIMAL.format(zone="Europe/Brussels", scale="inhoud")))
    assert other.name == "Zeeland Bouwt"
    assert other.zone.key == "Europe/Brussels"
    assert other.default_cadence("workshop") == 10
    assert other.level("inhoud", "programme").cadence == 140
    assert other.value_levels == []


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("[community\nname = 1", "not valid TOML"),
        (
            MINIMAL.format(zone="Europe/Amsterdam", scale="groot"),
            "activity type 'workshop': unknown scale 'groot'",
        ),
        (
            MINIMAL.format(zone="Mars/Olympus", scale="inhoud"),
            "community.timezone: .*unknown time zone 'Mars/Olympus'",
        ),
        (
            MINIMAL.format(zone="Europe/Amsterdam", scale="inhoud")
            + '\n[[principles]]\nkey = "do"\nlabel = { en = "Again" }\n',
            "principles: duplicate keys do",
        ),
        (
            MINIMAL.format(zone="Europe/Amsterdam", scale="inhoud").replace(
                'level = "workshop"', 'level = "x"'
            ),
            "scale 'inhoud' has no level 'x'",
        ),
        (
            MINIMAL.format(zone="Europe/Amsterdam", scale="inhoud").replace(
                "cadence_days = 10", "cadence_days = 10\ncadence_weeks = 2"
            ),
            "give exactly one of cadence_weeks or cadence_days",
        ),
        (
            MINIMAL.format(zone="Europe/Amsterdam", scale="inhoud").replace(
                'name = "Zeeland Bouwt"', "naam = 1"
            ),
            "community.name: Field required",
        ),
        (
            MINIMAL.format(zone="Europe/Amsterdam", scale="inhoud") + "\ncolour = 'red'\n",
            "colour: Extra inputs",
        ),
    ],
)
def test_a_bad_community_file_is_refused_naming_the_file_and_what_is_wrong(
    tmp_path: Path, text: str, fragment: str
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError, match=f"^{re.escape(str(path))}: .*{fragment}"):
        load_community(path)


def test_duplicate_toml_keys_are_refused(tmp_path: Path) -> None:
    path = write(
        tmp_path, MINIMAL.format(zone="Europe/Amsterdam", scale="inhoud") + '\n[community]\nname = "x"\n'
    )
    with pytest.raises(ConfigError, match=f"^{re.escape(str(path))}: not valid TOML"):
        load_community(path)


def test_a_missing_community_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"nowhere\.toml: cannot read community file"):
        load_community(tmp_path / "nowhere.toml")


def test_check_keys_names_the_unknown_and_the_known(community: Community) -> None:
    community.check_keys("outcome_levels", ["micro", "macro"])
    with pytest.raises(ConfigError, match="unknown outcome levels: giga; known: micro, meso, macro"):
        community.check_keys("outcome_levels", ["micro", "giga"])
