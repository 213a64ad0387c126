"""The XLSX export read back with openpyxl, the ICS export with icalendar."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from icalendar import Calendar
from openpyxl import load_workbook

from storage.exports import table_pieces
from storage.formats import portfolio_xlsx
from storage.formats.tabular import COLUMNS


def test_xlsx_has_one_sheet_per_entity_with_every_row(filled, out: Path) -> None:
    counts = table_pieces.export_xlsx(filled.store, filled.community, out / "p.xlsx")
    book = load_workbook(out / "p.xlsx")
    assert book.sheetnames == ["cycles", "iterations", "notes", "evaluations", "links"]
    for name in book.sheetnames:
        rows = list(book[name].iter_rows(values_only=True))
        assert rows[0] == COLUMNS[name]
        assert len(rows) - 1 == counts[name], name
    cycles = {
        r[0]: dict(zip(COLUMNS["cycles"], r, strict=True))
        for r in book["cycles"].iter_rows(min_row=2, values_only=True)
    }
    assert cycles["nano-ai"]["cadence_days"] == 14  # numbers stay numbers
    assert cycles["nano-ai"]["created_at"] == "2026-06-01T09:00:00Z"  # instants are ISO 8601 text


def test_xlsx_cells_are_never_formulas(filled, out: Path) -> None:
    table_pieces.export_xlsx(filled.store, filled.community, out / "p.xlsx")
    book = load_workbook(out / "p.xlsx")
    show = next(r for r in book["cycles"].iter_rows(min_row=2) if r[0].value == "showcase-bb")
    description = show[COLUMNS["cycles"].index("description")]
    assert description.value == "'=SUM(A1)" and description.data_type == "s"
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    assert cell.value[:1] not in ("=", "+", "-", "@", "\t", "\r")


def test_xlsx_replaces_characters_xml_cannot_hold() -> None:
    assert portfolio_xlsx.text_cell("bell\x07") == "bell\ufffd"
    assert portfolio_xlsx.text_cell("-1") == "'-1"
    assert portfolio_xlsx.text_cell(5) == 5


def test_ics_has_an_event_with_alarm_per_open_evaluation(filled, out: Path) -> None:
    n = filled.export("ics", out / "e.ics")
    cal = Calendar.from_ical((out / "e.ics").read_bytes())
    events = cal.walk("VEVENT")
    assert n["dates"] == len(events) == 4  # sat-brabant is evaluated, awaiting its decision
    by_uid = {str(e["UID"]): e for e in events}
    coffee = by_uid["opencoffee.1.evaluation@spark.learning-cycles"]
    assert coffee.decoded("DTSTART") == date(2026, 7, 13)  # overdue, still open
    assert coffee.decoded("DTEND") == date(2026, 7, 14)
    assert "Opencoffee" in str(coffee["SUMMARY"])
    alarms = coffee.walk("VALARM")
    assert len(alarms) == 1 and str(alarms[0]["ACTION"]) == "DISPLAY"
    # at 09:00 in the community's zone on the due day, as an instant (CEST in July: 07:00 UTC)
    assert alarms[0].decoded("TRIGGER") == datetime(2026, 7, 13, 7, 0, tzinfo=UTC)
    # decided, evaluated or ended cycles have no open evaluation
    assert not any(uid.startswith(("nano-ai.", "fund-subsidy.", "fund-project.", "sat-")) for uid in by_uid)


def test_ics_uids_are_stable(filled, out: Path) -> None:
    filled.export("ics", out / "a.ics")
    filled.clock.advance(days=1)
    filled.export("ics", out / "b.ics")
    uids = [
        sorted(str(e["UID"]) for e in Calendar.from_ical(p.read_bytes()).walk("VEVENT"))
        for p in (out / "a.ics", out / "b.ics")
    ]
    assert uids[0] == uids[1]


def test_xlsx_writer_escapes_every_text_and_keeps_numbers(tmp_path: Path) -> None:
    """Texts are escaped a batch at a time; whatever they hold, each cell reads back as itself
    (characters XML cannot hold as U+FFFD, over-long texts cut to a cell's size)."""
    from storage.formats import xlsx_writer

    texts = ["a & b", "<tag>", "x > y", "bell\x07", "sep\x1fhere", "", "é😀\u2028", "n\nline", "x" * 40_000]
    rows = [[t, i, "plain"] for i, t in enumerate(texts)] + [[None, 7, date(2026, 1, 2)], ["short"]]
    path = tmp_path / "t.xlsx"
    xlsx_writer.write(path, [("t", ("text", "number", "other"), rows)])
    back = list(load_workbook(path)["t"].iter_rows(min_row=2, values_only=True))
    expected_texts = [t.replace("\x07", "\ufffd").replace("\x1f", "\ufffd") or None for t in texts]
    expected_texts[-1] = "x" * (xlsx_writer.MAX_CELL - 1) + "…"
    assert [r[0] for r in back] == [*expected_texts, None, "short"]
    assert [r[1] for r in back] == [*range(len(texts)), 7, None]
    assert back[len(texts)][2].date() == date(2026, 1, 2)


def test_the_same_data_gives_the_same_workbook_bytes(tmp_path: Path) -> None:
    """No member of the workbook carries the time it was written (reviews and exports can be
    compared, archived and deduplicated by content)."""
    import zipfile

    from storage.formats import xlsx_writer

    path = tmp_path / "t.xlsx"
    xlsx_writer.write(path, [("t", ("a", "b"), [["x", 1], ["y", 2]])])
    with zipfile.ZipFile(path) as zf:
        dates = {info.filename: info.date_time for info in zf.infolist()}
    assert "xl/workbook.xml" in dates
    assert set(dates.values()) == {(1980, 1, 1, 0, 0, 0)}
