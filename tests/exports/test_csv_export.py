"""The CSV export: one file per entity, read back by the csv module; import of it, all or nothing."""

from __future__ import annotations

import contextlib
import csv
import io
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cycles.errors import CyclesError, ImportFileError
from storage.exports import documents, table_pieces
from storage.formats import portfolio_csv
from storage.formats.tabular import COLUMNS, flatten
from storage.reading.export import read_document
from tests.exports.conftest import open_workspace

FILES = [f"{name}.csv" for name in COLUMNS]


def _tables(path: Path) -> dict[str, list[dict[str, str]]]:
    """Every CSV file of an export, read with the csv module alone."""
    out = {}
    with zipfile.ZipFile(path) as zf:
        assert sorted(zf.namelist()) == sorted(FILES)
        for name in FILES:
            text = zf.read(name).decode("utf-8-sig")
            out[name] = list(csv.DictReader(io.StringIO(text, newline="")))
    return out


def test_zip_holds_every_entity_readable_by_the_csv_module(filled, out: Path) -> None:
    counts = table_pieces.export_csv(filled.store, filled.community, out / "p.zip")
    t = _tables(out / "p.zip")
    assert len(t["cycles.csv"]) == counts["cycles"] == 8
    assert len(t["iterations.csv"]) == counts["iterations"] == 9
    assert len(t["notes.csv"]) == counts["notes"] == 3
    assert len(t["evaluations.csv"]) == counts["evaluations"] == 5
    assert len(t["links.csv"]) == counts["links"] == 2
    assert len(t["events.csv"]) == counts["events"]
    nano = next(r for r in t["cycles.csv"] if r["key"] == "nano-ai")
    assert nano["status"] == "rerouted" and nano["ended_at"] == "2026-08-01T09:00:00Z"
    assert nano["scale"] == "inhoud" and nano["created_at"] == "2026-06-01T09:00:00Z"
    decided = [r for r in t["evaluations.csv"] if r["cycle"] == "nano-ai"]
    assert [(r["iteration"], r["decision"], r["rationale"]) for r in decided] == [
        ("1", "next", "Run again with directors"),
        ("2", "route", "Turn it into a training"),
    ]
    assert decided[1]["principles"] == '["above-all-do","radar"]'


def test_formula_cells_are_neutralised(filled, out: Path) -> None:
    table_pieces.export_csv(filled.store, filled.community, out / "p.zip")
    t = _tables(out / "p.zip")
    show = next(r for r in t["cycles.csv"] if r["key"] == "showcase-bb")
    assert show["description"] == "'=SUM(A1)"
    it = next(r for r in t["iterations.csv"] if r["cycle"] == "showcase-bb")
    assert it["need"] == '\'=HYPERLINK("http://x")' and it["resources"] == "'@budget"
    assert {r["text"] for r in t["notes.csv"]} >= {"'-5 degrees on site\nsecond line"}
    assert next(r for r in t["links.csv"] if r["kind"] == "related")["note"] == "'@see =both"
    for rows in t.values():
        for row in rows:
            for value in row.values():
                assert value[:1] not in ("=", "+", "-", "@", "\t", "\r"), value


def test_directory_export_and_round_trip_restores_every_text(filled, out: Path, tmp_path: Path) -> None:
    documents.export(filled.store, filled.community, out / "before.json")
    table_pieces.export_csv(filled.store, filled.community, out / "csv")
    assert sorted(p.name for p in (out / "csv").iterdir()) == sorted(FILES)
    data = portfolio_csv.read(out / "csv" / "cycles.csv", filled.community)  # any file means its folder
    show = next(c for c in data.cycles if c.key == "showcase-bb")
    assert show.description == "=SUM(A1)"
    assert show.stakeholders == ["'=x", "+31 6 1234", "-minus", "@home"]
    target = open_workspace(f"sqlite:///{tmp_path / 'target.db'}", filled.community, filled.clock)
    try:
        target.import_portfolio(data)
        documents.export(target.store, filled.community, out / "after.json")
    finally:
        target.store.close()
    assert (out / "after.json").read_bytes() == (out / "before.json").read_bytes()


# -- refused imports ----------------------------------------------------------------------------


def _export_dir(filled, out: Path) -> Path:
    folder = out / "csv"
    table_pieces.export_csv(filled.store, filled.community, folder)
    return folder


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8-sig")
    assert old in text
    path.write_text(text.replace(old, new, 1), "utf-8-sig")


def test_unknown_column_is_refused_with_its_place(filled, out: Path) -> None:
    folder = _export_dir(filled, out)
    _edit(folder / "iterations.csv", "context,", "kontext,")
    with pytest.raises(ImportFileError, match=r"iterations\.csv row 1, column 7: unknown column 'kontext'"):
        portfolio_csv.read(folder, filled.community)


