"""Export, review and import times at scale: ``python -m benchmarks.exports_bench [--cycles N]``.

Builds a portfolio of N cycles (default 10,000) with ten iterations each (100,000 iterations), with
``benchmarks.generate.generate`` where present, else with the generator below; imports it into a
fresh SQLite file and times each step. Targets: JSON and CSV export <= 1 s, XLSX and review <= 3 s,
import <= 3 s.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

from cycles import portfolio
from cycles.community import Community, load_community

T = TypeVar("T")
NOW = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)


def document(n: int, community: Community, *, per_cycle: int = 10, now: datetime = NOW) -> dict[str, Any]:
    """A portfolio document of ``n`` cycles with ``per_cycle`` iterations each, in the import format."""
    types = [t.key for t in community.activity_types]
    values = [v.key for v in community.value_levels]
    outcomes = [o.key for o in community.outcome_levels]
    principles = [p.key for p in community.principles]
    cycles = []
    for i in range(n):
        step = timedelta(days=7 + i % 20)
        start = now - step * per_cycle - timedelta(hours=i % 97)
        its = []
        for k in range(per_cycle):
            opened = start + step * k
            it: dict[str, Any] = {
                "opened": opened.isoformat(),
                "collect": {
                    "need": f"Need {i}.{k}: what the partners ask for",
                    "stakeholders_involved": ["Brabant Wonen", "AVANS"],
                    "stakeholders_needed": ["Gemeente"] if k % 2 else [],
                    "preconditions": "",
                    "resources": "budget",
                },
            }
            last = k == per_cycle - 1
            if not last or i % 3 == 0:
                it["started"] = (opened + timedelta(days=1)).isoformat()
                it["context"] = f"Context {k}"
                if k % 2 == 0:
                    it["notes"] = [{"at": (opened + timedelta(days=2)).isoformat(), "text": "Going well"}]
            if not last or i % 9 == 0:
                it["evaluation"] = {
                    "at": (opened + step - timedelta(days=1)).isoformat(),
                    "findings": "Works; scale up",
                    "value_levels": [values[(i + k) % len(values)]],
                    "outcome_levels": [outcomes[k % len(outcomes)]],
                    "principles": [principles[(i * 7 + k) % len(principles)]],
                }
            if not last:
                it["decision"] = {"at": (opened + step).isoformat(), "kind": "next", "why": "Next step"}
            elif i % 9 == 0:
                it["decision"] = {"at": (opened + step).isoformat(), "kind": "drop", "why": "Done"}
            its.append(it)
        cycles.append(
            {
                "key": f"cycle-{i:05d}",
                "name": f"Activity {i}",
                "type": types[i % len(types)],
                "owner": f"Owner {i % 17}",
                "stakeholders": ["SPARK"],
                "iterations": its,
            }
        )
    links = [
        {"source": f"cycle-{i:05d}", "target": f"cycle-{i + 1:05d}", "kind": "related"}
        for i in range(0, n - 1, 5)
    ]
    return {"version": 1, "cycles": cycles, "links": links}


def make_portfolio(n: int, community: Community) -> portfolio.Portfolio:
    try:
        from benchmarks.generate import generate  # type: ignore[import-not-found]
    except ImportError:
        return portfolio.parse(document(n, community), community, where="generated")
    return generate(n, now=NOW)  # type: ignore[no-any-return]


def timed(label: str, fn: Callable[[], T], results: dict[str, float]) -> T:
    """Time ``fn`` as the command line runs it (with the collector paused, see ``bulk``): wall
    clock and this process's CPU time (the fairer figure on a machine other work shares)."""
    from tui.commands.export import bulk

    start, cpu = time.perf_counter(), time.process_time()
    with bulk():
        value = fn()
    results[label] = time.perf_counter() - start
    used = time.process_time() - cpu
    results[f"{label} (cpu)"] = used
    print(f"{label:<28} {results[label]:7.2f} s wall {used:7.2f} s cpu", flush=True)
    return value


def _loop() -> None:
    for _ in range(10_000_000):
        pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cycles", type=int, default=10_000)
    parser.add_argument("--db", help="database URL (default: a fresh SQLite file)")
    args = parser.parse_args()

    from cycles import review
    from storage.exports import documents, table_pieces
    from storage.formats import portfolio_csv, portfolio_json, review_html, review_xlsx
    from storage.reading.export import read_document
    from storage.reading.review_read import read_review_records
    from storage.units.store import Store
    from storage.workspace import Workspace

    community = load_community()
    results: dict[str, float] = {}
    timed("calibration: 10M-step loop", _loop, results)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        store = Store.open(args.db or f"sqlite:///{folder / 'bench.db'}")
        ws = Workspace(store, community, actor="bench", clock=lambda: NOW)
        made = [timed("generate (parse)", lambda: make_portfolio(args.cycles, community), results)]
        n_its = sum(len(c.iterations) for c in made[0].cycles)
        print(f"  {len(made[0].cycles)} cycles, {n_its} iterations, {len(made[0].events)} events")
        timed("store portfolio", lambda: ws.import_portfolio(made[0]), results)
        made.clear()  # the exports below read the database, not this copy

        timed("read document", lambda: read_document(store, community.name), results)
        out = folder / "export.json"
        timed("export json", lambda: documents.export(store, community, out), results)
        print(f"  {out.stat().st_size / 1e6:.1f} MB")
        timed(
            "export csv (zip)", lambda: table_pieces.export_csv(store, community, folder / "x.zip"), results
        )
        print(f"  {(folder / 'x.zip').stat().st_size / 1e6:.1f} MB")
        timed("export xlsx", lambda: table_pieces.export_xlsx(store, community, folder / "x.xlsx"), results)

        def do_review() -> None:
            cycles = read_review_records(store)
            content = review.build(cycles, community, review.period("2026-Q3"), now=NOW)
            review_html.write(content, community, folder / "review.html", lang="en")

        timed("review html (2026-Q3)", do_review, results)

        def do_review_xlsx() -> None:
            content = review.build(read_review_records(store), community, review.period("2026-Q3"), now=NOW)
            review_xlsx.write(content, community, folder / "review.xlsx", lang="en")

        timed("review xlsx (2026-Q3)", do_review_xlsx, results)
        store.close()

        parsed = timed("import json: read+check", lambda: portfolio_json.read(out, community), results)
        fresh = Store.open(f"sqlite:///{folder / 'fresh.db'}")
        ws2 = Workspace(fresh, community, actor="bench", clock=lambda: NOW)
        timed("import json: store", lambda: ws2.import_portfolio(parsed), results)
        fresh.close()
        timed("import csv: read+check", lambda: portfolio_csv.read(folder / "x.zip", community), results)
    print(json.dumps({k: round(v, 2) for k, v in results.items()}))


if __name__ == "__main__":
    main()
