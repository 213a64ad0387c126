"""A synthetic portfolio of any size, deterministic for a seed, and a command that stores it.

``generate`` builds domain records directly (running every transition would copy each cycle once per
step): cycles spread over every scale and activity type of the SPARK community, about
``iterations_per_cycle`` iterations each with notes and evaluations, some dropped, some rerouted to
a linked cycle, challenges spawned from showcases, related links, and a mix of phases and due states
(upcoming, due, overdue) relative to ``now``. Its history is what an import records: one event per
cycle plus one per decision, none of them undoable.

    python -m benchmarks.generate --cycles 10000 --db sqlite:////tmp/bench.db
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from datetime import time as wall_time
from pathlib import Path
from typing import Any

from cycles import history
from cycles.cadence import at_local, due_on, local_date
from cycles.community import ActivityType, Community, load_community
from cycles.model import (
    Collect,
    Cycle,
    Decision,
    DecisionKind,
    Evaluation,
    Event,
    Iteration,
    Link,
    LinkKind,
    Note,
    Phase,
    Status,
)
from cycles.portfolio import Portfolio

PARTNERS = [
    "AVANS", "KW1C", "JADS", "Brabant Wonen", "Smart Makers Academy", "TKI Urban Energy", "Bouwend Nederland",
    "gemeente Helmond", "gemeente Eindhoven", "DomeX", "Makersplatform", "Kuijpers", "Lister Building",
    "Living Lab 040", "BuildinG", "Pioneering", "BouwlabRenDo", "TU/e", "Fontys", "Summa College",
]  # fmt: skip
OWNERS = ["Anne", "Bram", "Chantal", "Dirk", "Esra", "Floor", "Gijs", "Hanna", ""]
NEEDS = [
    "directors ask how data and AI change their business",
    "site managers need hands-on skills with digital tools",
    "students want real problems from companies",
    "the housing corporation wants to scale up biobased renovation",
    "suppliers look for a shared standard for industrial housing",
    "the region needs a follow-up subsidy before the current one ends",
]
CONTEXTS = [
    "SPARK Campus",
    "DomeX, Eindhoven",
    "Boschveld, 's-Hertogenbosch",
    "Helmond",
    "online",
    "at a partner",
]
OBSERVATIONS = [
    "good turnout, lively discussion",
    "fewer companies than expected",
    "students and site managers worked well together",
    "the facilitator had to steer back to the problem",
    "a second partner asked to join",
    "planning slipped by two weeks",
]
WHY = {
    DecisionKind.NEXT: ["worked; refine and run again", "scale up to more partners", "sharpen the content"],
    DecisionKind.ROUTE: ["partners prefer another format", "the problem moved elsewhere"],
    DecisionKind.DROP: ["no demand left", "covered by another activity", "funding ended"],
}
DAY = timedelta(days=1)


def generate(n_cycles: int, *, seed: int = 1, iterations_per_cycle: int = 10, now: datetime) -> Portfolio:
    """A portfolio of ``n_cycles`` cycles, the same for the same arguments."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    return _Generator(load_community(), random.Random(seed), iterations_per_cycle, now).build(n_cycles)


