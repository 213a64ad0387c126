"""The ORM-free read path of ``cycles list`` for a shared PostgreSQL server.

The twin of :mod:`storage.fastread` for PostgreSQL: psycopg alone (about 0.3 s to import) instead
of SQLAlchemy and SQLModel (about 0.8 s), with the same SQL as ``SqlCycleRepository.summaries``.
A URL this path does not understand, or a database not at the current schema, returns None and the
caller takes the full path (which migrates). An unreachable server is an error here already, so
that the user waits for one connection timeout, not two.
"""

from __future__ import annotations

from datetime import date
from urllib.parse import urlsplit, urlunsplit

from cycles.errors import StorageError
from cycles.model import CycleSummary
from cycles.repository import CycleFilter
from storage.fastread import _query
from storage.location import safe_text
from storage.revision import HEAD

CONNECT_TIMEOUT_S = 5
SCHEMES = {"postgresql", "postgresql+psycopg", "postgres"}


def conninfo(url: str) -> str | None:
    """A libpq connection URI for a ``postgresql[+psycopg]://`` URL, else None."""
    parts = urlsplit(url)
    if parts.scheme not in SCHEMES:
        return None
    return urlunsplit(parts._replace(scheme="postgresql"))


def summaries(url: str, flt: CycleFilter, today: date) -> list[CycleSummary] | None:
    """The cycles matching ``flt``, or None when this path cannot answer (see the module doc)."""
    info = conninfo(url)
    if info is None:
        return None
    import psycopg

    try:
        conn = psycopg.connect(info, connect_timeout=CONNECT_TIMEOUT_S, autocommit=True)
    except psycopg.OperationalError as exc:
        first = str(exc).strip().splitlines()
        raise StorageError(
            f"cannot use the database {safe_text(url)}: {first[0] if first else type(exc).__name__}"
        ) from exc
    except psycopg.Error:
        return None  # e.g. an option libpq does not know: let the full path explain it
    try:
        with conn.cursor() as cur:
            try:
                cur.execute("SELECT version_num FROM alembic_version")
                revision = cur.fetchone()
            except psycopg.Error:
                return None  # no schema yet: the full path creates it
            if revision is None or revision[0] != HEAD:
                return None
            sql, params = _query(flt, today, mark="%s")
            cur.execute(sql, params)
            rows = cur.fetchall()
    finally:
        conn.close()
    return [CycleSummary.from_row(r) for r in rows]
