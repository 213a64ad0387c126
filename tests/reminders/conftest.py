"""Fixtures for the reminder tests: a real SMTP server on 127.0.0.1, workspaces with cycles due on
chosen days, and sweepers whose time is always passed in."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from email import message_from_bytes
from email.message import Message
from typing import Any

import pytest

from cycles.cadence import at_local
from cycles.community import Community
from storage.units.store import Store
from storage.workspace import Workspace
from tests.conftest import FrozenClock
from tui.reminders.sweep import Sweeper
from tui.settings import ReminderSettings, Settings, SmtpSettings

AMS = "Europe/Amsterdam"


def free_port() -> int:
    """A port nothing listens on right now (aiosmtpd's Controller cannot take port 0)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Mailbox:
    """An aiosmtpd handler that keeps what it accepts, or refuses everything with a 5xx."""

    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.refuse = False
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.refuse:
            return "554 5.7.1 Message refused for the test"
        with self.lock:
            self.messages.append(message_from_bytes(envelope.content))
        return "250 OK"

    def idents(self) -> list[str]:
        with self.lock:
            return [str(m["X-Learning-Cycles-Reminder"]) for m in self.messages]


class SmtpServer:
    def __init__(self, port: int) -> None:
        from aiosmtpd.controller import Controller

        self.port = port
        self.mailbox = Mailbox()
        self.controller = Controller(self.mailbox, hostname="127.0.0.1", port=port)

    def start(self) -> SmtpServer:
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer(free_port()).start()
    yield server
    server.stop()


def make_settings(port: int | None, **reminders: Any) -> Settings:
    smtp = SmtpSettings(host="127.0.0.1", port=port, security="none", timeout=5) if port else SmtpSettings()
    return Settings(
        smtp=smtp,
        reminders=ReminderSettings(desktop=False, **reminders),
    )


@pytest.fixture
def settings(smtp: SmtpServer) -> Settings:
    return make_settings(smtp.port)


@pytest.fixture
def start() -> datetime:
    return datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


@pytest.fixture
def workspace(db_url: str, community: Community, start: datetime) -> Iterator[Workspace]:
    store = Store.open(db_url)
    yield Workspace(store, community, actor="ann", clock=FrozenClock(start))
    store.close()


@pytest.fixture
def sqlite_workspace(sqlite_url: str, community: Community, start: datetime) -> Iterator[Workspace]:
    store = Store.open(sqlite_url)
    yield Workspace(store, community, actor="ann", clock=FrozenClock(start))
    store.close()


def add_cycle(
    workspace: Workspace,
    key: str,
    due: date,
    *,
    activity_type: str = "nanomodule",
    email: str | None = None,
    owner: str = "Ann",
) -> None:
    """A cycle whose first evaluation is due on ``due``: created one cadence before it."""
    clock = workspace.clock
    assert isinstance(clock, FrozenClock)
    saved = clock.now
    cadence = workspace.community.default_cadence(activity_type)
    clock.set(at_local(due - timedelta(days=cadence), time(10, 0), workspace.community.zone))
    try:
        cycle = workspace.create(
            name=f"Cycle {key}",
            key=key,
            activity_type=activity_type,
            owner=owner,
            owner_email=f"{key}@example.org" if email is None else email,
        )
        assert cycle.due_on == due
    finally:
        clock.set(saved)


def local(day: date, hour: int = 9, minute: int = 0, zone: Any = None) -> datetime:
    """``hour:minute`` on ``day`` in Amsterdam, as UTC."""
    from zoneinfo import ZoneInfo

    return at_local(day, time(hour, minute), zone or ZoneInfo(AMS))


def sweeper(workspace: Workspace, settings: Settings) -> Sweeper:
    return Sweeper.build(workspace, settings)