class _Generator:
    def __init__(self, community: Community, rng: random.Random, per_cycle: int, now: datetime) -> None:
        self.community = community
        self.zone = community.zone
        self.rng = rng
        self.per_cycle = max(1, per_cycle)
        self.now = now.astimezone(UTC)
        self.today = local_date(now, self.zone)
        self.values = [v.key for v in community.value_levels]
        self.outcomes = [o.key for o in community.outcome_levels]
        self.principles = [p.key for p in community.principles]

    # -- the whole portfolio ----------------------------------------------------------------

    def build(self, n: int) -> Portfolio:
        rng = self.rng
        types = self.community.activity_types
        kinds = [types[i % len(types)] for i in range(n)]  # every type, hence every scale
        keys = [f"{kind.key}-{i:05d}" for i, kind in enumerate(kinds)]
        ends: list[str] = []
        for i in range(n):
            r = rng.random()
            routed = r < 0.16 and i + 1 < n and (i == 0 or ends[i - 1] != "rerouted")
            ends.append("dropped" if r < 0.08 else "rerouted" if routed else "active")
        # A rerouted cycle ends when the cycle after it (its other route) begins, so build from the end.
        cycles: list[Cycle | None] = [None] * n
        for i in reversed(range(n)):
            successor = cycles[i + 1] if ends[i] == "rerouted" else None
            cycles[i] = self.cycle(i, keys[i], kinds[i], ends[i], successor)
        built = [c for c in cycles if c is not None]
        return Portfolio(cycles=built, links=self.links(built), events=self.events(built))

    def links(self, cycles: list[Cycle]) -> list[Link]:
        rng = self.rng
        links: dict[tuple[str, str, LinkKind], Link] = {}

        def add(source: Cycle, target: Cycle, kind: LinkKind, note: str = "") -> None:
            if source.key != target.key and (source.key, target.key, kind) not in links:
                at = max(source.created_at, target.created_at)
                links[(source.key, target.key, kind)] = Link(
                    source=source.key, target=target.key, kind=kind, created_at=at, note=note
                )

        by_key = {c.key: c for c in cycles}
        for c in cycles:
            decision = c.current.decision
            if decision is not None and decision.route_to:
                add(by_key[decision.route_to], c, LinkKind.ROUTE_OF)
        showcases = [c for c in cycles if c.activity_type == "showcase"]
        for c in cycles:
            if c.activity_type == "challenge" and showcases and rng.random() < 0.4:
                add(c, rng.choice(showcases), LinkKind.SPAWNED_FROM, "arose on the building site")
        for _ in range(len(cycles) // 8):
            add(rng.choice(cycles), rng.choice(cycles), LinkKind.RELATED)
        return list(links.values())

    def events(self, cycles: list[Cycle]) -> list[Event]:
        events: list[Event] = []
        for c in cycles:
            events.append(
                history.record(
                    None,
                    c,
                    action="import",
                    actor="generate",
                    at=c.created_at,
                    summary="synthetic",
                    numbers=[],
                )
            )
            for it in c.iterations:
                if it.decision is not None:
                    events.append(
                        Event(
                            cycle=c.key,
                            at=it.decision.at,
                            actor=c.owner or "generate",
                            action=f"decide-{it.decision.kind.value}",
                            summary=it.decision.rationale,
                        )
                    )
        return events

    # -- one cycle --------------------------------------------------------------------------

    def cycle(self, index: int, key: str, kind: ActivityType, end: str, successor: Cycle | None) -> Cycle:
        rng = self.rng
        cadence = self.community.level(kind.scale, kind.level).cadence
        count = max(1, round(rng.triangular(1, 2 * self.per_cycle - 1, self.per_cycle)))
        lengths = [cadence * rng.uniform(0.8, 1.3) * DAY for _ in range(count)]
        phase = rng.choices([Phase.COLLECT, Phase.RUN, Phase.EVALUATE], weights=[3, 5, 2])[0]
        if end == "active":
            last_opened = self.last_opened(cadence, phase)
        else:
            ended = successor.created_at if successor else self.now - rng.uniform(1, 2 * cadence) * DAY
            last_opened = ended - lengths[-1]
        opened = [last_opened]
        for length in reversed(lengths[:-1]):
            opened.insert(0, opened[0] - length)
        iterations = []
        for number, (start, length) in enumerate(zip(opened, lengths, strict=True), start=1):
            last = number == count
            if not last:
                decision = self.decision(DecisionKind.NEXT, start + length)
                iterations.append(self.iteration(key, number, start, cadence, Phase.DECIDED, decision))
            elif end == "active":
                iterations.append(self.iteration(key, number, start, cadence, phase, None))
            else:
                kind_ = DecisionKind.ROUTE if successor else DecisionKind.DROP
                decision = self.decision(kind_, start + length, successor.key if successor else None)
                iterations.append(self.iteration(key, number, start, cadence, Phase.DECIDED, decision))
        label = self.community.label("activity_type", kind.key)
        last_decision = iterations[-1].decision
        return Cycle(
            key=key,
            name=f"{label} {index:05d}: {rng.choice(PARTNERS)}",
            activity_type=kind.key,
            scale=kind.scale,
            level=kind.level,
            cadence_days=cadence,
            owner=rng.choice(OWNERS),
            stakeholders=rng.sample(PARTNERS, k=rng.randint(0, 4)),
            description=f"Synthetic {label.lower()} for benchmarks",
            status=Status(end),
            created_at=iterations[0].opened_at,
            ended_at=last_decision.at if last_decision else None,
            iterations=iterations,
        )

    def last_opened(self, cadence: int, phase: Phase) -> datetime:
        """When the current iteration opened, chosen so its evaluation is upcoming, due or overdue."""
        rng = self.rng
        if phase is Phase.EVALUATE:
            return self.now - rng.uniform(0.5, 1.2) * cadence * DAY
        roll = rng.random()
        if roll < 0.2:
            offset = -rng.randint(1, 60)  # overdue
        elif roll < 0.25:
            offset = 0  # due today
        else:
            offset = rng.randint(1, max(1, cadence - 1))  # upcoming
        opened_on = self.today + timedelta(days=offset - cadence)
        opened_on = min(opened_on, self.today - DAY)  # opened before today, so never after now
        minutes = rng.randint(8 * 60, 17 * 60)
        return at_local(opened_on, wall_time(minutes // 60, minutes % 60), self.zone)

    def iteration(
        self, key: str, number: int, opened: datetime, cadence: int, phase: Phase, decision: Decision | None
    ) -> Iteration:
        rng = self.rng
        end = decision.at if decision else self.now
        span = end - opened
        started = evaluated = None
        notes: list[Note] = []
        if phase is not Phase.COLLECT:
            started = opened + span * rng.uniform(0.05, 0.2)
            stop = opened + span * 0.85 if phase in (Phase.EVALUATE, Phase.DECIDED) else end
            for j in range(rng.randint(1, 3)):
                at = started + (stop - started) * (j + 1) / 4
                author = rng.choice(OWNERS) or "team"
                notes.append(
                    Note(id=f"{key}-{number}-{j + 1}", at=at, author=author, text=rng.choice(OBSERVATIONS))
                )
            if phase in (Phase.EVALUATE, Phase.DECIDED):
                evaluated = stop
        evaluation = None
        if evaluated is not None:
            evaluation = Evaluation(
                at=evaluated,
                findings=rng.choice(OBSERVATIONS),
                value_levels=rng.sample(self.values, k=rng.randint(1, 3)),
                outcome_levels=rng.sample(self.outcomes, k=rng.randint(1, 2)),
                principles=rng.sample(self.principles, k=rng.randint(0, 4)),
            )
        return Iteration(
            number=number,
            phase=phase,
            opened_at=opened,
            due_on=due_on(opened, cadence, self.zone),
            collect=Collect(
                need=rng.choice(NEEDS),
                stakeholders_involved=rng.sample(PARTNERS, k=rng.randint(1, 3)),
                stakeholders_needed=rng.sample(PARTNERS, k=rng.randint(0, 2)),
                preconditions="a room and a date" if rng.random() < 0.5 else "",
                resources="two facilitators" if rng.random() < 0.5 else "",
            ),
            context=rng.choice(CONTEXTS) if started else "",
            started_at=started,
            notes=notes,
            evaluation=evaluation,
            decision=decision,
        )

    def decision(self, kind: DecisionKind, at: datetime, route_to: str | None = None) -> Decision:
        return Decision(kind=kind, rationale=self.rng.choice(WHY[kind]), at=at, route_to=route_to)


# -- the import file format ---------------------------------------------------------------------


def to_file_data(portfolio: Portfolio) -> dict[str, Any]:
    """The portfolio in the import format (``cycles import``), as JSON-ready data."""

    def when(value: datetime | None) -> str | None:
        return value.isoformat() if value else None

    def iteration(it: Iteration) -> dict[str, Any]:
        out: dict[str, Any] = {"opened": when(it.opened_at), "collect": it.collect.model_dump()}
        if it.started_at:
            out["started"] = when(it.started_at)
            out["context"] = it.context
        if it.notes:
            out["notes"] = [
                {"id": n.id, "at": when(n.at), "author": n.author, "text": n.text} for n in it.notes
            ]
        if it.evaluation:
            out["evaluation"] = it.evaluation.model_dump(mode="json")
        if it.decision:
            d = it.decision
            out["decision"] = {"at": when(d.at), "kind": d.kind.value, "why": d.rationale}
            if d.route_to:
                out["decision"]["route_to"] = d.route_to
        return out

    return {
        "version": 1,
        "cycles": [
            {
                "key": c.key,
                "name": c.name,
                "type": c.activity_type,
                "level": c.level,
                "cadence_days": c.cadence_days,
                "owner": c.owner,
                "stakeholders": list(c.stakeholders),
                "description": c.description,
                "created": when(c.created_at),
                "iterations": [iteration(it) for it in c.iterations],
            }
            for c in portfolio.cycles
        ],
        "links": [
            {
                "source": lk.source,
                "target": lk.target,
                "kind": lk.kind.value,
                "note": lk.note,
                "created": when(lk.created_at),
            }
            for lk in portfolio.links
            if lk.kind is not LinkKind.ROUTE_OF  # implied by the route decision
        ],
    }


def write_file(portfolio: Portfolio, path: Path) -> None:
    """Write the portfolio as YAML (``.yaml``/``.yml``) or JSON (anything else)."""
    data = to_file_data(portfolio)
    if path.suffix.lower() in (".yaml", ".yml"):
        import yaml

        text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=120)
    else:
        text = json.dumps(data, indent=1, ensure_ascii=False)
    path.write_text(text, "utf-8")


# -- the command --------------------------------------------------------------------------------


def _now(value: str | None) -> datetime:
    text = value or os.environ.get("CYCLES_NOW")
    if not text:
        return datetime.now(UTC)
    instant = datetime.fromisoformat(text)
    if instant.tzinfo is None:
        raise SystemExit("--now / CYCLES_NOW needs a UTC offset, e.g. 2026-11-28T09:00:00+01:00")
    return instant


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.generate", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--cycles", type=int, required=True, help="How many cycles.")
    parser.add_argument("--iterations", type=int, default=10, help="Iterations per cycle, on average.")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--now", help="ISO 8601 instant with offset (default: CYCLES_NOW or the clock).")
    parser.add_argument("--db", help="Store it in this database URL (through storage, one transaction).")
    parser.add_argument("--out", type=Path, help="Also write it as an import file (.yaml or .json).")
    args = parser.parse_args(argv)
    if args.db is None and args.out is None:
        parser.error("give --db URL, --out FILE or both")

    now = _now(args.now)
    t0 = time.perf_counter()
    portfolio = generate(args.cycles, seed=args.seed, iterations_per_cycle=args.iterations, now=now)
    iterations = sum(len(c.iterations) for c in portfolio.cycles)
    notes = sum(len(it.notes) for c in portfolio.cycles for it in c.iterations)
    print(
        f"generated {len(portfolio.cycles)} cycles, {iterations} iterations, {notes} notes, "
        f"{len(portfolio.links)} links, {len(portfolio.events)} events in {time.perf_counter() - t0:.2f} s"
    )
    if args.out is not None:
        t0 = time.perf_counter()
        write_file(portfolio, args.out)
        print(f"wrote {args.out} in {time.perf_counter() - t0:.2f} s")
    if args.db is not None:
        from storage.units.store import Store
        from storage.workspace import Workspace

        t0 = time.perf_counter()
        store = Store.open(args.db)
        try:
            opened = time.perf_counter() - t0
            t0 = time.perf_counter()
            Workspace(store, load_community(), actor="generate", clock=lambda: now).import_portfolio(
                portfolio
            )
            stored = time.perf_counter() - t0
            print(f"stored in {store.url} in {stored:.2f} s (one transaction; opening took {opened:.2f} s)")
        finally:
            store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
