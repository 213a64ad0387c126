"""``cycles export``, ``cycles review`` and ``cycles import`` as a user types them; hostile and
malformed imports refused with nothing written."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from storage.exports import documents, table_pieces
from storage.units.store import Store
from tui.cli import main

NOW = "2026-11-28T10:00:00+01:00"


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    config = tmp_path / "config.toml"
    config.write_text("")
    monkeypatch.chdir(tmp_path)

    def run(db: Path, *args: str) -> Result:
        return CliRunner().invoke(
            main,
            ["--config", str(config), "--db", f"sqlite:///{db}", "--lang", "en", *args],
            env={"CYCLES_NOW": NOW},
            catch_exceptions=False,
        )

    return run


def _cycle_count(db: Path) -> int:
    from sqlalchemy import func, select

    from storage.units.repository import C

    store = Store.open(f"sqlite:///{db}")
    try:
        with store.read() as repo:
            return int(repo.session.execute(select(func.count(C.id))).scalar_one())
    finally:
        store.close()


def _yaml_cycles(n: int) -> str:
    lines = ["version: 1", "cycles:"]
    for i in range(n):
        lines += [
            f"  - key: c-{i:04d}",
            f'    name: "Cycle {i}"',
            "    type: nanomodule",
            "    iterations:",
            '      - opened: "2026-07-01"',
        ]
    return "\n".join(lines) + "\n"


def _refused(result: Result, db: Path, *fragments: str) -> None:
    assert result.exit_code == 1, result.output
    assert "cycles: error:" in result.output
    for fragment in fragments:
        assert fragment in result.output, result.output
    assert _cycle_count(db) == 0


def test_yaml_tags_are_refused(cli, tmp_path: Path) -> None:
    bad = tmp_path / "tag.yaml"
    bad.write_text('version: 1\ncycles: !!python/object/apply:os.system ["touch pwned"]\n')
    _refused(cli(tmp_path / "db", "import", str(bad)), tmp_path / "db", "tag.yaml:2: not valid YAML")
    assert not (tmp_path / "pwned").exists()


def test_alias_bomb_is_refused(cli, tmp_path: Path) -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i, name in enumerate("bcdefghi"):
        prev = "abcdefghi"[i]
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    bad = tmp_path / "bomb.yaml"
    bad.write_text("\n".join(lines) + "\ncycles: []\n")
    _refused(cli(tmp_path / "db", "import", str(bad)), tmp_path / "db", "aliases (*name) are not allowed")


def test_bad_yaml_record_at_position_500_writes_nothing(cli, tmp_path: Path) -> None:
    text = _yaml_cycles(600).replace("    type: nanomodule\n", "    type: nanomodul\n")
    good = _yaml_cycles(500)
    text = good + text[text.index("  - key: c-0500") :]
    bad = tmp_path / "big.yaml"
    bad.write_text(text)
    line = text[: text.index("key: c-0500")].count("\n") + 1
    _refused(
        cli(tmp_path / "db", "import", str(bad)),
        tmp_path / "db",
        f"big.yaml:{line}: cycles.500 (c-0500): unknown activity type 'nanomodul'",
    )


def test_bad_json_record_at_position_500_writes_nothing(cli, tmp_path: Path) -> None:
    doc: dict[str, Any] = {
        "version": 1,
        "cycles": [
            {
                "key": f"c-{i:04d}",
                "name": f"C {i}",
                "type": "nanomodule",
                "iterations": [{"opened": "2026-07-01"}],
            }
            for i in range(600)
        ],
    }
    doc["cycles"][500]["iterations"][0]["opened"] = "the first of July"
    bad = tmp_path / "big.json"
    bad.write_text(json.dumps(doc, indent=1))
    _refused(
        cli(tmp_path / "db", "import", str(bad)), tmp_path / "db", "big.json: cycles.500.iterations.0.opened"
    )


def test_bad_csv_row_at_position_500_writes_nothing(cli, tmp_path: Path) -> None:
    folder = tmp_path / "csv"
    folder.mkdir()
    rows = ["key,name,type"] + [f"c-{i:04d},C {i},nanomodule" for i in range(600)]
    (folder / "cycles.csv").write_text("\n".join(rows) + "\n")
    its = ["cycle,number,opened_at"] + [f"c-{i:04d},1,2026-07-01" for i in range(600)]
    its[501] = "c-0500,1,=cmd|' /C calc'!A0"
    (folder / "iterations.csv").write_text("\n".join(its) + "\n")
    _refused(
        cli(tmp_path / "db", "import", str(folder)),
        tmp_path / "db",
        "iterations.csv row 502, column opened_at",
    )


def test_dangling_link_is_refused(cli, tmp_path: Path) -> None:
    bad = tmp_path / "link.yaml"
    bad.write_text(_yaml_cycles(2) + "links:\n  - {source: c-0000, target: c-0009, kind: related}\n")
    _refused(
        cli(tmp_path / "db", "import", str(bad)), tmp_path / "db", "links.0: no cycle 'c-0009' in this file"
    )


def test_export_import_round_trip_through_the_command_line(cli, filled, tmp_path: Path) -> None:
    source = tmp_path / "source.db"
    filled.store.close()
    first = cli(source, "export", "--format", "json", "--out", "first.json")
    assert first.exit_code == 0, first.output
    assert "Exported 8 cycles, 9 iterations, 3 notes, 5 evaluations, 2 links" in first.output
    result = cli(tmp_path / "copy.db", "import", "--quiet", "first.json")
    assert result.exit_code == 0 and result.output == ""
    assert cli(tmp_path / "copy.db", "export", "--quiet", "--out", "second.json").output == ""
    assert (tmp_path / "second.json").read_bytes() == (tmp_path / "first.json").read_bytes()
    # the CSV export imports as well, detected by its form
    assert cli(source, "export", "--format", "csv", "--quiet").exit_code == 0
    assert (tmp_path / "learning-cycles-2026-11-28.zip").is_file()
    result = cli(tmp_path / "csv.db", "import", "learning-cycles-2026-11-28.zip")
    assert result.exit_code == 0 and "imported 8 cycles" in result.output
    # and JSON is recognised by its content too
    (tmp_path / "portfolio.txt").write_bytes((tmp_path / "first.json").read_bytes())
    assert cli(tmp_path / "txt.db", "import", "--dry-run", "portfolio.txt").exit_code == 0


def test_dry_run_shows_what_would_change_and_writes_nothing(cli, filled, tmp_path: Path) -> None:
    documents.export(filled.store, filled.community, tmp_path / "p.json")
    result = cli(tmp_path / "empty.db", "import", "--dry-run", "p.json")
    assert result.exit_code == 0, result.output
    assert "valid; would import 8 cycles (inhoud 4, netwerk 1, organisatie 3) and 2 links" in result.output
    assert "It would add 9 iterations, 3 notes, 5 evaluations and" in result.output
    assert _cycle_count(tmp_path / "empty.db") == 0
    filled.store.close()
    result = cli(tmp_path / "source.db", "import", "--dry-run", "p.json")
    assert result.exit_code == 1
    assert "would be refused: 8 cycle keys are already in the database: fund-partner" in result.output


def test_export_filters_and_formats(cli, filled, tmp_path: Path) -> None:
    filled.store.close()
    db = tmp_path / "source.db"
    result = cli(db, "export", "--format", "xlsx", "--scale", "organisatie", "--out", "org.xlsx")
    assert "Exported 3 cycles" in result.output
    result = cli(db, "export", "--format", "ics", "--type", "event", "--type", "showcase")
    assert result.output.startswith("Exported 2 evaluation dates to learning-cycles-2026-11-28.ics")
    result = cli(db, "export", "--format", "csv", "--out", "portfolio.csv")
    assert result.exit_code == 2 and "a .zip archive or a directory" in result.output
    result = cli(db, "export", "--scale", "nowhere")
    assert result.exit_code == 1 and "unknown scale 'nowhere'" in result.output


def test_review_command(cli, filled, tmp_path: Path) -> None:
    filled.store.close()
    db = tmp_path / "source.db"
    result = cli(db, "review", "--period", "2026-Q3", "--format", "md")
    assert result.exit_code == 0, result.output
    assert "Review 2026-Q3 (8 cycles) written to review-2026-Q3.md" in result.output
    assert (tmp_path / "review-2026-Q3.md").read_text().startswith("# Programme review SPARK: 2026-Q3")
    august = ["--from", "2026-08-01", "--to", "2026-08-31"]
    result = cli(db, "review", *august, "--format", "html", "--lang", "nl", "--out", "aug.html", "--quiet")
    assert result.exit_code == 0 and result.output == ""
    assert "Financieringsroute" in (tmp_path / "aug.html").read_text()
    result = cli(db, "review", "--format", "xlsx")  # this quarter
    assert "Review 2026-Q4" in result.output and (tmp_path / "review-2026-Q4.xlsx").is_file()
    result = cli(db, "review", "--period", "2026-Q3", "--from", "2026-08-01", "--to", "2026-08-31")
    assert result.exit_code == 2 and "either --period or --from and --to" in result.output
    result = cli(db, "review", "--period", "summer")
    assert result.exit_code == 1 and "cycles: error: period 'summer'" in result.output


def test_csv_reader_is_used_for_directories_and_csv_files(filled, tmp_path: Path) -> None:
    from storage.workspace import read_portfolio

    table_pieces.export_csv(filled.store, filled.community, tmp_path / "dir")
    for path in (tmp_path / "dir", tmp_path / "dir" / "notes.csv"):
        assert len(read_portfolio(path, filled.community).cycles) == 8
