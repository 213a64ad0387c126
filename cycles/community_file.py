"""A community file read with ``tomllib`` alone: its text, and what the board's first frame shows.

``cycles.community.load_community`` validates the whole file (pydantic) and reads it through
``read_data`` here, so reading errors say the same. ``Outline`` is the little a first frame needs
(the name, the time zone, the scales and activity types with their labels), taken from a file
before pydantic is imported; the board validates the file fully right after that frame, and an
invalid file then ends it with the same message as every other command.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from cycles.errors import ConfigError

SHIPPED = "spark.toml (shipped)"


def read_data(path: Path | str | None) -> tuple[str, dict[str, Any]]:
    """Where the file is (for messages) and its TOML; without a path, SPARK's shipped file."""
    if path is None:
        text = resources.files("cycles.communities").joinpath("spark.toml").read_text("utf-8")
        where = SHIPPED
    else:
        where = str(path)
        try:
            text = Path(path).read_text("utf-8")
        except OSError as exc:
            raise ConfigError(f"{where}: cannot read community file: {exc.strerror}") from exc
    try:
        return where, tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{where}: not valid TOML: {exc}") from exc


@dataclass(frozen=True)
class OutlineLabel:
    """``cycles.community.Label`` as read: English and the other languages."""

    texts: dict[str, str]

    @property
    def en(self) -> str:
        return self.texts["en"]

    def get(self, lang: str) -> str:
        value = self.texts.get(lang)
        return str(value) if value else self.en


@dataclass(frozen=True)
class OutlineEntry:
    key: str
    label: OutlineLabel


@dataclass(frozen=True)
class Outline:
    """What a first frame reads of a community (the attributes of ``Community`` it uses)."""

    name: str
    timezone: str
    scales: list[OutlineEntry]
    activity_types: list[OutlineEntry]

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def scale_keys(self) -> list[str]:
        return [s.key for s in self.scales]

    @classmethod
    def of(cls, data: dict[str, Any]) -> Outline | None:
        """The outline of a file's TOML, or None when its shape is not the expected one (the full
        validation, done at once then, says what is wrong)."""
        try:
            settings = data["community"]
            name, zone = settings["name"], settings.get("timezone", "Europe/Amsterdam")
            if not isinstance(name, str) or not isinstance(zone, str):
                return None
            ZoneInfo(zone)
            scales = [_entry(e) for e in data["scales"]]
            types = [_entry(e) for e in data["activity_types"]]
        except (KeyError, TypeError, ValueError, AttributeError):
            return None
        return cls(name, zone, scales, types)


def _entry(data: dict[str, Any]) -> OutlineEntry:
    key, label = data["key"], data["label"]
    if not isinstance(key, str) or not isinstance(label, dict) or not isinstance(label["en"], str):
        raise TypeError(key)
    return OutlineEntry(key, OutlineLabel(dict(label)))


def outline(path: Path | str | None) -> Outline | None:
    """The outline of a community file (reading errors raise ``ConfigError``; None: see ``of``)."""
    return Outline.of(read_data(path)[1])
