"""The cycle screen's content as Rich text: header, iteration timeline, iterations, history."""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

from rich.text import Text

from cycles.cadence import local_date
from cycles.community import Community
from cycles.i18n import _, language
from cycles.model import Cycle, DueState, Event, Iteration, Phase
from tui.labels import decision_label, phase_label, status_label
from tui.widgets.fmt import day, due_badge, due_state, ended_badge, moment

STYLE = {DueState.OVERDUE: "bold red", DueState.DUE: "bold yellow", DueState.UPCOMING: "dim"}


def _row(text: Text, label: str, value: str, style: str = "") -> None:
    if value:
        text.append(f"{label}: ", style="dim")
        text.append(value + "\n", style=style)


def header(cycle: Cycle, community: Community, today: date) -> Text:
    lang = language()
    text = Text()
    scale = community.label("scale", cycle.scale, lang)
    level = community.label("level", cycle.level, lang)
    _row(text, _("Type"), community.label("activity_type", cycle.activity_type, lang))
    _row(text, _("Scale and level"), f"{scale} / {level}")
    _row(text, _("Cadence"), _("{n} days per iteration").format(n=cycle.cadence_days))
    email = f" <{cycle.owner_email}>" if cycle.owner_email else ""
    _row(text, _("Owner"), (cycle.owner + email).strip())
    _row(text, _("Stakeholders"), ", ".join(cycle.stakeholders))
    if cycle.active:
        state = f"{_('iteration')} {cycle.current.number} · {phase_label(cycle.phase.value)}"
        _row(text, _("Now"), state, "bold")
    else:
        _row(text, _("Status"), ended_badge(cycle.status), "bold")
    due = due_state(cycle.due_on, today)
    if due is not None:
        _row(text, _("Evaluation"), due_badge(due, cycle.due_on, today), STYLE[due])
    _row(text, _("Description"), cycle.description)
    return text


def _end(it: Iteration, zone: ZoneInfo, today: date) -> date:
    if it.decision is not None:
        return local_date(it.decision.at, zone)
    return max(today, it.due_on)


def strip(cycle: Cycle, zone: ZoneInfo, today: date, width: int = 44) -> Text:
    """Each iteration as a bar on one shared time axis: where it started, how long it ran, what is
    still planned (░) and how far it is overdue (▲)."""
    start = local_date(cycle.iterations[0].opened_at, zone)
    end = max(_end(it, zone, today) for it in cycle.iterations)
    span = max(1, (end - start).days)
    per_cell = span / width

    def cell(d: date) -> int:
        return min(width - 1, int((d - start).days / per_cell))

    text = Text()
    for it in cycle.iterations:
        opened = local_date(it.opened_at, zone)
        a, b = cell(opened), cell(_end(it, zone, today))
        bar = [" "] * width
        for x in range(a, max(a + 1, b + 1)):
            d = start + timedelta(days=x * per_cell)
            if it.decision is not None or d <= today:
                bar[x] = "▲" if it.decision is None and d > it.due_on else "█▓"[(it.number - 1) % 2]
            else:
                bar[x] = "░"
        text.append(f"#{it.number:<3}", style="bold")
        for ch in bar:
            text.append(ch, style={"▲": "bold red", "░": "dim"}.get(ch, "cyan" if it.number % 2 else "blue"))
        until = day(it.decision.at.astimezone(zone).date(), today) if it.decision else "…"
        outcome = decision_label(it.decision.kind.value) if it.decision else phase_label(it.phase.value)
        text.append(f" {day(opened, today)} – {until} · {outcome}\n", style="dim")
    return text


def iteration(it: Iteration, zone: ZoneInfo, community: Community) -> Text:
    lang = language()
    text = Text()
    text.append(f"{_('Iteration')} {it.number}", style="bold underline")
    text.append(
        f"  {phase_label(it.phase.value)} · {_('opened')} {moment(it.opened_at, zone)}\n", style="dim"
    )
    c = it.collect
    if not c.is_empty():
        text.append(f"{_('Collect')}\n", style="bold")
        _row(text, "  " + _("needed"), c.need)
        _row(text, "  " + _("stakeholders involved"), ", ".join(c.stakeholders_involved))
        _row(text, "  " + _("stakeholders needed"), ", ".join(c.stakeholders_needed))
        _row(text, "  " + _("preconditions"), c.preconditions)
        _row(text, "  " + _("resources"), c.resources)
    if it.started_at is not None:
        text.append(f"{_('Run and monitor')}", style="bold")
        text.append(f"  {_('started')} {moment(it.started_at, zone)}\n", style="dim")
        _row(text, "  " + _("context"), it.context)
        for note in it.notes:
            text.append(f"  • {moment(note.at, zone)} ", style="dim")
            text.append(f"{note.author}: " if note.author else "", style="dim")
            text.append(note.text + "\n")
    if it.evaluation is not None:
        ev = it.evaluation
        text.append(f"{_('Evaluation')}", style="bold")
        text.append(f"  {moment(ev.at, zone)}\n", style="dim")
        _row(text, "  " + _("findings"), ev.findings)
        _row(
            text,
            "  " + _("value"),
            ", ".join(community.label("value_level", k, lang) for k in ev.value_levels),
        )
        _row(
            text,
            "  " + _("outcome"),
            ", ".join(community.label("outcome_level", k, lang) for k in ev.outcome_levels),
        )
        _row(
            text,
            "  " + _("principles"),
            ", ".join(community.label("principle", k, lang) for k in ev.principles),
        )
    if it.decision is not None:
        d = it.decision
        text.append(f"{_('Decision')}: ", style="bold")
        text.append(decision_label(d.kind.value), style="bold")
        text.append(f" · {moment(d.at, zone)}\n", style="dim")
        _row(text, "  " + _("why"), d.rationale)
        _row(text, "  " + _("new route"), d.route_to or "")
    if it.phase is Phase.COLLECT and c.is_empty():
        text.append(_("Nothing collected yet.") + "\n", style="dim italic")
    return text


def action_label(action: str) -> str:
    """What a history event did, in words."""
    return {
        "create": _("created"),
        "import": _("imported"),
        "edit": _("edited"),
        "collect": _("collect findings"),
        "start": _("run started"),
        "note": _("monitoring note"),
        "evaluate": _("evaluated"),
        "decide-next": _("decided: next step"),
        "decide-route": _("decided: other route"),
        "decide-drop": _("decided: drop"),
        "link": _("linked"),
        "undo": _("undone"),
    }.get(action, action)


def history(events: list[Event], zone: ZoneInfo) -> Text:
    text = Text()
    for e in reversed(events):
        text.append(f"{moment(e.at, zone)} ", style="dim")
        text.append(action_label(e.action), style="bold")
        text.append(f" {e.actor}", style="dim")
        if e.summary:
            text.append(f"\n  {e.summary}")
        text.append("\n")
    return text


def status_text(cycle: Cycle) -> str:
    return phase_label(cycle.phase.value) if cycle.active else status_label(cycle.status.value)
