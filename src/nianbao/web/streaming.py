"""The streamed cell list of the overview's view (/api/export.csv?kind=cells, the cells sheet of
/api/export.xlsx): written batch by batch as the database hands the reports over, so the first
bytes leave at once and memory stays flat whatever the number of reports.  (The report list is
the store's export builder's wide form: web/exports.py.)

The reports come in the overview's order, a batch at a time through keyset pagination
(WebStore.page); each batch's cells are read from the store in one query (store/reports.py
load_reports, without provenance), people's corrections applied; the columns are api.CELL_FIELDS.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, Sequence

from ..formula_guard import escape_mapping
from ..store.export import cell_label, csv_bytes
from ..store.export import readings as list_text
from ..store.reports import apply_correction
from .storage import Filters, WebStore

if TYPE_CHECKING:  # annotations only: the rows come from the service, the web never queries them
    from ..store.models import StoredReport

BATCH = 500  # reports per database round trip
CELL_BATCH = 100  # for the cell export: each report's cells become objects, about 200 per report


def report_batches(store: WebStore, filters: Filters, principal=None, size: int = BATCH) -> Iterator[list[StoredReport]]:
    """The filtered view in the overview's default order, `size` reports at a time."""
    after: str | None = None
    while True:
        rows, after = store.page(filters, size, after=after, principal=principal)
        if rows:
            yield rows
        if after is None:
            return


def csv_stream(fields: Sequence[str], batches: Iterable[list[StoredReport]],
               items: Callable[[list[StoredReport]], Iterable[dict[str, Any]]],
               headers: Sequence[Sequence[str]] | None = None) -> Iterator[bytes]:
    """UTF-8 CSV with a BOM (Excel opens it as Chinese only with one), in chunks as the export
    builder hands them (store/export.csv_bytes); text a spreadsheet would run as a formula is
    escaped (formula_guard).  `headers`: the header rows (web/export_headers.py); the keys by default."""
    lines = ([escaped.get(field) for field in fields]  # a field an item lacks is blank, as None is
             for batch in batches for escaped in map(escape_mapping, items(batch)))
    return csv_bytes(headers or [list(fields)], lines)


def cell_items(store: WebStore, rows: list[StoredReport]) -> Iterator[dict[str, Any]]:
    """One row per cell of each report, as stored with people's corrections applied: `value`
    is the value in force, `parsed_value` the parser's under a correction (or a blank for a cell
    typed in where nothing was read), `corrected` marks both."""
    for row, (report, fixed) in zip(rows, store.parsed_with_corrections(rows)):
        parsed = {path: report.value(path) for path in fixed}
        for path, value in fixed.items():
            apply_correction(report, path, value)
        n_uncertain = len(report.uncertain)  # the stored n_uncertain, counted on the cells exported
        for path, cell in report.cells():
            table, row_key, column = path.split(".")
            by_hand = path in fixed
            yield {
                # Its agency (the kept one after a merge), the printed name beside it.
                "report_id": row.id, "source": row.source, "agency": row.agency_name or row.agency,
                "agency_printed": row.agency, "year": row.year,
                "edition": row.edition, "n_uncertain": n_uncertain, "table": table, "row": row_key, "column": column,
                "label": cell_label(path, row.edition), "value": cell.value,
                "parsed_value": parsed[path] if by_hand else cell.value, "raw": cell.raw, "corrected": 1 if by_hand else "",
                "uncertain": 1 if cell.uncertain else "",
                "alternatives": list_text(list(cell.alternatives)) if cell.uncertain else "", "inferred": cell.inferred or "",
            }

