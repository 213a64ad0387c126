"""Translated names of the loop's states, shared by the command line and the board."""

from __future__ import annotations

from cycles.i18n import _, ngettext


def phase_label(phase: str) -> str:
    return {
        "collect": _("collect"),
        "run": _("run and monitor"),
        "evaluate": _("evaluate"),
        "decided": _("decided"),
    }.get(phase, phase)


def due_label(state: str | None) -> str:
    if state is None:
        return ""
    return {"upcoming": _("upcoming"), "due": _("due"), "overdue": _("overdue")}.get(state, state)


def status_label(status: str) -> str:
    return {"active": _("active"), "rerouted": _("rerouted"), "dropped": _("dropped")}.get(status, status)


def decision_label(kind: str) -> str:
    return {"next": _("next step"), "route": _("other route"), "drop": _("drop")}.get(kind, kind)


def link_label(kind: str) -> str:
    return {
        "route_of": _("route of"),
        "spawned_from": _("spawned from"),
        "related": _("related"),
    }.get(kind, kind)


def due_count(state: str, n: int, shown: str) -> str:
    """``n`` evaluations in a due state, ``shown`` being ``n`` as written: "4 upcoming", in Dutch
    "4 komen eraan" (the verb agrees with the number)."""
    texts = {
        "upcoming": ngettext("{n} upcoming", "{n} upcoming", n),
        "due": ngettext("{n} due", "{n} due", n),
        "overdue": ngettext("{n} overdue", "{n} overdue", n),
    }
    return texts.get(state, f"{{n}} {due_label(state)}").format(n=shown)
