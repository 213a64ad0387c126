"""The evaluation dates as an iCalendar file (RFC 5545) to subscribe to or import in a calendar.

One all-day VEVENT per open evaluation: each active cycle whose current iteration is still at
collect or run, on the day its evaluation is due (overdue ones included, on their past day). Each
has a VALARM at the community's reminder time on that day. UIDs are stable
(``<cycle>.<iteration>.evaluation@<community>.learning-cycles``), so importing a newer export
updates the events instead of doubling them; a cycle's next iteration gets a new UID.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from icalendar import Alarm, Calendar, Event

from cycles.i18n import _
from storage.formats.safety import write_atomic
from storage.reading.export import read_document
from storage.reading.rows import ALL, Reader, Selection

if TYPE_CHECKING:
    from cycles.community import Community
    from storage.units.store import Store


def calendar(doc: dict[str, Any], community: Community, *, now: datetime, lang: str = "en") -> Calendar:
    cal = Calendar()
    cal.add("prodid", "-//Learning Cycles//evaluations//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", _("{community}: evaluations").format(community=community.name))
    domain = re.sub(r"[^a-z0-9]+", "-", community.name.lower()).strip("-") or "community"
    reminder = timedelta(
        hours=community.community.reminder_time.hour, minutes=community.community.reminder_time.minute
    )
    for c in doc["cycles"]:
        last = c["iterations"][-1]
        if "evaluation" in last or "decision" in last:
            continue
        number = len(c["iterations"])
        due = date.fromisoformat(last["due_on"])
        kind = community.label("activity_type", c["type"], lang)
        summary = _("Evaluate {name} (iteration {n})").format(name=c["name"], n=number)
        lines = [f"{kind} · {c['key']}"]
        if c["owner"]:
            lines.append(_("Owner: {owner}").format(owner=c["owner"]))
        if last["collect"]["need"]:
            lines.append(_("Need: {need}").format(need=last["collect"]["need"]))
        event = Event()
        event.add("uid", f"{c['key']}.{number}.evaluation@{domain}.learning-cycles")
        event.add("dtstamp", now)
        event.add("dtstart", due)
        event.add("dtend", due + timedelta(days=1))
        event.add("summary", summary)
        event.add("description", "\n".join(lines))
        event.add("categories", [kind])
        event.add("transp", "TRANSPARENT")
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", summary)
        alarm.add("trigger", reminder)  # after the all-day start: the reminder time that day
        event.add_component(alarm)
        cal.add_component(event)
    return cal


def write(doc: dict[str, Any], community: Community, path: Path, *, now: datetime, lang: str = "en") -> int:
    cal = calendar(doc, community, now=now, lang=lang)
    data = cal.to_ical()
    write_atomic(path, lambda fh: fh.write(data), binary=True)
    return len(cal.walk("VEVENT"))


def export(
    store: Reader | Store,
    community: Community,
    path: Path,
    selection: Selection = ALL,
    *,
    now: datetime,
    lang: str = "en",
) -> dict[str, int]:
    doc = read_document(store, community.name, selection, history=False)
    return {"evaluations": write(doc, community, path, now=now, lang=lang)}
