"""``cycles remind`` as a user or a timer runs it: once, as a service, snooze, ack, list."""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from storage.workspace import Workspace
from tests.conftest import REPO
from tests.reminders.conftest import SmtpServer, add_cycle, local
from tui.cli import main

DUE = date(2026, 3, 16)


@pytest.fixture
def env(tmp_path: Path, smtp: SmtpServer) -> dict[str, str]:
    config = tmp_path / "config.toml"
    config.write_text("")
    return {
        "CYCLES_CONFIG": str(config),
        "CYCLES_NOW": local(DUE, 9, 5).isoformat(),
        "CYCLES_SMTP_HOST": "127.0.0.1",
        "CYCLES_SMTP_PORT": str(smtp.port),
        "CYCLES_SMTP_SECURITY": "none",
        "CYCLES_REMINDERS_DESKTOP": "false",
        "LANG": "C",
    }


@pytest.fixture
def db(sqlite_workspace: Workspace, sqlite_url: str) -> Iterator[str]:
    add_cycle(sqlite_workspace, "nano", DUE)
    add_cycle(sqlite_workspace, "later", DUE + timedelta(days=1))
    add_cycle(sqlite_workspace, "quiet", DUE + timedelta(days=30))
    yield sqlite_url


def cycles(db: str, env: dict[str, str], *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["--db", db, *args], env=env)
    return result.exit_code, result.stdout, result.stderr


def test_once_sends_what_is_owed_and_a_second_run_nothing(
    db: str, env: dict[str, str], smtp: SmtpServer
) -> None:
    code, out, err = cycles(db, env, "remind", "--once")
    assert code == 0, err
    assert "Reminders: 2 sent, 0 failed" in out
    assert sorted(smtp.mailbox.idents()) == ["later/1/2026-03-17/-2", "nano/1/2026-03-16/0"]
    code, out, _ = cycles(db, env, "remind", "--once")
    assert code == 0 and "Reminders: 0 sent" in out
    assert len(smtp.mailbox.messages) == 2


def test_list_snooze_and_ack(db: str, env: dict[str, str], smtp: SmtpServer) -> None:
    code, out, _ = cycles(db, env, "remind", "list")
    assert code == 0
    rows = [line.split() for line in out.splitlines()[1:]]
    assert [(r[0], r[2], r[3], r[4], r[5]) for r in rows] == [
        ("nano", "due", "2026-03-16", "09:00", "owed"),
        ("later", "upcoming", "2026-03-15", "09:00", "owed"),
    ]
    code, out, _ = cycles(db, env, "remind", "snooze", "later", "--days", "2")
    assert code == 0 and "later: reminders snoozed until 2026-03-18." in out
    code, out, _ = cycles(db, env, "remind", "ack", "nano")
    assert code == 0 and "nano: due reminder of 2026-03-16 acknowledged." in out
    code, out, _ = cycles(db, env, "remind", "--once")
    assert "Reminders: 0 sent" in out and smtp.mailbox.messages == []
    code, out, _ = cycles(db, env, "remind", "list", "--json")
    rows = json.loads(out)
    assert [(r["cycle"], r["kind"], r["status"]) for r in rows] == [("nano", "due", "acknowledged")]
    code, _, err = cycles(db, env, "remind", "ack", "missing")
    assert code == 1 and "no cycle 'missing'" in err


def test_a_failed_delivery_is_reported_and_listed(db: str, env: dict[str, str], smtp: SmtpServer) -> None:
    smtp.mailbox.refuse = True
    code, out, err = cycles(db, env, "remind", "--once")
    # exit 3 tells cron and systemd that a delivery failed (it is retried later)
    assert code == 3 and "Reminders: 0 sent, 2 failed" in out and "SMTP 554" in err
    code, out, _ = cycles(db, env, "remind", "list", "--json")
    assert {r["status"] for r in json.loads(out)} == {"retrying"}
    # a sweep before the retry is due: retries waiting, not "another process", and nothing failed now
    code, out, _ = cycles(db, env, "remind", "--once")
    assert code == 0
    assert "0 sent, 0 failed (retried later), 2 waiting to be retried, 0 handled by another process" in out


def test_the_service_sweeps_at_start_and_stops_on_sigterm(
    db: str, env: dict[str, str], smtp: SmtpServer
) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-c", "from tui.cli import run; run()", "--db", db, "remind"],
        cwd=REPO,
        env=os.environ | env | {"PYTHONUNBUFFERED": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    lines: queue.Queue[str] = queue.Queue()
    stdout = proc.stdout

    def read() -> None:
        for line in stdout:
            lines.put(line)

    threading.Thread(target=read, daemon=True).start()
    seen: list[str] = []
    try:
        while not any(line.startswith("Reminders:") for line in seen):
            seen.append(lines.get(timeout=60))
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=20) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
    assert seen[0].startswith("Sweeping every 5 minutes and at 09:00 (Europe/Amsterdam)")
    assert "Reminders: 2 sent" in seen[-1]
    assert len(smtp.mailbox.messages) == 2