def test_missing_column_is_refused(filled, out: Path) -> None:
    folder = _export_dir(filled, out)
    rows = list(csv.reader(io.StringIO((folder / "links.csv").read_text("utf-8-sig"), newline="")))
    with open(folder / "links.csv", "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([r[:2] + r[3:] for r in rows])
    with pytest.raises(ImportFileError, match=r"links\.csv row 1: missing column\(s\): kind"):
        portfolio_csv.read(folder, filled.community)


def test_bad_cell_names_file_row_and_column(filled, out: Path) -> None:
    folder = _export_dir(filled, out)
    _edit(folder / "iterations.csv", "2026-07-10T09:00:00Z", "10 July")
    with pytest.raises(
        ImportFileError,
        match=r"iterations\.csv row 6, column opened_at: cycles\.3\.iterations\.1\.opened.*datetime",
    ):
        portfolio_csv.read(folder, filled.community)


def test_row_with_too_few_cells_is_refused(filled, out: Path) -> None:
    folder = _export_dir(filled, out)
    with open(folder / "notes.csv", "a", encoding="utf-8", newline="") as fh:
        fh.write("nano-ai,1\r\n")
    with pytest.raises(
        ImportFileError, match=r"notes\.csv row 5, column iteration: expected 6 cells, found 2"
    ):
        portfolio_csv.read(folder, filled.community)


def test_dangling_link_is_refused(filled, out: Path) -> None:
    folder = _export_dir(filled, out)
    _edit(folder / "links.csv", "showcase-bb,nano-ai,related", "showcase-bb,nowhere,related")
    with pytest.raises(
        ImportFileError, match=r"links\.csv row \d, column target: links\.\d: no cycle 'nowhere'"
    ):
        portfolio_csv.read(folder, filled.community)


def test_iteration_gap_and_orphans_are_refused(filled, out: Path) -> None:
    folder = _export_dir(filled, out)
    _edit(folder / "iterations.csv", "nano-ai,2,", "nano-ai,3,")
    with pytest.raises(
        ImportFileError, match=r"iterations\.csv row 6, column number: iteration 3 of nano-ai follows"
    ):
        portfolio_csv.read(folder, filled.community)
    folder = _export_dir(filled, out / "again")
    _edit(folder / "notes.csv", "nano-ai,1,", "nano-ai,7,")
    with pytest.raises(
        ImportFileError, match=r"notes\.csv row 2, column iteration: nano-ai has no iteration 7"
    ):
        portfolio_csv.read(folder, filled.community)


def test_not_a_csv_export(tmp_path: Path, community) -> None:
    (tmp_path / "x.zip").write_bytes(b"PK\x03\x04 not really")
    with pytest.raises(ImportFileError, match="not a zip archive"):
        portfolio_csv.read(tmp_path / "x.zip", community)
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(ImportFileError, match=r"cycles\.csv, iterations\.csv missing"):
        portfolio_csv.read(empty, community)


# -- fuzzing --------------------------------------------------------------------------------------

texts = st.text(st.characters(exclude_categories=["Cs"]), max_size=30)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(description=texts, need=texts, note=texts.filter(lambda t: t.strip() != ""))
def test_any_text_survives_the_csv_round_trip(filled, description: str, need: str, note: str) -> None:
    doc = read_document(filled.store, "SPARK")
    show = next(c for c in doc["cycles"] if c["key"] == "showcase-bb")
    show["description"] = description
    show["iterations"][0]["collect"]["need"] = need
    show["iterations"][0]["notes"][0]["text"] = note
    data = {
        name: portfolio_csv.table_text(name, rows) for name, rows in flatten(doc, filled.community).items()
    }
    tables = {
        name: portfolio_csv._rows("<fuzz>", name, text.encode("utf-8-sig")) for name, text in data.items()
    }
    from storage.formats.tabular_read import nest

    back = nest("<fuzz>", tables).doc
    show_back = next(c for c in back["cycles"] if c["key"] == "showcase-bb")
    assert show_back["description"] == description
    assert show_back["iterations"][0]["collect"]["need"] == need
    assert show_back["iterations"][0]["notes"][0]["text"] == note


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=400) | st.text(max_size=400).map(lambda t: t.encode()))
def test_garbage_in_a_csv_file_is_refused_cleanly(tmp_path: Path, community, data: bytes) -> None:
    folder = tmp_path / "fuzz"
    folder.mkdir(exist_ok=True)
    (folder / "cycles.csv").write_bytes(data)
    (folder / "iterations.csv").write_bytes(b"cycle,number,opened_at\r\n" + data)
    with contextlib.suppress(CyclesError):  # refused, with a message: fine; anything else fails
        portfolio_csv.read(folder, community)


def test_a_zip_of_the_export_folder_imports_too(filled, out: Path) -> None:
    folder = _export_dir(filled, out)
    with zipfile.ZipFile(out / "mine.zip", "w") as zf:
        for path in folder.iterdir():
            zf.write(path, f"csv/{path.name}")
    assert len(portfolio_csv.read(out / "mine.zip", filled.community).cycles) == 8


def test_tables_from_rows_are_the_tables_of_the_document(filled) -> None:
    """``cells`` (straight from the rows, used by the exports) gives what flattening the
    document gives, for the whole portfolio and for a selection."""
    from storage.formats.tabular import cells, spreadsheet_rows
    from storage.reading.export import document
    from storage.reading.rows import Selection, read_rows

    for chosen in (Selection(), Selection(scales=("inhoud",)), Selection(types=("funding-route",))):
        rows = read_rows(filled.store, chosen)
        doc = document(rows, "SPARK", orphans=chosen.everything)
        expected = {n: list(spreadsheet_rows(n, t)) for n, t in flatten(doc, filled.community).items()}
        assert cells(rows, filled.community) == expected
        assert sum(map(len, expected.values())) > 0
