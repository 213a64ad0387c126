"""The append-only history: what each change touched, before and after, and how to undo it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from cycles.errors import TransitionError
from cycles.i18n import _
from cycles.model import Change, Cycle, Event, Iteration, Link

_HEADER_EXCLUDE = {"iterations", "version"}


def snapshot(cycle: Cycle, numbers: list[int]) -> dict[str, Any]:
    """The cycle's header and the named iterations (those that exist), as JSON-ready data."""
    present = {it.number: it for it in cycle.iterations}
    return {
        "cycle": cycle.model_dump(mode="json", exclude=_HEADER_EXCLUDE),
        "iterations": {str(n): present[n].model_dump(mode="json") for n in numbers if n in present},
    }


def record(
    before: Cycle | None,
    after: Cycle,
    *,
    action: str,
    actor: str,
    at: datetime,
    summary: str,
    numbers: list[int],
    extra: dict[str, Any] | None = None,
) -> Event:
    """An event describing the change from ``before`` to ``after`` in the iterations ``numbers``."""
    after_part = snapshot(after, numbers)
    if extra:
        after_part.update(extra)
    return Event(
        cycle=after.key,
        at=at,
        actor=actor,
        action=action,
        summary=summary,
        before=snapshot(before, numbers) if before is not None else None,
        after=after_part,
    )


def revert(cycle: Cycle, event: Event, *, actor: str, at: datetime) -> Change:
    """Undo ``event`` on ``cycle``: restore what it touched as it was before.

    Refused when the event created the cycle (nothing to go back to) or when the cycle has changed
    in those parts since (the event is not the latest change).
    """
    if event.before is None or event.after is None:
        raise TransitionError(
            _("{key}: '{action}' created the cycle and cannot be undone").format(
                key=cycle.key, action=event.action
            )
        )
    after_its: dict[str, Any] = event.after.get("iterations", {})
    now_part = snapshot(cycle, [int(n) for n in after_its])
    if now_part["iterations"] != after_its or _comparable(now_part["cycle"]) != _comparable(
        event.after["cycle"]
    ):
        raise TransitionError(
            _(
                "{key}: '{action}' is not the latest change of this cycle; undo the later changes first"
            ).format(key=cycle.key, action=event.action)
        )
    before_its: dict[str, Any] = event.before.get("iterations", {})
    restored = {it.number: it for it in cycle.iterations}
    removed: list[int] = []
    for n in after_its:
        if n not in before_its:
            restored.pop(int(n), None)
            removed.append(int(n))
    for n, data in before_its.items():
        restored[int(n)] = Iteration.model_validate(data)
    header = dict(event.before["cycle"])
    new = Cycle.model_validate(
        {
            **header,
            "iterations": [restored[n].model_dump() for n in sorted(restored)],
            "version": cycle.version,
        }
    )
    undo_event = Event(
        cycle=cycle.key,
        at=at,
        actor=actor,
        action="undo",
        summary=f"undo {event.action}: {event.summary}".strip(),
        before=event.after,
        after=event.before,
    )
    unlinks = [Link.model_validate(event.after["link"])] if "link" in event.after else []
    deleted = [str(event.after["created"])] if "created" in event.after else []
    return Change(
        cycle=new,
        events=[undo_event],
        touched=sorted(int(n) for n in before_its),
        removed=sorted(removed),
        unlinks=unlinks,
        deleted=deleted,
    )


def _comparable(header: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in header.items() if k not in _HEADER_EXCLUDE}


def last_undoable(events: list[Event]) -> Event | None:
    """The latest event that an undo would revert: undo events cancel the change before them."""
    stack: list[Event] = []
    for event in events:
        if event.action == "undo":
            if stack:
                stack.pop()
        elif event.before is not None:
            stack.append(event)
        else:
            stack.clear()  # creation or import: nothing before it can be undone
    return stack[-1] if stack else None
