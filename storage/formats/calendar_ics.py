"""The evaluation dates as an iCalendar file (RFC 5545) to subscribe to or import in a calendar.

One all-day VEVENT per open evaluation: each active cycle whose current iteration is still at
collect or run, on the day its evaluation is due (overdue ones included, on their past day). Each
has a VALARM at the community's reminder time on that day in the community's zone, given as an
absolute instant, so that it is right on DST days and in a calendar set to another zone. UIDs are stable
(``<cycle>.<iteration>.evaluation@<community>.learning-cycles``), so importing a newer export
updates the events instead of doubling them; a cycle's next iteration gets a new UID.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from icalendar import Alarm, Calendar, Event

from cycles.cadence import at_local
from cycles.i18n import _
from storage.formats.safety import write_atomic

if TYPE_CHECKING:
    from cycles.community import Community


def calendar(doc: dict[str, Any], community: Community, *, now: datetime, lang: str = "en") -> Calendar:
    cal = Calendar()
    cal.add("prodid", "-//Learning Cycles//evaluations//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", _("{community}: evaluations").format(community=community.name))
    domain = re.sub(r"[^a-z0-9]+", "-", community.name.lower()).strip("-") or "community"
    reminder, zone = community.community.reminder_time, community.zone
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
        # An instant (UTC), not an offset from the all-day start: calendars disagree on when an
        # offset falls on a DST day, and would place it in the viewer's zone, not the community's.
        # RFC 5545 3.8.6.3: an absolute trigger says VALUE=DATE-TIME and is in UTC.
        alarm.add("trigger", at_local(due, reminder, zone), parameters={"VALUE": "DATE-TIME"})
        event.add_component(alarm)
        cal.add_component(event)
    return cal


def write(doc: dict[str, Any], community: Community, path: Path, *, now: datetime, lang: str = "en") -> int:
    cal = calendar(doc, community, now=now, lang=lang)
    data = cal.to_ical()
    write_atomic(path, lambda fh: fh.write(data), binary=True)
    return len(cal.walk("VEVENT"))
