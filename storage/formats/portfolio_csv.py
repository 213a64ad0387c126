"""The CSV export and its import: one file per entity, in a zip archive or a directory.

``--out portfolio.zip`` (the default) writes one zip archive holding ``cycles.csv``,
``iterations.csv``, ``notes.csv``, ``evaluations.csv``, ``links.csv`` and ``events.csv``; any other
``--out`` is a directory that receives those six files. The columns are in
``storage.formats.tabular``. Files are UTF-8 with a byte order mark (so that spreadsheets detect the
encoding), comma separated, RFC 4180 quoting, the header in row 1. Text cells are neutralised
against formulas (``storage.formats.safety``) and restored on import.

Import reads a zip archive, a directory, or any one of the CSV files (meaning its directory);
``cycles.csv`` and ``iterations.csv`` are required, the others optional. Without ``events.csv``
each cycle gets an "import" event, as with a YAML file.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from cycles.errors import ImportFileError
from storage.formats.safety import atomic_path, restore, write_atomic
from storage.formats.tabular import COLUMNS, Table, cells, spreadsheet_rows
from storage.formats.zippipe import ZipPipe, entry
from storage.reading.export import row_counts
from storage.reading.rows import ALL, Reader, Selection, read_rows, reading

if TYPE_CHECKING:
    from cycles.community import Community
    from cycles.portfolio import Portfolio
    from storage.formats.tabular_read import Rows
    from storage.units.store import Store

ENCODING = "utf-8-sig"
REQUIRED = ("cycles", "iterations")
ZIP_MAGIC = b"PK\x03\x04"


def table_text(name: str, rows: Table) -> str:
    """A table of :func:`storage.formats.tabular.flatten` as CSV text."""
    return cells_text(name, spreadsheet_rows(name, rows))


def cells_text(name: str, rows: Iterable[list[Any]]) -> str:
    """A table of cells as written (``tabular.cells``) as CSV text, header first."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS[name])
    writer.writerows(rows)
    return buffer.getvalue()


def write(tables: dict[str, Table], path: Path) -> None:
    """Write tables of :func:`storage.formats.tabular.flatten` to ``path`` (see :func:`write_cells`)."""
    write_cells({name: spreadsheet_rows(name, tables[name]) for name in COLUMNS}, path)  # type: ignore[misc]


def write_cells(tables: dict[str, Table], path: Path) -> None:
    """Write tables of cells to a zip archive or a directory (see :func:`write_parts`)."""
    write_parts({name: _text_of(name, tables[name]) for name in COLUMNS}, path)


def _text_of(name: str, rows: Iterable[list[Any]]) -> Iterator[bytes]:
    buffer = io.StringIO(newline="")
    csv.writer(buffer).writerows(rows)
    yield buffer.getvalue().encode("utf-8")


def header(name: str) -> bytes:
    """The first bytes of the file of table ``name``: the byte order mark and the header row."""
    return cells_text(name, []).encode(ENCODING)


def write_parts(parts: Mapping[str, Iterable[bytes]], path: Path) -> None:
    """Write each table's rows, given as pieces of UTF-8 CSV text in order (without the header,
    which this adds), to a zip archive (``.zip``; compressed in a thread of its own while the
    next pieces are made) or into the directory ``path``."""
    if path.suffix.lower() == ".zip":
        with atomic_path(path) as tmp, zipfile.ZipFile(tmp, "w") as zf, ZipPipe(zf) as pipe:
            for name in COLUMNS:
                pipe.member(entry(f"{name}.csv"))
                pipe.write(header(name))
                for piece in parts[name]:
                    pipe.write(piece)
        return
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    for name in COLUMNS:
        write_atomic(path / f"{name}.csv", _writer(header(name), parts[name]), binary=True)


def _writer(first: bytes, rest: Iterable[bytes]) -> Callable[[IO[bytes]], object]:
    def write(fh: IO[bytes]) -> None:
        fh.write(first)
        for piece in rest:
            fh.write(piece)

    return write


def export_from_rows(
    source: Reader | Store, community: Community, path: Path, selection: Selection = ALL
) -> dict[str, int]:
    """:func:`export` built from the rows alone (the stored pieces are neither read nor made)."""
    with reading(source) as reader:
        rows = read_rows(reader, selection)
    write_cells(cells(rows, community), path)
    return row_counts(rows, orphans=selection.everything)


# -- reading ----------------------------------------------------------------------------------


