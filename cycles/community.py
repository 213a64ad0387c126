"""A learning community's configuration: scales, levels, cadences, activity types, vocabulary.

Nothing community-specific lives in code. SPARK's configuration ships as the default
(``cycles/communities/spark.toml``); another community supplies its own TOML file.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import time
from functools import cached_property
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from cycles.community_file import read_data
from cycles.errors import ConfigError

Key = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=64)]


class Label(BaseModel):
    """A user-facing name in several languages; English is required and the fallback."""

    model_config = ConfigDict(extra="allow", frozen=True)
    en: str

    def get(self, lang: str) -> str:
        value = (self.model_extra or {}).get(lang)
        return str(value) if value else self.en


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    key: Key
    label: Label


class Level(_Entry):
    cadence_weeks: int | None = Field(default=None, gt=0, le=520)
    cadence_days: int | None = Field(default=None, gt=0, le=3650)

    @model_validator(mode="after")
    def _one_cadence(self) -> Level:
        if (self.cadence_weeks is None) == (self.cadence_days is None):
            raise ValueError("give exactly one of cadence_weeks or cadence_days")
        return self

    @property
    def cadence(self) -> int:
        """Default cycle length in days."""
        return self.cadence_days if self.cadence_days is not None else 7 * (self.cadence_weeks or 0)


class Scale(_Entry):
    levels: list[Level] = Field(min_length=1)


class ActivityType(_Entry):
    scale: Key
    level: Key
    funding: bool = False  # a funding route: the review's funding section and the timeline's


class Principle(_Entry):
    pass


class Settings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str
    timezone: str = "Europe/Amsterdam"
    reminder_time: time = time(9, 0)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value


class Community(BaseModel):
    """The validated configuration of one learning community."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    community: Settings
    scales: list[Scale] = Field(min_length=1)
    activity_types: list[ActivityType] = Field(min_length=1)
    principles: list[Principle] = []
    value_levels: list[_Entry] = []
    outcome_levels: list[_Entry] = []

    @model_validator(mode="after")
    def _consistent(self) -> Community:
        for name, entries in (
            ("scales", self.scales),
            ("activity_types", self.activity_types),
            ("principles", self.principles),
            ("value_levels", self.value_levels),
            ("outcome_levels", self.outcome_levels),
        ):
            keys = [e.key for e in entries]
            dupes = sorted({k for k in keys if keys.count(k) > 1})
            if dupes:
                raise ValueError(f"{name}: duplicate keys {', '.join(dupes)}")
        for t in self.activity_types:
            scale = self.scale(t.scale) if t.scale in self.scale_keys else None
            if scale is None:
                raise ValueError(f"activity type {t.key!r}: unknown scale {t.scale!r}")
            if t.level not in [lv.key for lv in scale.levels]:
                raise ValueError(f"activity type {t.key!r}: scale {t.scale!r} has no level {t.level!r}")
        return self

    # -- look-ups -------------------------------------------------------------------------

    @property
    def name(self) -> str:
        return self.community.name

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.community.timezone)

    @property
    def scale_keys(self) -> list[str]:
        return [s.key for s in self.scales]

    def scale(self, key: str) -> Scale:
        for s in self.scales:
            if s.key == key:
                return s
        raise ConfigError(f"unknown scale {key!r}; known: {', '.join(self.scale_keys)}")

    def level(self, scale: str, level: str) -> Level:
        for lv in self.scale(scale).levels:
            if lv.key == level:
                return lv
        known = ", ".join(lv.key for lv in self.scale(scale).levels)
        raise ConfigError(f"scale {scale!r} has no level {level!r}; known: {known}")

    def activity_type(self, key: str) -> ActivityType:
        for t in self.activity_types:
            if t.key == key:
                return t
        known = ", ".join(t.key for t in self.activity_types)
        raise ConfigError(f"unknown activity type {key!r}; known: {known}")

    @property
    def funding_types(self) -> tuple[str, ...]:
        """The activity types that are funding routes (``funding = true`` in the community file)."""
        return tuple(t.key for t in self.activity_types if t.funding)

    def default_cadence(self, activity_type: str) -> int:
        t = self.activity_type(activity_type)
        return self.level(t.scale, t.level).cadence

    def level_rank(self, scale: str, level: str) -> int:
        """Position of a level within its scale, 0 for the smallest."""
        return [lv.key for lv in self.scale(scale).levels].index(level)

    @cached_property
    def _vocabularies(self) -> dict[str, tuple[str, ...]]:
        return {
            "principles": tuple(e.key for e in self.principles),
            "value_levels": tuple(e.key for e in self.value_levels),
            "outcome_levels": tuple(e.key for e in self.outcome_levels),
        }

    def check_keys(self, kind: str, keys: list[str]) -> None:
        """Refuse keys that the community's vocabulary of ``kind`` does not define."""
        known = self._vocabularies[kind]
        unknown = [k for k in keys if k not in known]
        if unknown:
            raise ConfigError(
                f"unknown {kind.replace('_', ' ')}: {', '.join(unknown)}; known: {', '.join(known)}"
            )

    def label(self, kind: str, key: str, lang: str = "en") -> str:
        """The label of a scale, activity type, principle, value or outcome level."""
        entries: Sequence[_Entry]
        if kind == "level":
            entries = [lv for s in self.scales for lv in s.levels]
        else:
            by_kind: dict[str, Sequence[_Entry]] = {
                "scale": self.scales,
                "activity_type": self.activity_types,
                "principle": self.principles,
                "value_level": self.value_levels,
                "outcome_level": self.outcome_levels,
            }
            entries = by_kind[kind]
        for e in entries:
            if e.key == key:
                return e.label.get(lang)
        return key


def load_community(path: Path | str | None = None) -> Community:
    """Load and validate a community file; without a path, SPARK's shipped configuration."""
    where, data = read_data(path)
    try:
        return Community.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = ".".join(str(p) for p in err["loc"]) or "(top)"
        raise ConfigError(f"{where}: {loc}: {err['msg']}") from exc
