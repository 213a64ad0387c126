"""Commands that walk a cycle through the loop: add, edit, collect, start, note, evaluate, decide,
link, undo. Each is one unit of work; on any error nothing is written."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from cycles.i18n import _
from tui.labels import decision_label, phase_label, status_label

if TYPE_CHECKING:
    from cycles.model import Change, Cycle
    from tui.session import Context


def split(values: tuple[str, ...]) -> list[str]:
    """Repeated options and comma-separated lists alike: ``--x a --x b,c`` gives a, b, c."""
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def state_line(cycle: Cycle) -> str:
    if not cycle.active:
        return f"{cycle.key}: {status_label(cycle.status.value)}"
    due = f", {_('evaluation due')} {cycle.due_on.isoformat()}" if cycle.due_on else ""
    return f"{cycle.key}: {_('iteration')} {cycle.current.number}, {phase_label(cycle.phase.value)}{due}"


def report(change: Change) -> None:
    click.echo(state_line(change.cycle))
    for created in change.created:
        click.echo(_("New cycle {key} opened as the other route.").format(key=created.key))


def register(main: click.Group) -> None:
    @main.command()
    @click.argument("name")
    @click.option("--type", "activity_type", required=True, help="Activity type (see the community file).")
    @click.option("--key", help="Short unique key (default: made from the name).")
    @click.option("--owner", default="", help="Who owns the cycle.")
    @click.option("--email", default="", help="The owner's email address.")
    @click.option("--stakeholder", "stakeholders", multiple=True, help="A stakeholder (repeatable).")
    @click.option("--level", help="Scale level, if not the type's default.")
    @click.option("--cadence-days", type=click.IntRange(1, 3650), help="Override the cadence.")
    @click.option("--description", default="")
    @click.pass_obj
    def add(
        context: Context,
        name: str,
        activity_type: str,
        key: str | None,
        owner: str,
        email: str,
        stakeholders: tuple[str, ...],
        level: str | None,
        cadence_days: int | None,
        description: str,
    ) -> None:
        """Add a cycle; it opens at iteration 1, collect."""
        cycle = context.workspace(create=True).create(
            name=name,
            activity_type=activity_type,
            key=key,
            owner=owner,
            owner_email=email,
            stakeholders=split(stakeholders),
            level=level,
            cadence_days=cadence_days,
            description=description,
        )
        click.echo(state_line(cycle))

    @main.command()
    @click.argument("key")
    @click.option("--name")
    @click.option("--owner")
    @click.option("--email")
    @click.option("--stakeholder", "stakeholders", multiple=True, help="Replaces the list.")
    @click.option("--cadence-days", type=click.IntRange(1, 3650))
    @click.option("--description")
    @click.pass_obj
    def edit(
        context: Context,
        key: str,
        name: str | None,
        owner: str | None,
        email: str | None,
        stakeholders: tuple[str, ...],
        cadence_days: int | None,
        description: str | None,
    ) -> None:
        """Edit a cycle's name, owner, stakeholders, cadence or description."""
        fields: dict[str, Any] = {
            "name": name,
            "owner": owner,
            "owner_email": email,
            "stakeholders": split(stakeholders) if stakeholders else None,
            "cadence_days": cadence_days,
            "description": description,
        }
        report(context.workspace().edit(key, **{k: v for k, v in fields.items() if v is not None}))

    @main.command()
    @click.argument("key")
    @click.option("--need", help="What is interesting and needed in content.")
    @click.option("--involved", multiple=True, help="Stakeholder involved (repeatable).")
    @click.option("--needed", multiple=True, help="Stakeholder needed (repeatable).")
    @click.option("--preconditions")
    @click.option("--resources")
    @click.pass_obj
    def collect(
        context: Context,
        key: str,
        need: str | None,
        involved: tuple[str, ...],
        needed: tuple[str, ...],
        preconditions: str | None,
        resources: str | None,
    ) -> None:
        """Record what the collect step found (repeat to amend)."""
        report(
            context.workspace().collect(
                key,
                need=need,
                stakeholders_involved=split(involved) if involved else None,
                stakeholders_needed=split(needed) if needed else None,
                preconditions=preconditions,
                resources=resources,
            )
        )

    @main.command()
    @click.argument("key")
    @click.option("--context", "run_context", default="", help="The concrete context it runs in.")
    @click.pass_obj
    def start(context: Context, key: str, run_context: str) -> None:
        """Start the run: set the iteration up in one concrete context."""
        report(context.workspace().start(key, run_context))

    @main.command()
    @click.argument("key")
    @click.argument("text")
    @click.pass_obj
    def note(context: Context, key: str, text: str) -> None:
        """Add a dated monitoring note to the running iteration."""
        report(context.workspace().note(key, text))

    @main.command()
    @click.argument("key")
    @click.option("--findings", default="", help="What the evaluation found.")
    @click.option("--value", "values", multiple=True, help="Value-creation level reached.")
    @click.option("--outcome", "outcomes", multiple=True, help="Outcome level: micro, meso, macro.")
    @click.option("--principle", "principles", multiple=True, help="Design principle checked.")
    @click.pass_obj
    def evaluate(
        context: Context,
        key: str,
        findings: str,
        values: tuple[str, ...],
        outcomes: tuple[str, ...],
        principles: tuple[str, ...],
    ) -> None:
        """Evaluate the iteration (repeat to amend before deciding)."""
        report(
            context.workspace().evaluate(
                key,
                findings=findings,
                value_levels=split(values),
                outcome_levels=split(outcomes),
                principles=split(principles),
            )
        )

    @main.command()
    @click.argument("key")
    @click.argument("kind", type=click.Choice(["next", "route", "drop"]))
    @click.option("--why", required=True, help="The rationale of the decision.")
    @click.option("--route-key", help="Key of the new cycle (route).")
    @click.option("--route-name", help="Name of the new cycle (route).")
    @click.option("--route-type", help="Activity type of the new cycle (route).")
    @click.option(
        "--carry",
        multiple=True,
        help="What the route takes over: owner, stakeholders, collect (repeatable).",
    )
    @click.pass_obj
    def decide(
        context: Context,
        key: str,
        kind: str,
        why: str,
        route_key: str | None,
        route_name: str | None,
        route_type: str | None,
        carry: tuple[str, ...],
    ) -> None:
        """Decide: next step, other route, or drop."""
        from cycles.model import DecisionKind

        change = context.workspace().decide(
            key,
            DecisionKind(kind),
            why,
            route_key=route_key,
            route_name=route_name,
            route_type=route_type,
            carry=split(carry),
        )
        click.echo(f"{decision_label(kind)}: {why}")
        report(change)

    @main.command()
    @click.argument("source")
    @click.argument("target")
    @click.option(
        "--kind",
        type=click.Choice(["related", "spawned_from", "route_of"]),
        default="related",
        show_default=True,
    )
    @click.option("--note", default="")
    @click.pass_obj
    def link(context: Context, source: str, target: str, kind: str, note: str) -> None:
        """Link two cycles (coherence): SOURCE is related to, spawned from or a route of TARGET."""
        from cycles.model import LinkKind

        context.workspace().link(source, target, LinkKind(kind), note)
        click.echo(_("Linked {source} -> {target}.").format(source=source, target=target))

    @main.command()
    @click.argument("key")
    @click.pass_obj
    def undo(context: Context, key: str) -> None:
        """Undo the cycle's latest change."""
        change = context.workspace().undo(key)
        click.echo(_("Undone: {what}").format(what=change.events[0].summary))
        report(change)
