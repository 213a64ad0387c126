"""The reminder sweep's candidates: the cycles awaiting an evaluation due within the longest lead
time, read with one query over the indexed ``cycle.due_on`` column joined to ``reminder_state``, so
that cycles with nothing new owed are skipped by the database (see ``storage.reminders.claims``)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Date, bindparam, case, func, or_, select
from sqlmodel import Session

from cycles.model import Status
from cycles.reminders import Policy
from storage.reminders.records import Candidate
from storage.reminders.rows import STATE, chunks
from storage.schema.tables import CycleRow, ReminderRow, ReminderStateRow

C = CycleRow.__table__.c  # type: ignore[attr-defined]
R = ReminderRow.__table__.c  # type: ignore[attr-defined]
S = ReminderStateRow.__table__.c  # type: ignore[attr-defined]


class CandidateScan:
    """The candidate queries under ``policy``, each variant built once."""

    def __init__(self, policy: Policy) -> None:
        self.policy = policy
        self._queries: dict[tuple[bool, bool, bool], Any] = {}

    def _scan_query(self, *, only_new: bool, with_email: bool, keyed: bool = False) -> Any:
        """The candidate query, built once per variant; dates come in as bind parameters.

        Candidates are the cycles awaiting an evaluation due within the longest lead time.
        ``only_new`` keeps those whose state says a reminder day has come that is not handled
        yet, or that have no current state (new, or in a new iteration), so a sweep reads only
        what needs a look: the state of a cycle whose first reminder day is still ahead is
        recorded too.
        """
        variant = (only_new, with_email, keyed)
        if variant not in self._queries:
            query = (
                select(
                    C.key,
                    C.name,
                    C.owner,
                    C.owner_email,
                    C.iteration,
                    C.due_on,
                    C.cadence_days,
                    S.iteration.label("s_iteration"),
                    S.due_on.label("s_due_on"),
                    S.done,
                    S.acknowledged,
                    S.snoozed_until,
                )
                .select_from(CycleRow.__table__.outerjoin(STATE, S.cycle == C.key))  # type: ignore[attr-defined]
                .where(
                    C.status == Status.ACTIVE.value,
                    C.due_on.is_not(None),
                    C.due_on <= bindparam("horizon", type_=Date),
                )
            )
            if only_new:
                query = query.where(
                    or_(
                        S.cycle.is_(None),
                        S.iteration != C.iteration,
                        S.due_on != C.due_on,
                        S.next_day.is_(None),
                        S.next_day <= bindparam("last_day", type_=Date),
                    )
                )
            if not with_email:
                # A process that cannot send email leaves owners who have an address to one that can.
                query = query.where(C.owner_email == "")
            if keyed:
                query = query.where(C.key.in_(bindparam("keys", expanding=True)))
            self._queries[variant] = query
        return self._queries[variant]

    def scan(
        self,
        session: Session,
        now: datetime,
        *,
        only_new: bool,
        with_email: bool,
        keys: list[str] | None = None,
    ) -> list[Candidate]:
        last_day = self.policy.last_day(now)
        horizon = last_day + timedelta(days=self.policy.lead_max_days)
        params: dict[str, Any] = {"horizon": horizon, "last_day": last_day}
        query = self._scan_query(only_new=only_new, with_email=with_email, keyed=keys is not None)
        if not only_new:
            params.pop("last_day")
        if keys is not None:
            params["keys"] = keys
        rows = session.execute(query, params).all()
        stale = [r.key for r in rows if r.s_iteration != r.iteration or r.s_due_on != r.due_on]
        handled = _handled(session, stale) if stale else {}
        out: list[Candidate] = []
        for r in rows:
            if r.s_iteration == r.iteration and r.s_due_on == r.due_on:
                done, acked, snooze = r.done, r.acknowledged, r.snoozed_until
            else:
                done, acked = handled.get((r.key, r.iteration, r.due_on), (None, None))
                snooze = None  # a snooze of another iteration does not carry over
            out.append(
                Candidate(
                    r.key,
                    r.name,
                    r.owner,
                    r.owner_email,
                    r.iteration,
                    r.due_on,
                    r.cadence_days,
                    done,
                    acked,
                    snooze,
                )
            )
        return out


def _handled(session: Session, keys: list[str]) -> dict[tuple[str, int, date], tuple[Any, Any]]:
    """Latest occurrence sent or acknowledged, and latest acknowledged, from the claim rows."""
    out: dict[tuple[str, int, date], tuple[Any, Any]] = {}
    acked = func.max(case((R.acknowledged_at.is_not(None), R.occurrence)))
    for chunk in chunks(keys, 500):
        query = (
            select(R.cycle, R.iteration, R.due_on, func.max(R.occurrence), acked)
            .where(R.cycle.in_(chunk), or_(R.sent_at.is_not(None), R.acknowledged_at.is_not(None)))
            .group_by(R.cycle, R.iteration, R.due_on)
        )
        for cycle, iteration, due_on, latest, latest_acked in session.execute(query):
            out[(cycle, iteration, due_on)] = (latest, latest_acked)
    return out
