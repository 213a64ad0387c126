"""Where the embedded database lives by default (no SQLAlchemy import, for fast paths)."""

from __future__ import annotations

import re
from pathlib import Path

import platformdirs

from cycles.errors import StorageError
from cycles.i18n import _

APP_NAME = "learning-cycles"


def default_url() -> str:
    """The embedded default: a SQLite file in the user's data directory."""
    path = Path(platformdirs.user_data_dir(APP_NAME)) / "cycles.db"
    return f"sqlite:///{path}"


def sqlite_path(url: str) -> Path | None:
    """The file of a plain ``sqlite:///path`` URL (no driver, no query, not in memory), else None."""
    from urllib.parse import unquote

    prefix = "sqlite:///"
    if not url.startswith(prefix) or "?" in url:
        return None
    path = unquote(url[len(prefix) :])
    if not path or path == ":memory:":
        return None
    return Path(path).expanduser()


def sqlite_target(url: str) -> Path | None:
    """The file of any SQLite URL (a driver named, options after ``?``), else None: what a
    connection to ``url`` would create."""
    from urllib.parse import unquote

    scheme, sep, rest = url.partition(":///")
    if not sep or not (scheme == "sqlite" or scheme.startswith("sqlite+")):
        return None
    path = unquote(rest.split("?", 1)[0])
    if not path or path == ":memory:" or path.startswith("file:"):
        return None
    return Path(path).expanduser()


def missing(url: str) -> StorageError | None:
    """Why ``url`` cannot be used without creating something (None when it can): a SQLite file
    that does not exist is created only by the commands that create (init, import, add, the
    board); a folder that does not exist is never created, but for the default one."""
    path = sqlite_target(url)
    if path is None or path.is_file():
        return None
    return StorageError(
        _("no database at {path}; nothing was created (check --db, or create one with `cycles init`)").format(
            path=path
        )
    )


def prepare_folder(url: str) -> None:
    """Make sure the folder of a SQLite ``url`` exists: the default data folder is created (mode
    0700); any other folder that does not exist is an error that names it."""
    path = sqlite_target(url)
    if path is None or path.parent.is_dir():
        return
    if url == default_url():
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        return
    raise StorageError(
        _("the folder {folder} does not exist; create it first, or give another --db").format(
            folder=path.parent
        )
    )


def safe_text(text: str) -> str:
    """Best effort to mask a password in a URL or any text that holds one."""
    return re.sub(r"(://[^:/@]+:)[^@]*@", r"\1***@", text)
