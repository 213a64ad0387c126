"""Formula neutralisation both ways, atomic writes, owner-only files."""

from __future__ import annotations

import gc
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import NoReturn

import pytest
from hypothesis import given
from hypothesis import strategies as st

from storage.exports import documents, table_pieces
from storage.formats import portfolio_csv, portfolio_json, review_html, safety
from storage.formats.safety import neutralise, restore


@pytest.mark.parametrize(
    ("text", "cell"),
    [
        ("=SUM(A1)", "'=SUM(A1)"),
        ("+31 6", "'+31 6"),
        ("-5", "'-5"),
        ("@home", "'@home"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("'=x", "''=x"),
        ("''@y", "'''@y"),
        ("'plain", "'plain"),
        ("plain", "plain"),
        ("", ""),
        ("a=b", "a=b"),
        ("'", "'"),
    ],
)
def test_neutralise_and_restore(text: str, cell: str) -> None:
    assert neutralise(text) == cell
    assert restore(cell) == text


@given(st.text())
def test_neutralising_is_reversible_and_safe(text: str) -> None:
    cell = neutralise(text)
    assert restore(cell) == text
    assert cell[:1] not in ("=", "+", "-", "@", "\t", "\r")


def test_failed_write_leaves_the_previous_file(tmp_path: Path) -> None:
    target = tmp_path / "export.json"
    target.write_text("previous")

    def half(fh) -> None:
        fh.write("half of the new")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        safety.write_atomic(target, half)
    assert target.read_text() == "previous"
    assert os.listdir(tmp_path) == ["export.json"]


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
@pytest.mark.parametrize("fmt", ["json", "csv", "xlsx"])
def test_failed_export_leaves_the_previous_file(filled, out: Path, monkeypatch, fmt: str) -> None:
    target = out / f"p.{ {'json': 'json', 'csv': 'zip', 'xlsx': 'xlsx'}[fmt] }"
    target.write_bytes(b"previous")

    def boom(*args: object, **kwargs: object) -> NoReturn:
        raise KeyboardInterrupt  # an interruption half-way through

    if fmt == "json":

        def chunks(doc: dict) -> Iterator[bytes]:
            yield b'{\n"community":'  # part of the file is written
            boom()

        monkeypatch.setattr(portfolio_json, "chunks", chunks)
    elif fmt == "csv":
        calls = iter(range(100))

        def cells_text(name: str, rows: list) -> str:
            if next(calls) == 3:  # some files are already in the archive
                boom()
            return "x"

        monkeypatch.setattr(portfolio_csv, "cells_text", cells_text)
    else:
        from storage.formats import xlsx_writer

        sheet = xlsx_writer._sheet

        def half_sheet(fh, header, rows) -> None:  # type: ignore[no-untyped-def]
            if header == ("cycle", "iteration", "id", "at", "author", "text"):
                fh.write(b"<worksheet>")
                boom()
            sheet(fh, header, rows)

        monkeypatch.setattr(xlsx_writer, "_sheet", half_sheet)
    with pytest.raises(KeyboardInterrupt):
        filled.export(fmt, target)
    assert target.read_bytes() == b"previous"
    assert sorted(os.listdir(out)) == [target.name]
    gc.collect()  # the unsaved workbook's row writers complain here, inside the filter


def test_exports_are_readable_by_the_owner_only(filled, out: Path) -> None:
    old = os.umask(0o022)
    try:
        documents.export(filled.store, filled.community, out / "p.json")
        table_pieces.export_csv(filled.store, filled.community, out / "p.zip")
        table_pieces.export_csv(filled.store, filled.community, out / "dir")
        table_pieces.export_xlsx(filled.store, filled.community, out / "p.xlsx")
        filled.export("ics", out / "p.ics")
        from cycles import review
        from storage.reading.review_read import read_review_records

        made = review.build(
            read_review_records(filled.store), filled.community, review.period("2026-Q3"), now=filled.now()
        )
        review_html.write(made, filled.community, out / "r.html", lang="en")
    finally:
        os.umask(old)
    files = [p for p in out.rglob("*") if p.is_file()]
    assert len(files) == 11
    for path in files:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    assert stat.S_IMODE((out / "dir").stat().st_mode) == 0o700


def test_existing_file_is_replaced_with_owner_only_mode(filled, out: Path) -> None:
    target = out / "p.json"
    target.write_text("old")
    target.chmod(0o644)
    documents.export(filled.store, filled.community, target)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert target.read_text().startswith("{")
