"""Writing export files safely, and keeping spreadsheet cells from being run as formulas.

Atomic writes: a file is written under a temporary name in its target directory (created 0600 by
``tempfile.mkstemp``), flushed to disk and moved into place with ``os.replace``; a failure part way
leaves the previous file as it was and removes the temporary one.

Formula neutralisation (OWASP "CSV injection"): a text cell that begins with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return is written with a single quote in front, so a spreadsheet shows it
as text. To keep the rule reversible, a text that begins with one or more quotes followed by one of
those characters gets one more quote too. On import, one leading quote is removed from a text that
begins with one or more quotes followed by one of those characters; any other text is read as it is.
So ``=SUM(A1)`` is written ``'=SUM(A1)``, ``'=x`` is written ``''=x``, and both read back unchanged.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

TRIGGERS = "=+-@\t\r"
FIRST_RISKY = frozenset(TRIGGERS + "'")  # a text not starting with one of these is kept as it is
_NEEDS_QUOTE = re.compile(r"'*[=+\-@\t\r]")
_QUOTED = re.compile(r"'+[=+\-@\t\r]")


def neutralise(text: str) -> str:
    """The text as it is written into a spreadsheet cell (see the module's rule)."""
    return "'" + text if _NEEDS_QUOTE.match(text) else text


def restore(text: str) -> str:
    """The inverse of :func:`neutralise`, applied to every text cell on import."""
    return text[1:] if _QUOTED.match(text) else text


@contextlib.contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """A temporary path beside ``target`` (mode 0600) that replaces ``target`` on success."""
    target = Path(target)
    parent = target.parent if str(target.parent) else Path(".")
    parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=parent, prefix=f".{target.name}.", suffix=".tmp")
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        os.chmod(tmp_path, 0o600)  # a library may have recreated the file
        _fsync(tmp_path)
        os.replace(tmp_path, target)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp_path.unlink()
        raise


def write_atomic(target: Path, write: Callable[[IO[Any]], object], *, binary: bool = False) -> None:
    """Write ``target`` through ``write(file)`` atomically (text files are UTF-8, ``\\n`` kept)."""
    with atomic_path(target) as tmp:
        mode = "wb" if binary else "w"
        kwargs: dict[str, Any] = {} if binary else {"encoding": "utf-8", "newline": ""}
        with open(tmp, mode, **kwargs) as fh:
            write(fh)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