def is_csv_export(path: Path) -> bool:
    """Whether ``path`` looks like a CSV export: a zip archive, a directory or a .csv file."""
    if path.is_dir() or path.suffix.lower() in (".csv", ".zip"):
        return True
    try:
        with open(path, "rb") as fh:
            return fh.read(4) == ZIP_MAGIC
    except OSError:
        return False


def _sources(path: Path, where: str) -> dict[str, bytes]:
    """The bytes of each known CSV file of the export at ``path``."""
    from cycles import portfolio

    limit = portfolio.MAX_BYTES
    found: dict[str, bytes] = {}
    try:
        if path.is_file() and path.suffix.lower() == ".csv":
            path = path.parent
        if path.is_dir():
            total = 0
            for name in COLUMNS:
                member = path / f"{name}.csv"
                if member.is_file():
                    total += member.stat().st_size
                    if total > limit:
                        raise ImportFileError(f"{where}: the CSV files exceed {limit} bytes")
                    found[name] = member.read_bytes()
            return found
        with zipfile.ZipFile(path) as zf:
            # by base name: an archive of the export's folder holds "folder/cycles.csv" (nothing is
            # extracted to disk, so a member's path cannot escape anywhere)
            members = {i.filename.rsplit("/", 1)[-1]: i for i in zf.infolist() if not i.is_dir()}
            if sum(i.file_size for i in members.values() if i.filename.endswith(".csv")) > limit:
                raise ImportFileError(f"{where}: the archive's CSV files exceed {limit} bytes")
            for name in COLUMNS:
                info = members.get(f"{name}.csv")
                if info is not None:
                    with zf.open(info) as fh:
                        data = fh.read(limit + 1)
                    if len(data) > limit:
                        raise ImportFileError(f"{where}: {name}.csv exceeds {limit} bytes")
                    found[name] = data
        return found
    except zipfile.BadZipFile as exc:
        raise ImportFileError(f"{where}: not a zip archive of CSV files: {exc}") from exc
    except OSError as exc:
        raise ImportFileError(f"{where}: cannot read: {exc.strerror or exc}") from exc


def _rows(where: str, name: str, data: bytes) -> Rows:
    from storage.formats.tabular_read import Rows, check_header

    file = f"{name}.csv"
    try:
        text = data.decode(ENCODING)
    except UnicodeDecodeError as exc:
        raise ImportFileError(f"{where}: {file}: not UTF-8 text (byte {exc.start})") from exc
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
    except StopIteration:
        raise ImportFileError(f"{where}: {file}: empty file; row 1 must name the columns") from None
    except csv.Error as exc:
        raise ImportFileError(f"{where}: {file} row 1: not valid CSV: {exc}") from exc
    check_header(where, file, name, header)
    width = len(header)

    def rows() -> Iterator[tuple[int, dict[str, str]]]:
        number = 1
        try:
            for cells in reader:
                number += 1
                if not cells:
                    continue
                if len(cells) != width:
                    column = header[min(len(cells), width) - 1] if cells else header[0]
                    raise ImportFileError(
                        f"{where}: {file} row {number}, column {column}: expected {width} cells, "
                        f"found {len(cells)}"
                    )
                yield (
                    number,
                    {h: restore(v) if v[:1] == "'" else v for h, v in zip(header, cells, strict=True)},
                )
        except csv.Error as exc:
            raise ImportFileError(f"{where}: {file} row {number + 1}: not valid CSV: {exc}") from exc

    return Rows(file, list(rows()))


def read(path: Path, community: Community) -> Portfolio:
    """Read and validate a CSV export; errors name the file, the CSV file, row and column."""
    from cycles import portfolio
    from storage.formats.tabular_read import Rows, nest

    where = str(path)
    old_limit = csv.field_size_limit()
    csv.field_size_limit(portfolio.MAX_BYTES)
    try:
        sources = _sources(path, where)
        missing = [f"{n}.csv" for n in REQUIRED if n not in sources]
        if missing:
            raise ImportFileError(f"{where}: not a CSV export: {', '.join(missing)} missing")
        tables: dict[str, Any] = {}
        for name in COLUMNS:
            if name in sources:
                tables[name] = _rows(where, name, sources[name])
            elif name != "events":
                tables[name] = Rows(f"{name}.csv", [])
    finally:
        csv.field_size_limit(old_limit)
    located = nest(where, tables)
    return portfolio.parse(located.doc, community, where=where, locate=located.locate)
