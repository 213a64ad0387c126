"""The sweep: find what is owed, claim it, deliver it, record it. Time is always passed in.

Every process that sweeps (``cycles remind``, each open board) runs this same function; the
database claim in ``storage.reminders.claims`` decides which of them sends a reminder, so a reminder is
sent once however many sweep, and one that fell due while nothing ran is sent at the next sweep.
"""

from __future__ import annotations

import logging
import time as _time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from cycles.community import Community
from cycles.reminders import Policy, Reminder
from storage.records import Candidate, Claim, new_token
from tui.reminders import message
from tui.reminders.channels import DeliveryError, DesktopChannel, EmailChannel
from tui.settings import ReminderSettings, Settings

if TYPE_CHECKING:
    from storage.workspace import ReminderStore, Workspace

log = logging.getLogger(__name__)

CHUNK = 50  # reminders claimed per transaction; a chunk is delivered well within one lease


def policy_for(community: Community, settings: ReminderSettings) -> Policy:
    """The community's reminder time and zone with the configured lead and repeat."""
    return Policy(
        zone=community.zone,
        send_time=community.community.reminder_time,
        lead_fraction=settings.lead_fraction,
        lead_min_days=settings.lead_min_days,
        lead_max_days=settings.lead_max_days,
        overdue_every_days=settings.overdue_every_days,
    )


@dataclass(frozen=True, slots=True)
class Delivered:
    """A reminder this sweep sent, and through which channels."""

    candidate: Candidate
    reminder: Reminder
    channels: tuple[str, ...]


@dataclass
class SweepReport:
    now: datetime
    owed: int = 0  # owed and not yet handled when the sweep looked
    sent: list[Delivered] = field(default_factory=list)
    failed: list[tuple[Candidate, Reminder, str]] = field(default_factory=list)
    retrying: int = 0  # owed, waiting for the retry of an earlier failed delivery
    seconds: float = 0.0

    @property
    def taken_elsewhere(self) -> int:
        """Owed reminders another process held or had sent."""
        return self.owed - len(self.sent) - len(self.failed) - self.retrying


class Sweeper:
    """One process's sweeps over one database."""

    def __init__(
        self,
        reminders: ReminderStore,
        settings: Settings,
        *,
        email: EmailChannel | None = None,
        desktop: DesktopChannel | None = None,
    ) -> None:
        self.reminders = reminders
        self.settings = settings
        self.email = email
        self.desktop = desktop

    @classmethod
    def build(cls, workspace: Workspace, settings: Settings) -> Sweeper:
        """A sweeper with the channels the settings and the machine allow."""
        email = EmailChannel(settings.smtp) if settings.smtp.host else None
        desktop = DesktopChannel.available() if settings.reminders.desktop else None
        reminders = workspace.reminders(policy_for(workspace.community, settings.reminders))
        return cls(reminders, settings, email=email, desktop=desktop)

    @property
    def policy(self) -> Policy:
        return self.reminders.policy

    def sweep(self, now: datetime) -> SweepReport:
        """Send every reminder owed at ``now`` that no process has sent; never raises for a
        failed delivery (it is recorded and retried), only for an unusable database."""
        started = _time.perf_counter()
        # Without SMTP this process leaves owners who have an address to a process that has it.
        owed = self.reminders.owed(now, with_email=self.email is not None)
        report = SweepReport(now=now, owed=len(owed))
        token = new_token()
        try:
            for start in range(0, len(owed), CHUNK):
                part = owed[start : start + CHUNK]
                claims = self.reminders.claim(part, now, token)
                if len(claims) < len(part):  # the rest: another process's, or waiting to be retried
                    report.retrying += self.reminders.waiting(part, now)
                self._deliver(claims, now, report)
        finally:
            if self.email is not None:
                self.email.close()
        report.seconds = _time.perf_counter() - started
        return report

    def _deliver(self, claims: Sequence[Claim], now: datetime, report: SweepReport) -> None:
        pending: list[Claim] = []
        channels: dict[int, str] = {}

        def flush() -> None:
            if pending:
                self.reminders.mark_sent(pending, now, channels)
                pending.clear()

        zone = self.policy.zone
        for claim in claims:
            c, r = claim.candidate, claim.reminder
            used: list[str] = []
            if c.owner_email and self.email is not None:
                try:
                    self.email.send(message.email(c, r, now, zone, self.settings))
                except DeliveryError as exc:
                    log.warning("reminder for %s not delivered: %s", c.key, exc)
                    self.reminders.release(claim, now, str(exc))
                    report.failed.append((c, r, str(exc)))
                    continue
                used.append("email")
            if self.desktop is not None:
                title, body = message.texts(c, r, now, zone, message.owner_language(c, self.settings))
                if self.desktop.notify(title, body):
                    used.append("desktop")
            used.append("inbox")
            channels[claim.id] = ",".join(used)
            pending.append(claim)
            report.sent.append(Delivered(c, r, tuple(used)))
            if "email" in used:
                # Record each email at once: a crash now can resend at most this one.
                flush()
        flush()
