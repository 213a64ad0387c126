"""Reminder claims: how each reminder is sent once, whatever number of processes sweep.

A sweep reads its candidates with one query over the indexed ``cycle.due_on`` column, joined to
``reminder_state`` so that cycles with nothing new owed are skipped by the database
(``storage.reminders.scan``). Each owed
reminder is then *claimed* by inserting its unique row (``INSERT ... ON CONFLICT DO NOTHING``) in a
write transaction, before anything is sent; only the process whose insert (or whose update of an
expired or released claim) took the row sends it, and marks it sent afterwards. A failed delivery
releases the claim with a retry time; a crashed sender's lease expires. Sending happens outside
any transaction, so a transaction that ``Store.write`` retries never sends.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, or_, select, update
from sqlmodel import Session

from cycles.errors import NotFoundError, TransitionError
from cycles.model import Status
from cycles.reminders import Policy, Reminder
from storage.reminders.records import Candidate, Claim, InboxEntry, Record
from storage.reminders.rows import (
    MARK_SENT,
    RECLAIM,
    REMINDER,
    STATE,
    chunks,
    claim_row,
    ident,
    insert_rows,
    key_params,
    same,
    upsert_states,
)
from storage.reminders.scan import CandidateScan
from storage.schema.tables import CycleRow, EventRow, ReminderRow, ReminderStateRow
from storage.units.repository import SqlCycleRepository
from storage.units.store import Store

C = CycleRow.__table__.c  # type: ignore[attr-defined]
R = ReminderRow.__table__.c  # type: ignore[attr-defined]
S = ReminderStateRow.__table__.c  # type: ignore[attr-defined]
E = EventRow.__table__.c  # type: ignore[attr-defined]

LEASE = timedelta(minutes=15)  # how long a claim is held before another process may take it over
FIRST_RETRY = timedelta(minutes=5)
MAX_RETRY = timedelta(hours=6)
RESCAN = timedelta(hours=1)  # an idle sweep reads the candidates again at least this often


def retry_delay(attempts: int) -> timedelta:
    """Back off after a failed delivery: 5 minutes, doubling, at most 6 hours."""
    return min(FIRST_RETRY * 2 ** max(0, attempts - 1), MAX_RETRY)


class ReminderStore:
    """Reads and claims reminders in the database of ``store`` under ``policy``."""

    def __init__(self, store: Store, policy: Policy) -> None:
        self.store = store
        self.policy = policy
        self._candidates = CandidateScan(policy)
        # (last_day, newest event id, with_email, when) of the last scan that found nothing owed
        self._quiet: tuple[date, Any, bool, datetime] | None = None

    # -- reading ----------------------------------------------------------------------------

    def owed(self, now: datetime, *, with_email: bool = True) -> list[tuple[Candidate, Reminder]]:
        """The reminders owed at ``now`` that are not yet sent or acknowledged.

        After a scan that found nothing owed, later ones look only at what may have changed, as
        long as the reminder day (``last_day``) is the same and at most ``RESCAN`` has passed:
        nothing at all when no cycle changed, else only the cycles changed since. Every change
        to a cycle, by any process, writes an event, so the events past the newest id seen say
        which. (Claims, snoozes and acknowledgements only ever make fewer reminders owed.)
        """
        last_day = self.policy.last_day(now)
        with self.store.read() as repo:
            session = repo.session
            # Read before the scan: a change committed in between is then seen at the next sweep.
            mark = session.execute(select(func.max(E.id))).scalar()
            quiet = self._quiet
            keys: list[str] | None = None
            if (
                quiet is not None
                and quiet[0] == last_day
                and quiet[2] == with_email
                and timedelta(0) <= now - quiet[3] < RESCAN
            ):
                if mark == quiet[1]:
                    return []
                since = quiet[1] if quiet[1] is not None else -1
                # By id, not DISTINCT: a range over the primary key, not a scan of the events.
                changed = session.execute(select(E.cycle).where(E.id > since).order_by(E.id).limit(501))
                events = list(changed.scalars())
                keys = sorted(set(events))
                if len(events) > 500:
                    keys = None  # an import or a bulk change: look at everything
            candidates = self._candidates.scan(session, now, only_new=True, with_email=with_email, keys=keys)
        out: list[tuple[Candidate, Reminder]] = []
        settle: list[tuple[Candidate, int | None]] = []
        for c in candidates:
            reminder = self._owed(c, now)
            if reminder is not None:
                out.append((c, reminder))
            else:
                # Nothing owed yet (its first reminder day is ahead), or its claim rows say all
                # is handled: record its state so that the next sweeps skip it until its day.
                settle.append((c, c.done))
        if settle:
            self.store.write(lambda repo: self._advance_many(repo.session, settle, now))
        if out:
            self._quiet = None
        elif keys is None or quiet is None:
            self._quiet = (last_day, mark, with_email, now)
        else:
            self._quiet = (last_day, mark, with_email, quiet[3])  # RESCAN counts from a full scan
        return out

    def _owed(self, c: Candidate, now: datetime, *, include_done: bool = False) -> Reminder | None:
        return self.policy.owed(
            cycle=c.key,
            iteration=c.iteration,
            due_on=c.due_on,
            cadence_days=c.cadence_days,
            now=now,
            done=None if include_done else c.done,
            snoozed_until=c.snoozed_until,
        )

    def inbox(self, now: datetime) -> list[InboxEntry]:
        """Every cycle's latest reminder reached at ``now`` that is not acknowledged or snoozed,
        sent or not (the in-app channel does not depend on email)."""
        with self.store.read() as repo:
            candidates = self._candidates.scan(repo.session, now, only_new=False, with_email=True)
        out = []
        for c in candidates:
            r = self._owed(c, now, include_done=True)
            if r is None or (c.acknowledged is not None and r.occurrence <= c.acknowledged):
                continue
            sent = c.done is not None and r.occurrence <= c.done
            out.append(
                InboxEntry(
                    c.key, c.name, c.owner, c.iteration, c.due_on, r.kind, r.occurrence, r.send_at, sent
                )
            )
        out.sort(key=lambda e: (e.due_on, e.cycle))
        return out

    def records(self, now: datetime, *, days: int = 30) -> list[Record]:
        """Claim rows still open (claimed or retrying) and those sent or acknowledged in the last
        ``days`` days, newest first."""
        since = now - timedelta(days=days)
        query = (
            select(REMINDER)
            .where(
                or_(
                    and_(R.sent_at.is_(None), R.acknowledged_at.is_(None)),
                    R.sent_at >= since,
                    R.acknowledged_at >= since,
                )
            )
            .order_by(R.send_at.desc(), R.cycle)
        )
        with self.store.read() as repo:
            rows = repo.session.execute(query).all()
        out = []
        for r in rows:
            if r.acknowledged_at is not None:
                status = "acknowledged"
            elif r.sent_at is not None:
                status = "sent"
            elif r.claimed_by is not None and r.lease_until is not None and r.lease_until > now:
                status = "claimed"
            else:
                status = "retrying"
            out.append(
                Record(
                    r.cycle,
                    r.iteration,
                    r.due_on,
                    r.kind,
                    r.occurrence,
                    r.send_at,
                    r.recipient,
                    status,
                    r.attempts,
                    r.sent_at,
                    r.channels,
                    r.last_error,
                    r.claimed_by,
                )
            )
        return out

    # -- claiming -----------------------------------------------------------------------------

    def claim(self, owed: Sequence[tuple[Candidate, Reminder]], now: datetime, token: str) -> list[Claim]:
        """Claim ``owed`` in one transaction; returns the ones this process now holds.

        A reminder is taken when its row is new (the insert's unique key decides between
        processes), or when it exists unsent and unacknowledged with its lease (a crashed
        sender's) or its retry time passed. Everything else belongs to someone else, or is done.
        """
        if not owed:
            return []
        by_key = {ident(r): (c, r) for c, r in owed}

        def work(repo: SqlCycleRepository) -> list[Claim]:
            session = repo.session
            lease = now + LEASE
            # Take over the claimable rows that exist, then insert the rows that do not. In this
            # order the update cannot touch a row this transaction has just inserted.
            session.execute(
                RECLAIM,
                [key_params(r) | {"b_token": token, "b_now": now, "b_lease": lease} for _, r in owed],
            )
            insert_rows(session, [claim_row(c, r, now, token, LEASE) for c, r in owed])
            claims: list[Claim] = []
            for chunk in chunks(sorted({c.key for c, _ in owed}), 500):
                mine = session.execute(
                    select(R.id, R.cycle, R.iteration, R.due_on, R.occurrence, R.attempts).where(
                        R.cycle.in_(chunk), R.claimed_by == token, R.sent_at.is_(None)
                    )
                )
                for row_id, cycle, iteration, due_on, occurrence, attempts in mine:
                    found = by_key.get((cycle, iteration, due_on, occurrence))
                    if found is not None:
                        claims.append(Claim(int(row_id), token, found[1], found[0], int(attempts)))
            return claims

        return self.store.write(work)

    def waiting(self, owed: Sequence[tuple[Candidate, Reminder]], now: datetime) -> int:
        """How many of ``owed`` wait for the retry of a failed delivery (released, unsent, their
        back-off not over at ``now``)."""
        if not owed:
            return 0
        wanted = {ident(r) for _, r in owed}
        count = 0
        with self.store.read() as repo:
            for chunk in chunks(sorted({c.key for c, _ in owed}), 500):
                rows = repo.session.execute(
                    select(R.cycle, R.iteration, R.due_on, R.occurrence).where(
                        R.cycle.in_(chunk),
                        R.claimed_by.is_(None),
                        R.sent_at.is_(None),
                        R.lease_until > now,
                    )
                )
                count += sum(1 for row in rows if tuple(row) in wanted)
        return count

    def mark_sent(self, claims: Iterable[Claim], now: datetime, channels: dict[int, str]) -> int:
        """Mark delivered claims sent and move each cycle's state past them; returns how many were
        still held (a claim another process took over after the lease is left to it)."""
        claims = list(claims)
        if not claims:
            return 0

        def work(repo: SqlCycleRepository) -> int:
            session = repo.session
            held: set[int] = set()
            for token in {c.token for c in claims}:
                ids = [c.id for c in claims if c.token == token]
                for chunk in chunks(ids, 500):
                    held.update(
                        session.execute(
                            select(R.id).where(R.id.in_(chunk), R.claimed_by == token, R.sent_at.is_(None))
                        ).scalars()
                    )
            if held:
                session.execute(
                    MARK_SENT,
                    [
                        {"b_id": c.id, "b_now": now, "b_channels": channels.get(c.id, "")}
                        for c in claims
                        if c.id in held
                    ],
                )
            # Delivered is delivered, held or not: the state moves on for every one of them.
            self._advance_many(session, [(c.candidate, c.reminder.occurrence) for c in claims], now)
            return len(held)

        return self.store.write(work)

    def release(self, claim: Claim, now: datetime, error: str) -> None:
        """Give a claim back after a failed delivery; it is retried after a back-off."""

        def work(repo: SqlCycleRepository) -> None:
            repo.session.execute(
                update(REMINDER)
                .where(R.id == claim.id, R.claimed_by == claim.token, R.sent_at.is_(None))
                .values(
                    claimed_by=None,
                    lease_until=now + retry_delay(claim.attempts),
                    last_error=error[:500],
                )
            )

        self.store.write(work)

    def _advance_many(
        self,
        session: Session,
        handled: Sequence[tuple[Candidate, int | None]],
        now: datetime,
        *,
        acknowledged: bool = False,
        snooze: tuple[date, str] | None = None,
    ) -> None:
        """Record that these occurrences of the cycles' current evaluations are handled (sent or,
        with ``acknowledged``, seen; None: only the state), or with ``snooze`` that reminders wait
        until a day."""
        keys = sorted({c.key for c, _ in handled})
        states: dict[str, Any] = {}
        for chunk in chunks(keys, 500):
            states.update(
                (row.cycle, row) for row in session.execute(select(STATE).where(S.cycle.in_(chunk)))
            )
        values: dict[str, dict[str, Any]] = {}
        for c, occurrence in handled:
            row = states.get(c.key)
            if c.key in values:  # the same cycle twice in one batch: build on the first
                prev = values[c.key]
                done, acked = prev["done"], prev["acknowledged"]
                until, by = prev["snoozed_until"], prev["snoozed_by"]
            elif row is not None and row.iteration == c.iteration and row.due_on == c.due_on:
                done, acked, until, by = row.done, row.acknowledged, row.snoozed_until, row.snoozed_by
            else:
                done = acked = until = by = None
            if snooze is not None:
                until, by = snooze
            elif occurrence is not None:
                done = occurrence if done is None else max(done, occurrence)
                if acknowledged:
                    acked = occurrence if acked is None else max(acked, occurrence)
            next_day = self.policy.next_day(
                due_on=c.due_on, cadence_days=c.cadence_days, after=done, snoozed_until=until
            )
            values[c.key] = {
                "cycle": c.key,
                "iteration": c.iteration,
                "due_on": c.due_on,
                "done": done,
                "acknowledged": acked,
                "next_day": next_day,
                "snoozed_until": until,
                "snoozed_by": by,
                "updated_at": now,
            }
        upsert_states(session, list(values.values()))

    # -- user actions -------------------------------------------------------------------------

    def _current(self, session: Session, key: str) -> Candidate:
        row = session.execute(
            select(
                C.key, C.name, C.owner, C.owner_email, C.iteration, C.due_on, C.cadence_days, C.status
            ).where(C.key == key)
        ).first()
        if row is None:
            raise NotFoundError(f"no cycle {key!r}")
        if row.status != Status.ACTIVE.value or row.due_on is None:
            raise TransitionError(f"{key}: no evaluation is awaited, so there is no reminder to act on")
        state = session.execute(select(STATE).where(S.cycle == key)).first()
        current = state is not None and state.iteration == row.iteration and state.due_on == row.due_on
        return Candidate(
            row.key, row.name, row.owner, row.owner_email, row.iteration, row.due_on, row.cadence_days,
            state.done if current else None,  # type: ignore[union-attr]
            state.acknowledged if current else None,  # type: ignore[union-attr]
            state.snoozed_until if current else None,  # type: ignore[union-attr]
        )  # fmt: skip

    def snooze(self, key: str, days: int, now: datetime, actor: str) -> date:
        """Silence the cycle's reminders until ``days`` days from today; returns that day."""
        until = self.policy.snooze_until(now, days)

        def work(repo: SqlCycleRepository) -> date:
            c = self._current(repo.session, key)
            self._advance_many(repo.session, [(c, None)], now, snooze=(until, actor[:120]))
            return until

        return self.store.write(work)

    def acknowledge(self, key: str, now: datetime, actor: str) -> Reminder | None:
        """Mark the cycle's latest reminder reached as seen: it leaves the inbox and, if not yet
        sent, is not sent. Returns it, or None when no reminder has been reached."""

        def work(repo: SqlCycleRepository) -> Reminder | None:
            session = repo.session
            c = self._current(session, key)
            reminder = self._owed(c, now, include_done=True)
            if reminder is None:
                return None
            insert_rows(session, [claim_row(c, reminder, now, None, LEASE)])
            session.execute(
                update(REMINDER)
                .where(*same(reminder), R.acknowledged_at.is_(None))
                .values(acknowledged_at=now, acknowledged_by=actor[:120])
            )
            self._advance_many(session, [(c, reminder.occurrence)], now, acknowledged=True)
            return reminder

        return self.store.write(work)
