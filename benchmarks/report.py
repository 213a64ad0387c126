"""The table ``benchmarks.run`` prints: one row per figure, one column per size and database, each
figure beside its target (issue 6, stated for 10,000 cycles) with a pass or MISS mark."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

Results = dict[str, Any]  # figure key -> value (seconds, ratio or MB), or an error text


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    unit: str  # "s", "ms" (value in seconds, shown in ms), "x" (a ratio), "MB"
    target: float | None = None  # in the unit shown; None: reported, not judged

    def show(self, value: float) -> str:
        if self.unit == "ms":
            ms = value * 1000
            return f"{ms:.1f} ms" if ms < 100 else f"{ms:.0f} ms"
        if self.unit == "x":
            return f"{value:.2f}x"
        if self.unit == "MB":
            return f"{value:.0f} MB"
        return f"{value:.2f} s"

    def passes(self, value: float) -> bool:
        assert self.target is not None
        shown = value * 1000 if self.unit == "ms" else value
        return shown <= self.target

    @property
    def target_text(self) -> str:
        if self.target is None:
            return ""
        unit = {"x": "x floor", "s": " s", "ms": " ms", "MB": " MB"}[self.unit]
        return f"<= {self.target:g}{unit}"


def key_rows(key: str, what: str, target: float) -> list[Row]:
    return [
        Row(f"{key}_handler", f"{what}: handler CPU", "ms", target),
        Row(f"{key}_ui", f"  {what}: key to frame, UI CPU", "ms", target),
        Row(f"{key}_settled", f"  {what}: key to idle, UI CPU", "ms", target),
        Row(f"{key}_wall", f"  {what}: key to frame, wall", "ms"),
    ]


SECTIONS: list[tuple[str, list[Row]]] = [
    (
        "Cold start to first board paint (whole process, headless, median)",
        [
            Row("paint_ratio", "first board paint / floor", "x", 1.3),
            Row("paint_board", "  first board paint, `cycles --db URL`", "s"),
            Row("paint_floor", "  floor: empty DataTable app", "s"),
        ],
    ),
    (
        "Board keys (median; CPU: time.thread_time of the UI thread; frame: first showing the effect)",
        [
            *key_rows("cursor", "cursor move", 10),
            *key_rows("open", "open cycle", 10),
            *key_rows("filter", "filter keystroke", 30),
            Row("decide_wall", "decide: save to updated board, wall", "ms", 30),
            Row("decide_write", "  decide: the write (worker thread), wall", "ms"),
            Row("decide_ui", "  decide: save to updated board, UI CPU", "ms"),
            Row("decide_settled", "  decide: save to idle, UI CPU", "ms"),
            Row("decide_form", "  decide: d to form shown, wall", "ms"),
        ],
    ),
    (
        "Command line (subprocess wall, median)",
        [
            Row("list", "`cycles list`", "s"),
            Row("list_due", "`cycles list --due`", "s", 0.8),
            Row("export_json", "`cycles export --format json`", "s", 1),
            Row("export_json_cold", "  first JSON export after a bulk load (stores each cycle's line)", "s"),
            Row("export_csv", "`cycles export --format csv`", "s", 1),
            Row("export_csv_cold", "  first CSV export after a bulk load (stores each cycle's rows)", "s"),
            Row("export_xlsx", "`cycles export --format xlsx`", "s", 3),
            Row("export_xlsx_cold", "  first XLSX export after a bulk load (stores each cycle's rows)", "s"),
            Row("review", "`cycles review` (HTML, this quarter)", "s", 3),
            Row("import", "`cycles import` (the JSON export, fresh db)", "s", 3),
        ],
    ),
    (
        "In-process (warm process, imports done; median)",
        [
            Row("sweep_idle", "reminder sweep, nothing new owed", "ms", 5),
            Row("sweep_first", "  first sweep of the process (the board swept before)", "ms"),
            Row("inproc_export_json", "export JSON", "s", 1),
            Row("inproc_export_json_cold", "  export JSON, first after a bulk load", "s"),
            Row("inproc_export_csv", "export CSV", "s", 1),
            Row("inproc_export_csv_cold", "  export CSV, first after a bulk load", "s"),
            Row("inproc_export_xlsx", "export XLSX", "s", 3),
            Row("inproc_export_xlsx_cold", "  export XLSX, first after a bulk load", "s"),
            Row("inproc_review", "review (HTML)", "s", 3),
            Row("inproc_import", "import (JSON export into a fresh db)", "s", 3),
        ],
    ),
    (
        "Memory (peak RSS: VmHWM the process reports at its end)",
        [
            Row("board_rss", "board after the key scenario", "MB", 150),
            Row("paint_rss", "  board at first paint", "MB"),
            Row("floor_rss", "  floor", "MB"),
        ],
    ),
]

ROWS = [row for _title, rows in SECTIONS for row in rows]


def cell(row: Row, value: Any, judge: bool) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, str):
        return "ERROR"
    text = row.show(value)
    if judge and row.target is not None:
        text += " pass" if row.passes(value) else " MISS"
    return text


def table(columns: list[tuple[str, Results]], *, judge: bool, markdown: bool = False) -> str:
    """The figures of every column (title, results) as aligned text or a Markdown table."""
    headers = ["", "target", *[title for title, _r in columns]]
    lines: list[list[str]] = []
    for title, rows in SECTIONS:
        lines.append([f"**{title}**" if markdown else title, "", *["" for _c in columns]])
        for row in rows:
            lines.append(
                [row.label, row.target_text, *[cell(row, r.get(row.key), judge) for _t, r in columns]]
            )
    if markdown:
        out = [
            "| " + " | ".join(headers) + " |",
            "|" + "|".join(["---"] + ["---:"] * (len(headers) - 1)) + "|",
        ]
        out += ["| " + " | ".join(_md(c) for c in line) + " |" for line in lines]
        return "\n".join(out)
    rows = [line for line in lines if line[1:] != [""] * (len(line) - 1)]  # not the section titles
    widths = [max(len(line[i]) for line in [headers, *rows]) for i in range(len(headers))]
    text = []
    for line in [headers, *lines]:
        if line[1:] == [""] * (len(line) - 1) and line[0]:
            text.append(line[0])
            continue
        cells = [line[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(line[1:], widths[1:], strict=True)]
        text.append("  ".join(cells).rstrip())
    return "\n".join(text)


def _md(text: str) -> str:
    """A cell for Markdown: pipes escaped, the indent of a detail row kept visible."""
    stripped = text.lstrip(" ")
    return "&emsp;" * ((len(text) - len(stripped)) // 2) + stripped.replace("|", "\\|")


def misses(columns: list[tuple[str, Results]]) -> list[str]:
    out = []
    for title, results in columns:
        for row in ROWS:
            value = results.get(row.key)
            if row.target is not None and isinstance(value, (int, float)) and not row.passes(value):
                out.append(f"{title}: {row.label.strip()} {row.show(value)} (target {row.target_text})")
    return out


def errors(columns: list[tuple[str, Results]]) -> list[str]:
    return [
        f"{title}: {key}: {value}"
        for title, results in columns
        for key, value in results.items()
        if isinstance(value, str)
    ]
