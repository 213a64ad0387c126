"""The words of a reminder, in the owner's language: email subject and body, notification text.

Each message is translated with a gettext catalog of its own language, not the process-wide one
that ``cycles.i18n.set_language`` sets: a sweep writes to owners of several languages, and the
board's interface language must not change underneath it.
"""

from __future__ import annotations

import gettext
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, formataddr
from functools import lru_cache
from zoneinfo import ZoneInfo

from cycles.cadence import days_left
from cycles.i18n import DOMAIN, LANGUAGES, LOCALE_DIR
from cycles.reminders import Reminder, ReminderKind
from storage.records import Candidate
from tui.settings import Settings


@lru_cache(maxsize=8)
def translation(lang: str) -> gettext.NullTranslations:
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=[lang], fallback=True)


def owner_language(candidate: Candidate, settings: Settings) -> str:
    """The owner's language: by email address, then by name, then the reminder default, then the
    interface language."""
    per_owner = settings.reminders.languages
    lang = (
        per_owner.get(candidate.owner_email.lower())
        or per_owner.get(candidate.owner_email)
        or per_owner.get(candidate.owner)
        or settings.reminders.language
        or settings.language
    )
    return lang if lang in LANGUAGES else "en"


def texts(
    candidate: Candidate, reminder: Reminder, now: datetime, zone: ZoneInfo, lang: str
) -> tuple[str, str]:
    """Subject (or notification title) and body of a reminder as of ``now``."""
    tr = translation(lang)
    _ = tr.gettext
    ngettext = tr.ngettext
    name, key = candidate.name, candidate.key
    due = candidate.due_on.isoformat()
    left = days_left(candidate.due_on, now, zone)
    if reminder.kind is ReminderKind.UPCOMING and left > 0:
        subject = ngettext(
            "Evaluation of {name} due in {n} day ({date})",
            "Evaluation of {name} due in {n} days ({date})",
            left,
        ).format(name=name, n=left, date=due)
        when = _("The evaluation of iteration {iteration} of {name} ({key}) is due on {date}.")
    elif left >= 0:
        subject = _("Evaluation of {name} is due today").format(name=name)
        when = _("The evaluation of iteration {iteration} of {name} ({key}) is due today, {date}.")
    else:
        subject = ngettext(
            "Evaluation of {name} is {n} day overdue",
            "Evaluation of {name} is {n} days overdue",
            -left,
        ).format(name=name, n=-left)
        when = _("The evaluation of iteration {iteration} of {name} ({key}) was due on {date}.")
    greeting = _("Hello {owner},").format(owner=candidate.owner) if candidate.owner else _("Hello,")
    lines = [
        greeting,
        "",
        when.format(iteration=candidate.iteration, name=name, key=key, date=due),
        "",
        _("Evaluate it on the board, or with:"),
        f"    cycles evaluate {key} --findings ...",
        "",
        _("Not now? Snooze the reminders for a few days:"),
        f"    cycles remind snooze {key} --days 3",
        "",
        "-- ",
        _("Learning Cycles"),
    ]
    return subject, "\n".join(lines) + "\n"


def email(
    candidate: Candidate, reminder: Reminder, now: datetime, zone: ZoneInfo, settings: Settings
) -> EmailMessage:
    """The reminder as an email to the cycle's owner."""
    lang = owner_language(candidate, settings)
    subject, body = texts(candidate, reminder, now, zone, lang)
    sender = settings.smtp.sender
    domain = sender.rpartition("@")[2] or "learning-cycles.invalid"
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = formataddr((candidate.owner, candidate.owner_email))
    msg["Subject"] = subject
    msg["Date"] = format_datetime(now)
    ident = f"{reminder.cycle}/{reminder.iteration}/{reminder.due_on.isoformat()}/{reminder.occurrence}"
    msg["X-Learning-Cycles-Reminder"] = ident
    # The same reminder always has the same Message-ID, so a resend after a crash between
    # sending and recording it can be recognised as a duplicate by the receiving side.
    msg["Message-ID"] = f"<reminder.{ident.replace('/', '.')}@{domain}>"
    msg.set_content(body)
    msg["Content-Language"] = lang  # after set_content, which replaces the Content-* headers
    return msg
