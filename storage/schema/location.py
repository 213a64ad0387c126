"""Where the embedded database lives by default (no SQLAlchemy import, for fast paths)."""

from __future__ import annotations

import re
from pathlib import Path

import platformdirs

APP_NAME = "learning-cycles"


def default_url() -> str:
    """The embedded default: a SQLite file in the user's data directory."""
    path = Path(platformdirs.user_data_dir(APP_NAME)) / "cycles.db"
    return f"sqlite:///{path}"


def safe_text(text: str) -> str:
    """Best effort to mask a password in a URL or any text that holds one."""
    return re.sub(r"(://[^:/@]+:)[^@]*@", r"\1***@", text)
