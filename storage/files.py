"""The portfolio's files through the door: reading any import format, the exports and the review.

``storage.workspace.Workspace`` calls these with what it reads from (its open store, or the URL as
given, which the driver reads without the ORM). Light to import: the work imports what it needs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from cycles.i18n import _

if TYPE_CHECKING:
    from cycles.community import Community
    from cycles.portfolio import Portfolio
    from cycles.review import Period, Review
    from storage.imports.import_fast import Started
    from storage.reading.rows import Reader, Selection
    from storage.units.store import Store

Step = Callable[[str], object]  # told the name of each step of a long piece of work, as it begins
EXPORT_FORMATS = ("json", "csv", "xlsx", "ics")
REVIEW_FORMATS = ("md", "html", "xlsx")


def nothing(_step: str) -> None:
    return None


def read_portfolio(path: Path, community: Community) -> Portfolio:
    """Read and validate a portfolio file of any format Learning Cycles imports: YAML, JSON (a
    lossless export or hand-written), or a CSV export (a zip archive, a directory, or one of its
    CSV files). The format follows from the extension, or from the content where that is clearer."""
    from cycles import portfolio
    from storage.formats import portfolio_csv

    if portfolio_csv.is_csv_export(path):
        return portfolio_csv.read(path, community)
    if path.suffix.lower() == ".json" or _starts_with_brace(path):
        return portfolio.read_json(path, community)
    return portfolio.read(path, community)


def _starts_with_brace(path: Path) -> bool:
    try:
        with open(path, "rb") as fh:
            return fh.read(64).lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{")
    except OSError:
        return False


def start_import(path: Path, community: Community, url: str) -> Started | None:
    """The import of a JSON export in its own layout begun on both cores (a worker process reads
    the file meanwhile; ``storage.imports.import_fast``), or None when the file or the database is not
    one this path serves: then :func:`read_portfolio` and ``Workspace.import_portfolio`` do. Call
    it before any thread starts (the worker is forked)."""
    from storage.imports.import_fast import start

    return start(path, community, url)


def export(
    source: Store | Reader | str,
    community: Community,
    fmt: str,
    path: Path,
    selection: Selection | None,
    now: datetime,
    lang: str = "en",
    step: Step = nothing,
) -> dict[str, int]:
    """Write the selected cycles to ``path`` as ``fmt`` (one of ``EXPORT_FORMATS``); how many
    records of each kind it holds (the calendar: ``{"dates": n}``). JSON, CSV and XLSX are made of
    each cycle's stored piece where it is current, the rest built from rows and stored
    (``storage.exports``): the same bytes either way."""
    from storage.reading.rows import ALL

    chosen = selection or ALL
    if fmt == "json":
        from storage.exports.documents import export_json

        step(_("Writing {path}").format(path=path))
        return export_json(source, community.name, path, chosen)
    if fmt in ("csv", "xlsx"):
        from storage.exports import table_pieces

        step(_("Writing {path}").format(path=path))
        layout = table_pieces.CSV if fmt == "csv" else table_pieces.XLSX
        return table_pieces.export_tables(source, community, path, chosen, layout)
    if fmt != "ics":
        raise ValueError(f"unknown export format {fmt!r}")
    from storage.formats import calendar_ics
    from storage.reading.export import document
    from storage.reading.rows import read_rows, reading

    step(_("Reading the portfolio"))
    with reading(source) as reader:
        rows = read_rows(reader, chosen, notes=False, events=False)
    step(_("Writing {path}").format(path=path))
    doc = document(rows, community.name, orphans=False)
    return {"dates": calendar_ics.write(doc, community, path, now=now, lang=lang)}


def review(
    source: Store | Reader | str,
    community: Community,
    fmt: str,
    path: Path,
    within: Period,
    selection: Selection | None,
    funding_types: Iterable[str],
    now: datetime,
    lang: str = "en",
    step: Step = nothing,
) -> Review:
    """The programme review of ``within`` written to ``path`` as ``fmt`` (one of
    ``REVIEW_FORMATS``), and returned."""
    from cycles import review as content
    from storage.formats import review_html, review_md, review_xlsx
    from storage.reading.review_read import read_review_records
    from storage.reading.rows import ALL, reading

    writer = {"md": review_md.write, "html": review_html.write, "xlsx": review_xlsx.write}[fmt]
    chosen = selection or ALL
    step(_("Reading the portfolio"))
    with reading(source) as reader:
        cycles = read_review_records(reader, chosen)
    step(_("Writing {path}").format(path=path))
    made = content.build(
        cycles,
        community,
        within,
        now=now,
        funding_types=tuple(funding_types) or None,
        scales=chosen.scales,
        types=chosen.types,
    )
    writer(made, community, path, lang=lang)
    return made
