"""Sweeps against a real SMTP server on 127.0.0.1, with time passed in: each reminder once."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest

from storage.workspace import Workspace
from tests.reminders.conftest import SmtpServer, add_cycle, free_port, local, make_settings, sweeper
from tui.reminders.channels import DesktopChannel
from tui.settings import Settings

DUE = date(2026, 3, 16)


def every(start: datetime, end: datetime, step: timedelta) -> list[datetime]:
    out = []
    while start <= end:
        out.append(start)
        start += step
    return out


def test_upcoming_due_and_overdue_each_sent_once(
    workspace: Workspace, smtp: SmtpServer, settings: Settings
) -> None:
    add_cycle(workspace, "nano", DUE)
    sent_at: dict[str, datetime] = {}
    first, last = local(DUE - timedelta(days=4), 0), local(DUE + timedelta(days=9), 0)
    for now in every(first, last, timedelta(hours=3)):
        for _ in range(2):  # a second sweep at the same moment finds nothing to do
            report = sweeper(workspace, settings).sweep(now)
            assert not report.failed
            for d in report.sent:
                sent_at[f"{d.reminder.kind.value}{d.reminder.occurrence:+d}"] = now
    assert smtp.mailbox.idents() == [
        "nano/1/2026-03-16/-2",
        "nano/1/2026-03-16/0",
        "nano/1/2026-03-16/1",
        "nano/1/2026-03-16/8",
    ]
    # Each at 09:00 on its day (one of the sweeps, every 3 hours from midnight).
    assert sent_at == {
        "upcoming-2": local(DUE - timedelta(days=2)),
        "due+0": local(DUE),
        "overdue+1": local(DUE + timedelta(days=1)),
        "overdue+8": local(DUE + timedelta(days=8)),
    }
    subjects = [str(m["Subject"]) for m in smtp.mailbox.messages]
    assert subjects == [
        "Evaluation of Cycle nano due in 2 days (2026-03-16)",
        "Evaluation of Cycle nano is due today",
        "Evaluation of Cycle nano is 1 day overdue",
        "Evaluation of Cycle nano is 8 days overdue",
    ]
    mail = smtp.mailbox.messages[0]
    assert mail["To"] == "Ann <nano@example.org>"
    assert "cycles evaluate nano" in str(mail.get_payload())
    assert mail["Message-ID"] == "<reminder.nano.1.2026-03-16.-2@localhost>"


def test_stopped_past_the_due_time_and_restarted_sends_once(
    workspace: Workspace, smtp: SmtpServer, settings: Settings
) -> None:
    add_cycle(workspace, "nano", DUE)
    add_cycle(workspace, "visit", DUE - timedelta(days=20), activity_type="company-visit")
    # Nothing ran from well before the upcoming day until three days after the due date.
    restarted = local(DUE + timedelta(days=3), 7, 30)
    report = sweeper(workspace, settings).sweep(restarted)
    assert sorted(f"{d.reminder.cycle}:{d.reminder.occurrence}" for d in report.sent) == [
        "nano:1",  # the latest reminder reached, not every one missed
        "visit:22",  # its weekly overdue reminder of yesterday 09:00, the latest reached
    ]
    for minutes in (0, 5, 60):  # a restarted service, another board, the next tick
        assert sweeper(workspace, settings).sweep(restarted + timedelta(minutes=minutes)).sent == []
    assert len(smtp.mailbox.messages) == 2


def test_overdue_repeats_only_after_its_interval(workspace: Workspace, smtp: SmtpServer) -> None:
    settings = make_settings(smtp.port, overdue_every_days=3)
    add_cycle(workspace, "nano", DUE)
    for day in range(1, 11):
        for hour in (9, 15):
            sweeper(workspace, settings).sweep(local(DUE + timedelta(days=day), hour))
    assert [i.rsplit("/", 1)[1] for i in smtp.mailbox.idents()] == ["1", "4", "7", "10"]


def test_a_snooze_is_respected(workspace: Workspace, smtp: SmtpServer, settings: Settings) -> None:
    add_cycle(workspace, "nano", DUE)
    s = sweeper(workspace, settings)
    s.sweep(local(DUE, 9, 1))
    assert len(smtp.mailbox.messages) == 1
    until = s.reminders.snooze("nano", 3, local(DUE, 10), "ann")
    assert until == DUE + timedelta(days=3)
    for now in every(local(DUE, 10), local(until, 8, 59), timedelta(hours=1)):
        assert s.sweep(now).sent == []
    assert len(smtp.mailbox.messages) == 1
    assert [d.reminder.occurrence for d in s.sweep(local(until)).sent] == [3]
    assert s.sweep(local(until, 12)).sent == []
    assert len(smtp.mailbox.messages) == 2


def test_a_refusing_server_leaves_it_unsent_and_it_is_retried(
    workspace: Workspace, smtp: SmtpServer, settings: Settings
) -> None:
    add_cycle(workspace, "nano", DUE)
    s = sweeper(workspace, settings)  # one long-running service
    now = local(DUE, 9, 1)
    smtp.mailbox.refuse = True
    report = s.sweep(now)
    assert report.sent == [] and len(report.failed) == 1
    assert "554" in report.failed[0][2]
    (record,) = s.reminders.records(now)
    assert record.status == "retrying" and record.sent_at is None and record.attempts == 1
    smtp.mailbox.refuse = False
    # Held back for its retry delay, so a busy sweep loop does not hammer the server.
    assert s.sweep(now + timedelta(minutes=1)).failed == []
    assert smtp.mailbox.messages == []
    report = s.sweep(now + timedelta(minutes=5))
    assert len(report.sent) == 1
    for minutes in (6, 30, 600):
        assert s.sweep(now + timedelta(minutes=minutes)).sent == []
        assert sweeper(workspace, settings).sweep(now + timedelta(minutes=minutes)).sent == []
    assert smtp.mailbox.idents() == ["nano/1/2026-03-16/0"]
    (record,) = s.reminders.records(now + timedelta(minutes=5))
    assert record.status == "sent" and record.attempts == 2


def test_a_closed_port_leaves_it_unsent_until_a_server_listens(workspace: Workspace) -> None:
    port = free_port()
    settings = make_settings(port)
    add_cycle(workspace, "nano", DUE)
    now = local(DUE, 9, 1)
    report = sweeper(workspace, settings).sweep(now)
    assert len(report.failed) == 1 and "ConnectionRefusedError" in report.failed[0][2]
    server = SmtpServer(port).start()
    try:
        assert len(sweeper(workspace, settings).sweep(now + timedelta(minutes=5)).sent) == 1
        assert sweeper(workspace, settings).sweep(now + timedelta(minutes=10)).sent == []
        assert len(server.mailbox.messages) == 1
    finally:
        server.stop()


def test_without_smtp_owners_with_an_address_wait_for_a_sender(
    workspace: Workspace, smtp: SmtpServer, settings: Settings
) -> None:
    add_cycle(workspace, "mail", DUE)
    add_cycle(workspace, "nomail", DUE, email="")
    now = local(DUE, 9, 1)
    report = sweeper(workspace, make_settings(None)).sweep(now)
    assert [(d.reminder.cycle, d.channels) for d in report.sent] == [("nomail", ("inbox",))]
    report = sweeper(workspace, settings).sweep(now)
    assert [d.reminder.cycle for d in report.sent] == ["mail"]
    assert smtp.mailbox.idents() == ["mail/1/2026-03-16/0"]


def test_the_email_is_in_the_owners_language(workspace: Workspace, smtp: SmtpServer) -> None:
    settings = make_settings(smtp.port)
    settings.reminders.languages = {"nl@example.org": "nl"}
    add_cycle(workspace, "nl", DUE)
    add_cycle(workspace, "en", DUE)
    sweeper(workspace, settings).sweep(local(DUE, 9, 1))
    langs = {str(m["To"]): str(m["Content-Language"]) for m in smtp.mailbox.messages}
    assert langs == {"Ann <nl@example.org>": "nl", "Ann <en@example.org>": "en"}


class FakeNotifier:
    def __init__(self, fail: bool = False) -> None:
        self.fail = fail
        self.sent: list[dict[str, Any]] = []

    def send(self, **kw: Any) -> None:
        if self.fail:
            raise RuntimeError("no notification daemon")
        self.sent.append(kw)


def test_desktop_notifications_are_best_effort(
    workspace: Workspace, smtp: SmtpServer, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    assert DesktopChannel.available() is None  # no session bus: silently none
    add_cycle(workspace, "a", DUE)
    add_cycle(workspace, "b", DUE)
    s = sweeper(workspace, settings)
    notifier = FakeNotifier()
    s.desktop = DesktopChannel(notifier)
    report = s.sweep(local(DUE, 9, 1))
    assert {d.channels for d in report.sent} == {("email", "desktop", "inbox")}
    assert len(notifier.sent) == 2
    broken = DesktopChannel(FakeNotifier(fail=True))
    assert broken.notify("t", "b") is False and broken.notify("t", "b") is False
