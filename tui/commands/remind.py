"""``cycles remind``: send evaluation reminders headless, and snooze, acknowledge or list them."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import click

from cycles.i18n import _
from tui.labels import due_label

if TYPE_CHECKING:
    from storage.workspace import ReminderStore
    from tui.reminders.sweep import Sweeper, SweepReport
    from tui.session import Context


def _sweeper(context: Context) -> Sweeper:
    from tui.reminders.sweep import Sweeper

    workspace = context.workspace()
    return Sweeper.build(workspace, context.settings)


def _store(context: Context) -> ReminderStore:
    from tui.reminders.sweep import policy_for

    workspace = context.workspace()
    return workspace.reminders(policy_for(workspace.community, context.settings.reminders))


def _kind(kind: str, occurrence: int) -> str:
    label = due_label(kind)
    return f"{label} +{occurrence}" if occurrence > 0 else label


DELIVERY_FAILED = 3  # `remind --once`: a reminder could not be delivered (1: any other error)


def echo_report(report: SweepReport, *, quiet_when_idle: bool = False) -> None:
    sent, failed, it = _("sent"), _("failed"), _("it.")
    for d in report.sent:
        r, to = d.reminder, d.candidate.owner_email or "-"
        kind = _kind(r.kind.value, r.occurrence)
        click.echo(f"{sent}  {r.cycle}  {it} {r.iteration}  {kind}  -> {to} ({', '.join(d.channels)})")
    for c, r, error in report.failed:
        kind = _kind(r.kind.value, r.occurrence)
        click.echo(f"{failed}  {r.cycle}  {it} {r.iteration}  {kind}  -> {c.owner_email}: {error}", err=True)
    if quiet_when_idle and not report.sent and not report.failed:
        return
    click.echo(
        _(
            "Reminders: {sent} sent, {failed} failed (retried later), {retrying} waiting to be retried, "
            "{other} handled by another process."
        ).format(
            sent=len(report.sent),
            failed=len(report.failed),
            retrying=report.retrying,
            other=report.taken_elsewhere,
        )
    )


def register(main: click.Group) -> None:
    @main.group(invoke_without_command=True)
    @click.option("--once", is_flag=True, help="Sweep once and exit (for cron or a systemd timer).")
    @click.pass_context
    def remind(ctx: click.Context, once: bool) -> None:
        """Send the evaluation reminders that are owed: once, or as a service until stopped.

        Each reminder is sent once, however many boards and services sweep the same database.
        """
        if ctx.invoked_subcommand is not None:
            return
        context: Context = ctx.obj
        sweeper = _sweeper(context)
        clock = context.workspace().clock
        if sweeper.email is None:
            click.echo(
                _(
                    "No SMTP host configured ([smtp] host or CYCLES_SMTP_HOST): owners with an email "
                    "address are left to a process that can send email."
                ),
                err=True,
            )
        if once:
            report = sweeper.sweep(clock())
            echo_report(report)
            if report.failed:  # for cron and systemd: a delivery failed (it is retried later)
                ctx.exit(DELIVERY_FAILED)
            return
        from tui.reminders.schedule import serve

        policy = sweeper.policy
        click.echo(
            _("Sweeping every {n} minutes and at {time} ({zone}); stop with Ctrl+C.").format(
                n=context.settings.reminders.sweep_minutes,
                time=policy.send_time.strftime("%H:%M"),
                zone=policy.zone.key,
            )
        )
        serve(sweeper, clock, lambda report: echo_report(report, quiet_when_idle=True))

    @remind.command()
    @click.argument("key")
    @click.option("--days", type=click.IntRange(1, 365), default=1, show_default=True)
    @click.pass_obj
    def snooze(context: Context, key: str, days: int) -> None:
        """No reminders for KEY's evaluation until DAYS days from today."""
        workspace = context.workspace()
        until = _store(context).snooze(key, days, workspace.now(), workspace.actor)
        click.echo(_("{key}: reminders snoozed until {date}.").format(key=key, date=until.isoformat()))

    @remind.command("ack")
    @click.argument("key")
    @click.pass_obj
    def ack(context: Context, key: str) -> None:
        """Acknowledge KEY's latest reminder: it leaves the inbox and is not sent (again)."""
        workspace = context.workspace()
        reminder = _store(context).acknowledge(key, workspace.now(), workspace.actor)
        if reminder is None:
            click.echo(_("{key}: no reminder to acknowledge yet.").format(key=key))
            return
        click.echo(
            _("{key}: {kind} reminder of {date} acknowledged.").format(
                key=key, kind=_kind(reminder.kind.value, reminder.occurrence), date=reminder.day.isoformat()
            )
        )

    @remind.command("list")
    @click.option(
        "--days",
        type=click.IntRange(1, 3650),
        default=30,
        show_default=True,
        help="Show reminders sent or acknowledged in this many past days.",
    )
    @click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
    @click.pass_obj
    def list_(context: Context, days: int, as_json: bool) -> None:
        """Reminders owed now, and those claimed, retrying, sent or acknowledged."""
        from storage.records import Record

        workspace = context.workspace()
        store = _store(context)
        now, zone = workspace.now(), workspace.community.zone
        owed = store.owed(now)
        records = store.records(now, days=days)
        open_keys = {(r.cycle, r.iteration, r.due_on, r.occurrence) for r in records}
        rows: list[Record] = [
            Record(
                r.cycle,
                r.iteration,
                r.due_on,
                r.kind.value,
                r.occurrence,
                r.send_at,
                c.owner_email,
                "owed",
                0,
                None,
                None,
                None,
                None,
            )
            for c, r in owed
            if (r.cycle, r.iteration, r.due_on, r.occurrence) not in open_keys
        ]
        rows += records
        if as_json:
            data = [
                {
                    "cycle": r.cycle,
                    "iteration": r.iteration,
                    "due_on": r.due_on.isoformat(),
                    "kind": r.kind,
                    "occurrence": r.occurrence,
                    "send_at": r.send_at.isoformat(),
                    "recipient": r.recipient,
                    "status": r.status,
                    "attempts": r.attempts,
                    "sent_at": r.sent_at.isoformat() if r.sent_at else None,
                    "channels": r.channels,
                    "last_error": r.last_error,
                }
                for r in rows
            ]
            click.echo(json.dumps(data, indent=2, ensure_ascii=False))
            return
        if not rows:
            click.echo(_("No reminders owed or sent."))
            return
        from tui.commands.listing import table

        status_names = {
            "owed": _("owed"),
            "claimed": _("sending"),
            "retrying": _("retrying"),
            "sent": _("sent"),
            "acknowledged": _("acknowledged"),
        }
        lines = []
        for r in rows:
            note = r.last_error or ""
            if r.status == "sent" and r.sent_at:
                note = f"{r.sent_at.astimezone(zone).strftime('%Y-%m-%d %H:%M')} ({r.channels})"
            lines.append(
                [
                    r.cycle,
                    str(r.iteration),
                    _kind(r.kind, r.occurrence),
                    r.send_at.astimezone(zone).strftime("%Y-%m-%d %H:%M"),
                    status_names.get(r.status, r.status),
                    r.recipient or "-",
                    str(r.attempts),
                    note,
                ]
            )
        headers = [_("key"), _("it."), _("reminder"), _("for"), _("status"), _("to"), _("tries"), _("note")]
        click.echo(table(lines, headers))
