"""``SqlCycleRepository``: the domain's repository on one SQLAlchemy session (one unit of work)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import delete, func, insert, or_, select, update
from sqlmodel import Session

from cycles.errors import ConflictError, NotFoundError, TransitionError
from cycles.i18n import _
from cycles.model import (
    Change,
    Cycle,
    CycleSummary,
    Event,
    Iteration,
    Link,
    Note,
    Status,
)
from cycles.repository import CycleFilter
from storage.direct.queries import summary_query
from storage.schema.tables import CycleRow, EventRow, IterationRow, LinkRow, NoteRow
from storage.units.bulk import insert_rows
from storage.units.document_store import forget_ids, forget_keys
from storage.units.row_values import (
    build_iteration,
    cycle_values,
    event_values,
    iteration_values,
    note_values,
)

C = CycleRow.__table__.c  # type: ignore[attr-defined]
I = IterationRow.__table__.c  # type: ignore[attr-defined]  # noqa: E741
N = NoteRow.__table__.c  # type: ignore[attr-defined]
L = LinkRow.__table__.c  # type: ignore[attr-defined]
E = EventRow.__table__.c  # type: ignore[attr-defined]


class SqlCycleRepository:
    """Reads and writes cycles within the caller's session; the caller commits."""

    def __init__(self, session: Session) -> None:
        self.session = session

    # -- reading ----------------------------------------------------------------------------

    def _id(self, key: str) -> int:
        found = self.session.execute(select(C.id).where(C.key == key)).scalar()
        if found is None:
            raise NotFoundError(_("no cycle {key!r}").format(key=key))
        return int(found)

    def exists(self, key: str) -> bool:
        return self.session.execute(select(C.id).where(C.key == key)).first() is not None

    def announce_everything(self) -> None:
        """Tell the boards following this PostgreSQL database, at the commit, to read everything
        again (a change too large, or with ids handed out too long before its commit, to read in
        pieces). Nothing to do on SQLite, whose writers commit in id order."""
        if self.session.get_bind().dialect.name == "postgresql":
            from sqlalchemy import text

            from storage.direct.watch import CHANNEL, EVERYTHING

            self.session.execute(text(f"NOTIFY {CHANNEL}, '{EVERYTHING}'"))

    def last_event(self) -> int:
        """The id of the newest event (0: none): a marker to read what changed after it."""
        return int(self.session.execute(select(func.max(E.id))).scalar() or 0)

    def events_after(self, low: int, limit: int) -> list[tuple[int, str, str, str, Any]]:
        """Events with an id above ``low`` (id, cycle, actor, action, at), oldest first, at most
        ``limit``."""
        rows = self.session.execute(
            select(E.id, E.cycle, E.actor, E.action, E.at).where(E.id > low).order_by(E.id).limit(limit)
        )
        return [(int(i), c, a, act, at) for i, c, a, act, at in rows]

    def events_from(self, since: Any, limit: int) -> list[tuple[int, str, str, str, Any]]:
        """Events at or after the instant ``since`` (id, cycle, actor, action, at), oldest first."""
        rows = self.session.execute(
            select(E.id, E.cycle, E.actor, E.action, E.at).where(E.at >= since).order_by(E.id).limit(limit)
        )
        return [(int(i), c, a, act, at) for i, c, a, act, at in rows]

    def names(self, keys: Iterable[str]) -> dict[str, str]:
        """The names of the cycles ``keys`` that exist."""
        out: dict[str, str] = {}
        wanted = sorted(set(keys))
        for i in range(0, len(wanted), 500):
            chunk = wanted[i : i + 500]
            for key, name in self.session.execute(select(C.key, C.name).where(C.key.in_(chunk))):
                out[key] = name
        return out

    def undone_creations(self, ids: list[int]) -> list[str]:
        """The cycles that the undo events ``ids`` deleted (an undone other route's new cycle)."""
        if not ids:
            return []
        rows = self.session.execute(select(E.before).where(E.id.in_(ids), E.action == "undo"))
        return [str(before["created"]) for (before,) in rows if before and "created" in before]

    def exists_any(self) -> bool:
        """Whether any cycle is stored."""
        return self.session.execute(select(C.id).limit(1)).first() is not None

    def free_key(self, base: str) -> str:
        """``base``, or the first of ``base-2``, ``base-3``, ... that no cycle has."""
        if not self.exists(base):
            return base
        for n in range(2, 10_000):
            candidate = f"{base}-{n}"
            if not self.exists(candidate):
                return candidate
        raise NotFoundError(f"no free key near {base!r}")

    def iterations(self, keys: Iterable[str] | None = None) -> dict[str, list[Iteration]]:
        """The iterations of every cycle (or of ``keys``) by cycle key, oldest first, without
        their monitoring notes."""
        query = (
            select(C.key, *IterationRow.__table__.c)  # type: ignore[attr-defined]
            .join_from(IterationRow.__table__, CycleRow.__table__, I.cycle_id == C.id)  # type: ignore[attr-defined]
            .order_by(C.key, I.number)
        )
        wanted = None if keys is None else list(keys)
        out: dict[str, list[Iteration]] = {}
        chunks = [None] if wanted is None else [wanted[i : i + 500] for i in range(0, len(wanted), 500)]
        for chunk in chunks:
            q = query if chunk is None else query.where(C.key.in_(chunk))
            for row in self.session.execute(q):
                out.setdefault(row.key, []).append(build_iteration(row, []))
        return out

    def get(self, key: str) -> Cycle:
        row = self.session.execute(select(CycleRow.__table__).where(C.key == key)).first()  # type: ignore[attr-defined]
        if row is None:
            raise NotFoundError(_("no cycle {key!r}").format(key=key))
        its = self.session.execute(
            select(IterationRow.__table__).where(I.cycle_id == row.id).order_by(I.number)  # type: ignore[attr-defined]
        ).all()
        notes: dict[int, list[Note]] = {}
        for n in self.session.execute(
            select(NoteRow.__table__).where(N.cycle_id == row.id).order_by(N.at, N.id)  # type: ignore[attr-defined]
        ):
            notes.setdefault(n.iteration, []).append(Note(id=n.id, at=n.at, author=n.author, text=n.text))
        return Cycle(
            key=row.key,
            name=row.name,
            activity_type=row.activity_type,
            scale=row.scale,
            level=row.level,
            cadence_days=row.cadence_days,
            owner=row.owner,
            owner_email=row.owner_email,
            stakeholders=row.stakeholders,
            description=row.description,
            status=Status(row.status),
            created_at=row.created_at,
            ended_at=row.ended_at,
            iterations=[build_iteration(it, notes.get(it.number, [])) for it in its],
            version=row.version,
        )

    def summaries(self, flt: CycleFilter, today: date) -> list[CycleSummary]:
        """The cycles ``flt`` matches, in the list's order: the SQL text every path that lists
        cycles runs (``storage.direct.queries``), here on this unit of work's connection."""
        connection = self.session.connection()
        mark = "?" if connection.dialect.paramstyle == "qmark" else "%s"
        sql, params = summary_query(flt, today, mark)
        return [CycleSummary.from_row(tuple(r)) for r in connection.exec_driver_sql(sql, tuple(params))]

    def history(self, key: str) -> list[Event]:
        rows = self.session.execute(
            select(EventRow.__table__).where(E.cycle == key).order_by(E.id)  # type: ignore[attr-defined]
        )
        return [
            Event(
                cycle=r.cycle,
                at=r.at,
                actor=r.actor,
                action=r.action,
                summary=r.summary,
                before=r.before,
                after=r.after,
            )
            for r in rows
        ]

    def links(self, key: str) -> list[Link]:
        cid = self._id(key)
        src = CycleRow.__table__.alias("src")  # type: ignore[attr-defined]
        tgt = CycleRow.__table__.alias("tgt")  # type: ignore[attr-defined]
        rows = self.session.execute(
            select(src.c.key, tgt.c.key, L.kind, L.created_at, L.note)
            .join(src, src.c.id == L.source_id)
            .join(tgt, tgt.c.id == L.target_id)
            .where(or_(L.source_id == cid, L.target_id == cid))
            .order_by(L.created_at, L.id)
        )
        return [Link(source=s, target=t, kind=k, created_at=at, note=note) for s, t, k, at, note in rows]

    # -- writing ----------------------------------------------------------------------------

    def apply(self, change: Change, expected_version: int) -> Cycle:
        cycle = change.cycle
        result = self.session.execute(
            update(CycleRow.__table__)  # type: ignore[arg-type, attr-defined]
            .where(C.key == cycle.key, C.version == expected_version)
            .values(**cycle_values(cycle), version=expected_version + 1)
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            current = self.session.execute(select(C.version).where(C.key == cycle.key)).scalar()
            if current is None:
                raise NotFoundError(f"no cycle {cycle.key!r}")
            raise ConflictError(
                _(
                    "{key} was changed by someone else meanwhile (you read version {read}, it is now at "
                    "{now}); reload it and try again"
                ).format(key=cycle.key, read=expected_version, now=current)
            )
        cid = self._id(cycle.key)
        numbers = sorted(set(change.touched) | set(change.removed))
        if numbers:
            self.session.execute(
                delete(NoteRow.__table__).where(N.cycle_id == cid, N.iteration.in_(numbers))  # type: ignore[arg-type, attr-defined]
            )
            self.session.execute(
                delete(IterationRow.__table__).where(I.cycle_id == cid, I.number.in_(numbers))  # type: ignore[arg-type, attr-defined]
            )
        self._insert_iterations(cid, [it for it in cycle.iterations if it.number in change.touched])
        if change.created:
            self.add(change.created, [], [])
        for lk in change.unlinks:
            self._unlink(lk)
        for key in change.deleted:
            self._delete_cycle(key)
        if change.links:
            self._insert_links(change.links)
        # The changed cycle has a new version; new cycles have no stored document yet.
        self._insert_events(change.events, {cycle.key} | {c.key for c in change.created})
        return cycle.model_copy(update={"version": expected_version + 1})

    def add(self, cycles: list[Cycle], links: list[Link], events: list[Event]) -> None:
        if not cycles and not links and not events:
            return
        keys = [c.key for c in cycles]
        taken: list[str] = []
        for chunk in _chunks(keys, 500):
            taken += self.session.execute(select(C.key).where(C.key.in_(chunk))).scalars().all()
        if taken:
            raise TransitionError(
                f"cycle key already in use: {', '.join(sorted(taken)[:5])}"
                + (f" and {len(taken) - 5} more" if len(taken) > 5 else "")
            )
        if cycles:
            insert_rows(self.session, CycleRow.__table__, [cycle_values(c) | {"version": 1} for c in cycles])  # type: ignore[arg-type, attr-defined]
            ids = self._ids(keys)
            its: list[dict[str, Any]] = []
            notes: list[dict[str, Any]] = []
            for c in cycles:
                cid = ids[c.key]
                for it in c.iterations:
                    its.append(iteration_values(cid, it))
                    notes.extend(note_values(cid, it.number, n) for n in it.notes)
            insert_rows(self.session, IterationRow.__table__, its)  # type: ignore[arg-type, attr-defined]
            insert_rows(self.session, NoteRow.__table__, notes)  # type: ignore[arg-type, attr-defined]
        # Every cycle here is new, so none of these links can exist yet: no per-link look-up.
        self._insert_links(links, check_existing=False)
        self._insert_events(events, set(keys))

    def _ids(self, keys: Iterable[str]) -> dict[str, int]:
        ids: dict[str, int] = {}
        for chunk in _chunks(list(keys), 500):
            ids.update(
                (str(k), int(i)) for k, i in self.session.execute(select(C.key, C.id).where(C.key.in_(chunk)))
            )
        return ids

    def _insert_iterations(self, cid: int, its: list[Iteration]) -> None:
        if not its:
            return
        self.session.execute(
            insert(IterationRow.__table__),  # type: ignore[arg-type, attr-defined]
            [iteration_values(cid, it) for it in its],
        )
        notes = [note_values(cid, it.number, n) for it in its for n in it.notes]
        if notes:
            self.session.execute(insert(NoteRow.__table__), notes)  # type: ignore[arg-type, attr-defined]

    def _insert_links(self, links: list[Link], *, check_existing: bool = True) -> None:
        if not links:
            return
        ids = self._ids({k for lk in links for k in (lk.source, lk.target)})
        rows = []
        for lk in links:
            for end in (lk.source, lk.target):
                if end not in ids:
                    raise NotFoundError(f"no cycle {end!r} to link")
            exists = (
                check_existing
                and self.session.execute(
                    select(L.id).where(
                        L.source_id == ids[lk.source],
                        L.target_id == ids[lk.target],
                        L.kind == lk.kind.value,
                    )
                ).first()
            )
            if exists:
                raise TransitionError(
                    _("{source} is already linked {kind} {target}").format(
                        source=lk.source, kind=lk.kind.value, target=lk.target
                    )
                )
            rows.append(
                {
                    "source_id": ids[lk.source],
                    "target_id": ids[lk.target],
                    "kind": lk.kind.value,
                    "created_at": lk.created_at,
                    "note": lk.note,
                }
            )
        insert_rows(self.session, LinkRow.__table__, rows)  # type: ignore[arg-type, attr-defined]

    def _unlink(self, lk: Link) -> None:
        ids = self._ids([lk.source, lk.target])
        if len(ids) == 2:
            self.session.execute(
                delete(LinkRow.__table__).where(  # type: ignore[arg-type, attr-defined]
                    L.source_id == ids[lk.source],
                    L.target_id == ids[lk.target],
                    L.kind == lk.kind.value,
                )
            )

    def _delete_cycle(self, key: str) -> None:
        row = self.session.execute(select(C.id, C.version).where(C.key == key)).first()
        if row is None:
            return
        if row.version != 1:
            raise TransitionError(
                f"the other route {key} has been worked on since; it cannot be removed by undo"
            )
        cid = row.id
        self.session.execute(delete(NoteRow.__table__).where(N.cycle_id == cid))  # type: ignore[arg-type, attr-defined]
        self.session.execute(delete(IterationRow.__table__).where(I.cycle_id == cid))  # type: ignore[arg-type, attr-defined]
        self.session.execute(
            delete(LinkRow.__table__).where(or_(L.source_id == cid, L.target_id == cid))  # type: ignore[arg-type, attr-defined]
        )
        forget_ids(self.session, [cid])  # ON DELETE CASCADE as well; explicit for any connection
        self.session.execute(delete(CycleRow.__table__).where(C.id == cid))  # type: ignore[arg-type, attr-defined]

    def _insert_events(self, events: list[Event], renewed: set[str]) -> None:
        """Insert ``events``; the stored export documents of their cycles other than ``renewed``
        (cycles with a new version, or new) no longer hold the whole history: deleted."""
        insert_rows(self.session, EventRow.__table__, [event_values(e) for e in events])  # type: ignore[arg-type, attr-defined]
        others = {e.cycle for e in events} - renewed
        if others:
            forget_keys(self.session, others)


def _chunks(items: list[Any], size: int) -> Iterable[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
