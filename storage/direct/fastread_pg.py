"""The ORM-free read path of ``cycles list`` for a shared PostgreSQL server.

The twin of :mod:`storage.direct.fastread` for PostgreSQL: psycopg alone, much quicker to import
than SQLAlchemy and SQLModel (figures: docs/PERFORMANCE.md), with the same SQL text as
``SqlCycleRepository.summaries`` (``storage.direct.queries``).
A URL this path does not understand, or a database not at the current schema, returns None and the
caller takes the full path (which migrates). An unreachable server is an error here already, so
that the user waits for one connection timeout, not two.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

from cycles.errors import StorageError
from cycles.kinds import Phase, Status
from storage.direct.fastread import Counts, Rows
from storage.direct.queries import COLUMNS, summary_query
from storage.schema.location import safe_text
from storage.schema.revision import HEAD

if TYPE_CHECKING:
    import psycopg

    from cycles.model import CycleSummary
    from cycles.repository import CycleFilter

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
    conn = connect(url)
    if conn is None:
        return None
    try:
        with conn.cursor() as cur:
            sql, params = summary_query(flt, today, mark="%s")
            cur.execute(sql, params)
            rows = cur.fetchall()
    finally:
        conn.close()
    from cycles.model import CycleSummary

    return [CycleSummary.from_row(r) for r in rows]


def first_rows(url: str, per_phase: int) -> tuple[Rows, Counts] | None:
    """The twin of :func:`storage.direct.fastread.first_rows`: at least the first ``per_phase`` active
    cycles of each scale and phase in the board's default order (due date, undated last, then name
    as ``str.lower`` folds it), and how many cycles there are of each scale, status and phase; None
    when this path cannot answer (see the module doc). The cycles come in the order of
    ``summaries`` (the database's collation breaks ties of the board's key, as with every card).

    The server's collation is not Python's, so the first cycles of a column are chosen among names
    of ASCII only, by ``lower`` in the "C" collation (which folds and orders ASCII as Python does)
    and with every tie of the last one kept (``WITH TIES``: whichever of ``Aap`` and ``aap`` the
    database's own order puts first is there); names with other letters are all taken."""
    conn = connect(url)
    if conn is None:
        return None
    phases = [p.value for p in Phase]
    active = Status.ACTIVE.value
    counted = ", ".join(f"count(*) FILTER (WHERE phase = '{p}')" for p in phases)
    plain = "octet_length(name) = char_length(name)"  # no letters beyond ASCII
    first = (
        f"SELECT {COLUMNS} FROM cycle WHERE status = %(active)s AND scale = k.scale AND phase = k.phase"
        f' AND {plain} ORDER BY due_on NULLS LAST, lower(name COLLATE "C")'
        " FETCH FIRST %(rows)s ROWS WITH TIES"
    )
    rows_sql = (
        "SELECT * FROM (SELECT f.* FROM unnest(%(scales)s::text[], %(phases)s::text[]) k(scale, phase)"
        f" CROSS JOIN LATERAL ({first}) f"
        f" UNION ALL SELECT {COLUMNS} FROM cycle WHERE status = %(active)s AND NOT {plain}) u"
        " ORDER BY scale, due_on IS NULL, due_on, name"  # as ``summaries`` orders
    )
    try:
        with conn.cursor() as cur:
            counts: Counts = {}
            cur.execute(f"SELECT status, scale, {counted} FROM cycle GROUP BY status, scale")
            for status, scale, *numbers in cur.fetchall():
                for phase, n in zip(phases, numbers, strict=True):
                    if n:
                        counts[scale, status, phase] = n
            lanes = [(scale, phase) for scale, status, phase in counts if status == active]
            args = {"active": active, "rows": max(per_phase, 1)}
            args.update(scales=[s for s, _ in lanes], phases=[p for _, p in lanes])
            cur.execute(rows_sql, args)
            rows = cur.fetchall()
    finally:
        conn.close()
    return rows, counts


def connect(url: str) -> psycopg.Connection[tuple[Any, ...]] | None:
    """A connection to the database of ``url`` at the current schema, else None. An unreachable
    server raises ``StorageError`` (naming the URL without its password)."""
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
            cur.execute("SELECT version_num FROM alembic_version")
            revision = cur.fetchone()
    except psycopg.Error:
        revision = None  # no schema yet: the full path creates it
    except BaseException:
        conn.close()
        raise
    if revision is None or revision[0] != HEAD:
        conn.close()
        return None
    return conn
