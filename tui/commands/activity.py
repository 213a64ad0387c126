"""``cycles activity``: what others changed since you last looked (or since a date, or your own)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import click

from cycles.i18n import _

if TYPE_CHECKING:
    from tui.session import Context

FIRST_LOOK_DAYS = 7  # the first time, what changed in the last week


def _state_file() -> Path:
    import platformdirs

    return Path(platformdirs.user_state_dir("learning-cycles")) / "activity.json"


def _last_looked(url: str) -> int | None:
    try:
        return int(json.loads(_state_file().read_text("utf-8"))[url])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _looked(url: str, marker: int) -> None:
    path = _state_file()
    try:
        seen = json.loads(path.read_text("utf-8")) if path.is_file() else {}
    except (OSError, ValueError):
        seen = {}
    seen[url] = marker
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    path.write_text(json.dumps(seen, indent=1), "utf-8")


def register(main: click.Group) -> None:
    @main.command()
    @click.option("--since", "since", type=click.DateTime(["%Y-%m-%d"]), help="Changes from this day on.")
    @click.option("--mine", is_flag=True, help="Only your own changes.")
    @click.option("--others", is_flag=True, help="Only others' changes (the default without --since).")
    @click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
    @click.pass_obj
    def activity(context: Context, since: datetime | None, mine: bool, others: bool, as_json: bool) -> None:
        """What changed: by default, what others did since you last looked."""
        from cycles.cadence import at_local
        from tui.live import DONE_BY

        if mine and others:
            raise click.UsageError(_("give --mine or --others, not both"))
        ws = context.workspace()
        me, zone = ws.actor, ws.community.zone
        remembered = None if since is not None or mine else _last_looked(ws.url)
        if since is not None:
            notes, names = ws.activity(since=at_local(since.date(), time(0, 0), zone))
        elif remembered is not None:
            notes, names = ws.activity(after=remembered)
        else:
            first = ws.today() - timedelta(days=FIRST_LOOK_DAYS)
            notes, names = ws.activity(since=at_local(first, time(0, 0), zone))
        if mine:
            notes = [n for n in notes if n.actor == me]
        elif others or since is None:
            notes = [n for n in notes if n.actor != me]
        if not mine and since is None and notes:
            _looked(ws.url, max(n.id for n in notes))
        if as_json:
            data = [
                {
                    "id": n.id,
                    "at": n.at.astimezone(UTC).isoformat(),
                    "actor": n.actor,
                    "action": n.action,
                    "cycle": n.cycle,
                    "name": names.get(n.cycle),
                }
                for n in notes
            ]
            click.echo(json.dumps(data, indent=2, ensure_ascii=False))
            return
        if not notes:
            click.echo(_("Nothing changed."))
            return
        for n in notes:
            what = _(DONE_BY.get(n.action, "{actor} changed {name}")).format(
                actor=n.actor or _("someone"), name=names.get(n.cycle, n.cycle)
            )
            when = n.at.astimezone(zone).strftime("%Y-%m-%d %H:%M")
            click.echo(f"{when}  {what}  [{n.cycle}]")
