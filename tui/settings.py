"""Settings: a TOML file in the user's config directory, environment variables, then flags.

Each setting ``[section] key`` can be overridden by ``CYCLES_<SECTION>_<KEY>`` (for example
``CYCLES_DATABASE_URL`` or ``CYCLES_SMTP_HOST``) and, for the common ones, by a command-line flag.
"""

from __future__ import annotations

import getpass
import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

import platformdirs
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from cycles.errors import ConfigError

APP_NAME = "learning-cycles"
LANGUAGES = ("en", "nl")


def _login_name() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


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


def language_from_environment(environ: Mapping[str, str] | None = None) -> str:
    env = os.environ if environ is None else environ
    for var in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        value = env.get(var, "")
        if value:
            code = value.split(":")[0].split("_")[0].split(".")[0].lower()
            if code in LANGUAGES:
                return code
            if code not in ("c", "posix"):
                return "en"
    return "en"


def config_path() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME)) / "config.toml"


def _env_overrides(environ: Mapping[str, str]) -> dict[str, dict[str, str]]:
    sections = set(Settings.model_fields) - {"keys"}
    out: dict[str, dict[str, str]] = {}
    for name, value in environ.items():
        if not name.startswith("CYCLES_"):
            continue
        rest = name[len("CYCLES_") :].lower()
        section, _, key = rest.partition("_")
        if section in sections and key:
            out.setdefault(section, {})[key] = value
    return out


def load_settings(
    path: Path | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    overrides: Mapping[str, Mapping[str, Any]] | None = None,
) -> Settings:
    """Read the config file (if any), then apply the environment, then ``overrides`` (flags)."""
    env = os.environ if environ is None else environ
    explicit = path is not None or "CYCLES_CONFIG" in env
    file = path or Path(env.get("CYCLES_CONFIG", "")) if explicit else config_path()
    data: dict[str, Any] = {}
    if file.exists():
        try:
            data = tomllib.loads(file.read_text("utf-8"))
        except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{file}: cannot read settings: {exc}") from exc
    elif explicit:
        raise ConfigError(f"{file}: settings file not found")
    for section, values in _env_overrides(env).items():
        data.setdefault(section, {}).update(values)
    for section, given in (overrides or {}).items():
        data.setdefault(section, {}).update({k: v for k, v in given.items() if v is not None})
    try:
        return Settings.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"])
        raise ConfigError(f"{file}: [{where}] {err['msg']} (file or CYCLES_* variable)") from exc
