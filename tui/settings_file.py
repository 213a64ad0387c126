"""The settings file read with ``tomllib`` alone, and what the board's first frame needs of it.

``tui.settings.load_settings`` validates (pydantic) what ``read_data`` gathers here (the file, the
``CYCLES_*`` variables, the flags), so reading errors say the same. ``quick_settings`` gives the
board its first frame without pydantic when every value is plainly valid: of the type the
setting takes, within its bounds, no unknown section or key. Anything else returns None and the
caller validates at once (and reports the error as it always did); the board validates the
settings fully right after its first frame in any case.
"""

from __future__ import annotations

import getpass
import os
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import platformdirs

from cycles.errors import ConfigError

APP_NAME = "learning-cycles"
LANGUAGES = ("en", "nl")


def login_name() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


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


Check = Callable[[Any], bool]


def _str(v: Any) -> bool:
    return isinstance(v, str)


def _opt_str(v: Any) -> bool:
    return v is None or isinstance(v, str)


def _int(low: int) -> Check:
    return lambda v: type(v) is int and v >= low


def _str_map(v: Any) -> bool:
    return isinstance(v, dict) and all(isinstance(k, str) and isinstance(x, str) for k, x in v.items())


# What is plainly valid for each setting of ``tui.settings.Settings`` (a test keeps the two alike).
PLAIN: dict[str, dict[str, Check]] = {
    "database": {"url": _opt_str},
    "community": {"file": _opt_str},
    "user": {"name": _str, "lang": _opt_str, "theme": _str},
    "smtp": {
        "host": _opt_str,
        "port": _int(-(2**62)),
        "security": lambda v: v in ("starttls", "ssl", "none"),
        "username": _opt_str,
        "password": _opt_str,
        "sender": _str,
        "timeout": lambda v: type(v) in (int, float),
    },
    "reminders": {
        "lead_fraction": lambda v: type(v) in (int, float) and 0 <= v <= 1,
        "lead_min_days": _int(0),
        "lead_max_days": _int(0),
        "overdue_every_days": _int(1),
        "sweep_minutes": _int(1),
        "desktop": lambda v: type(v) is bool,
        "language": _opt_str,
        "languages": _str_map,
    },
}
SECTIONS = tuple(PLAIN)  # the sections ``CYCLES_<SECTION>_<KEY>`` can set ("keys" is not one)


def _env_overrides(environ: Mapping[str, str]) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    for name, value in environ.items():
        if not name.startswith("CYCLES_"):
            continue
        rest = name[len("CYCLES_") :].lower()
        section, _, key = rest.partition("_")
        if section in SECTIONS and key:
            out.setdefault(section, {})[key] = value
    return out


def read_data(
    path: Path | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    overrides: Mapping[str, Mapping[str, Any]] | None = None,
) -> tuple[Path, dict[str, Any]]:
    """The settings file and what it, then the environment, then ``overrides`` (flags) say."""
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
    return file, data


def plainly_valid(data: Mapping[str, Any]) -> bool:
    """Whether ``data`` is valid settings as it stands (True), or needs pydantic to tell (False)."""
    for section, values in data.items():
        if section == "keys":
            if not _str_map(values):
                return False
            continue
        checks = PLAIN.get(section)
        if checks is None or not isinstance(values, dict):
            return False
        if any(key not in checks or not checks[key](value) for key, value in values.items()):
            return False
    return True


@dataclass
class QuickDatabase:
    url: str | None = None


@dataclass
class QuickCommunity:
    file: Path | None = None


@dataclass
class QuickUser:
    name: str = field(default_factory=login_name)
    lang: str | None = None
    theme: str = "textual-dark"


@dataclass
class QuickSettings:
    """What the board's first frame and the command line read of ``tui.settings.Settings``, the
    same values, from settings that are plainly valid."""

    database: QuickDatabase
    community: QuickCommunity
    user: QuickUser
    keys: dict[str, str]

    @property
    def language(self) -> str:
        return self.user.lang or language_from_environment()


def quick_settings(data: Mapping[str, Any]) -> QuickSettings | None:
    """The settings of ``data`` without pydantic, or None unless they are plainly valid."""
    if not plainly_valid(data):
        return None
    file = data.get("community", {}).get("file")
    return QuickSettings(
        QuickDatabase(data.get("database", {}).get("url")),
        QuickCommunity(None if file is None else Path(file)),
        QuickUser(**data.get("user", {})),
        dict(data.get("keys", {})),
    )
