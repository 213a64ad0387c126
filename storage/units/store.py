"""``Store``: the database behind Learning Cycles, and its units of work.

One session per user action: ``read()`` for a read-only look, ``write(fn)`` for a change, which
runs ``fn`` in one transaction (IMMEDIATE on SQLite, SERIALIZABLE on PostgreSQL) and retries it
from the start when the database reports a serialization failure.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError, OperationalError, SQLAlchemyError
from sqlmodel import Session

from cycles.errors import StorageError
from storage.direct.watch import CHANNEL
from storage.schema.engine import WRITE, display, make_engine, parse_url
from storage.schema.location import default_url, missing, prepare_folder
from storage.schema.migrate import ensure_schema
from storage.units.repository import SqlCycleRepository

T = TypeVar("T")

RETRYABLE_SQLSTATES = {"40001", "40P01"}  # serialization failure, deadlock detected
MAX_ATTEMPTS = 40  # with the capped back-off: about 5 s of waiting at most


class Store:
    """A database opened and migrated to the newest schema."""

    def __init__(self, engine: Engine, *, created: bool = False) -> None:
        self.engine = engine
        self.backend = engine.url.get_backend_name()
        self.created = created  # this open made the SQLite file

    @classmethod
    def open(cls, url: str | None = None, *, migrate: bool = True, create: bool = True) -> Store:
        """Open ``url`` (the embedded SQLite default when None) and bring its schema up to date.
        A SQLite file that does not exist is made only with ``create``, in a folder that exists
        (the default data folder is made)."""
        url = url or default_url()
        if not create and (error := missing(url)) is not None:
            raise error
        prepare_folder(url)
        made = missing(url) is not None
        parsed = parse_url(url)
        engine = make_engine(parsed)
        if migrate:
            try:
                ensure_schema(engine)
            except StorageError:
                engine.dispose()
                raise
        return cls(engine, created=made)

    @property
    def url(self) -> str:
        """The database's URL without its password."""
        return display(self.engine.url)

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def read(self) -> Iterator[SqlCycleRepository]:
        """A read-only unit of work (rolled back at the end)."""
        try:
            with Session(self.engine) as session:
                yield SqlCycleRepository(session)
                session.rollback()
        except OperationalError as exc:
            raise self._unreachable(exc) from exc

    def write(self, work: Callable[[SqlCycleRepository], T]) -> T:
        """Run ``work`` in one write transaction and commit; all or nothing.

        ``work`` may run more than once (after a serialization failure), so it must not have
        effects outside the database.
        """
        bind = self.engine.execution_options(**{WRITE: True})
        for attempt in range(1, MAX_ATTEMPTS + 1):
            try:
                with Session(bind) as session:
                    result = work(SqlCycleRepository(session))
                    if self.backend == "postgresql":  # delivered at the commit, to every board
                        session.execute(text(f"NOTIFY {CHANNEL}"))
                    session.commit()
                    return result
            except DBAPIError as exc:
                if attempt < MAX_ATTEMPTS and self._retryable(exc):
                    # Back off a random, growing while: writers that retry in step collide again,
                    # and one can lose every attempt to the other.
                    time.sleep(random.uniform(0, min(0.25, 0.002 * 2**attempt)))
                    continue
                if isinstance(exc, OperationalError) and not self._retryable(exc):
                    raise self._unreachable(exc) from exc
                raise StorageError(f"{self.url}: {_first_line(exc)}; nothing was written") from exc
        raise AssertionError("unreachable")  # pragma: no cover

    def _retryable(self, exc: DBAPIError) -> bool:
        code = getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None)
        if code in RETRYABLE_SQLSTATES:
            return True
        # SQLite reports a busy database after its timeout; another attempt is worth it.
        return self.backend == "sqlite" and "locked" in str(exc.orig).lower()

    def _unreachable(self, exc: SQLAlchemyError) -> StorageError:
        return StorageError(f"cannot use the database {self.url}: {_first_line(exc)}")


def _first_line(exc: SQLAlchemyError) -> str:
    orig = getattr(exc, "orig", None) or exc
    text = str(orig).strip()
    return text.splitlines()[0] if text else exc.__class__.__name__
