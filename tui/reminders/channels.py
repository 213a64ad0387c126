"""Where reminders go: email over SMTP, and a desktop notification where a session bus exists.

The in-app channel needs no sending: the board reads the inbox (``storage.reminders.claims.InboxEntry``)
through ``tui.reminders.InAppReminders``.
"""

from __future__ import annotations

import contextlib
import logging
import os
import smtplib
import ssl
import sys
from email.message import EmailMessage
from typing import Any

from tui.settings import SmtpSettings

log = logging.getLogger(__name__)


class DeliveryError(Exception):
    """A reminder could not be delivered; it stays unsent and is retried later."""


class EmailChannel:
    """Sends over one SMTP connection, opened on first use and reused until ``close``."""

    def __init__(self, smtp: SmtpSettings) -> None:
        if not smtp.host:
            raise ValueError("no SMTP host configured")
        self.settings = smtp
        self._conn: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        host = s.host or ""
        conn: smtplib.SMTP
        if s.security == "ssl":
            conn = smtplib.SMTP_SSL(host, s.port, timeout=s.timeout, context=ssl.create_default_context())
        else:
            conn = smtplib.SMTP(host, s.port, timeout=s.timeout)
            if s.security == "starttls":
                conn.starttls(context=ssl.create_default_context())
        if s.username:
            conn.login(s.username, s.password or "")
        return conn

    def send(self, message: EmailMessage) -> None:
        """Deliver ``message`` or raise DeliveryError with the server's or the network's reason."""
        try:
            if self._conn is None:
                self._conn = self._connect()
            refused = self._conn.send_message(message)
        except smtplib.SMTPServerDisconnected:
            # A reused connection the server has closed meanwhile: one fresh attempt.
            self._drop()
            try:
                self._conn = self._connect()
                refused = self._conn.send_message(message)
            except (smtplib.SMTPException, OSError) as exc:
                self._drop()
                raise DeliveryError(_reason(exc)) from exc
        except (smtplib.SMTPException, OSError) as exc:
            self._drop()
            raise DeliveryError(_reason(exc)) from exc
        if refused:
            raise DeliveryError(f"recipient refused: {', '.join(refused)}")

    def _drop(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            with contextlib.suppress(OSError):
                conn.close()

    def close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is None:
            return
        try:
            conn.quit()
        except (smtplib.SMTPException, OSError):
            conn.close()


def _reason(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPResponseException):
        error = exc.smtp_error
        text = error.decode("utf-8", "replace") if isinstance(error, bytes) else str(error)
        return f"SMTP {exc.smtp_code}: {text}"
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return f"recipient refused: {', '.join(exc.recipients)}"
    return f"{exc.__class__.__name__}: {exc}" if str(exc) else exc.__class__.__name__


class DesktopChannel:
    """A desktop notification through the optional ``desktop-notifier`` package.

    Best effort: without the package, a session bus or a notification daemon it does nothing,
    and after its first failure it stops trying for the rest of the process.
    """

    def __init__(self, notifier: Any) -> None:
        self._notifier = notifier

    @classmethod
    def available(cls) -> DesktopChannel | None:
        if sys.platform.startswith("linux") and not os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
            return None
        try:
            from desktop_notifier import DesktopNotifierSync  # type: ignore[import-not-found]

            return cls(DesktopNotifierSync(app_name="Learning Cycles"))
        except Exception:  # not installed, or no bus to talk to
            return None

    def notify(self, title: str, body: str) -> bool:
        if self._notifier is None:
            return False
        try:
            self._notifier.send(title=title, message=body)
        except Exception as exc:  # no daemon, bus gone: silently skipped from now on
            log.debug("desktop notification failed: %s", exc)
            self._notifier = None
            return False
        return True
