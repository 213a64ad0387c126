"""Settings: a TOML file in the user's config directory, environment variables, then flags.

Each setting ``[section] key`` can be overridden by ``CYCLES_<SECTION>_<KEY>`` (for example
``CYCLES_DATABASE_URL`` or ``CYCLES_SMTP_HOST``) and, for the common ones, by a command-line flag.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from cycles.errors import ConfigError
from tui.settings_file import (  # re-exported
    APP_NAME,
    LANGUAGES,
    config_path,
    language_from_environment,
    read_data,
)
from tui.settings_file import login_name as _login_name

__all__ = ["APP_NAME", "LANGUAGES", "Settings", "config_path", "language_from_environment", "load_settings"]


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class DatabaseSettings(_Section):
    url: str | None = None  # None: the SQLite file in the user's data directory


class CommunitySettings(_Section):
    file: Path | None = None  # None: SPARK's shipped configuration


class UserSettings(_Section):
    name: str = Field(default_factory=_login_name)
    lang: str | None = None  # None: from the environment (LANG, LC_ALL, LC_MESSAGES)
    theme: str = "textual-dark"


class SmtpSettings(_Section):
    host: str | None = None
    port: int = 587
    security: Literal["starttls", "ssl", "none"] = "starttls"
    username: str | None = None
    password: str | None = None
    sender: str = "learning-cycles@localhost"
    timeout: float = 10.0


class ReminderSettings(_Section):
    lead_fraction: float = Field(default=0.15, ge=0, le=1)  # of the cadence, before due
    lead_min_days: int = Field(default=1, ge=0)
    lead_max_days: int = Field(default=14, ge=0)
    overdue_every_days: int = Field(default=7, ge=1)
    sweep_minutes: int = Field(default=5, ge=1)
    desktop: bool = True
    # The language of reminder emails: per owner (email address or name), else ``language``,
    # else the interface's.
    language: str | None = None
    languages: dict[str, str] = {}


class Settings(_Section):
    database: DatabaseSettings = DatabaseSettings()
    community: CommunitySettings = CommunitySettings()
    user: UserSettings = UserSettings()
    smtp: SmtpSettings = SmtpSettings()
    reminders: ReminderSettings = ReminderSettings()
    keys: dict[str, str] = {}  # binding id -> keys, e.g. {"board.decide" = "D"}

    @property
    def language(self) -> str:
        return self.user.lang or language_from_environment()


def load_settings(
    path: Path | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    overrides: Mapping[str, Mapping[str, Any]] | None = None,
) -> Settings:
    """Read the config file (if any), then apply the environment, then ``overrides`` (flags)."""
    file, data = read_data(path, environ=environ, overrides=overrides)
    try:
        return Settings.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"])
        raise ConfigError(f"{file}: [{where}] {err['msg']} (file or CYCLES_* variable)") from exc
