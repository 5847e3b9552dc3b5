"""The wide CSV export on PostgreSQL: the database prints each report's cells as text, Python only
places them in their columns.

The Python path (store/export.py, `_wide_lines`) decodes each report's cells from JSON into numbers
and has the csv writer print some four hundred fields a report; on PostgreSQL this path asks the
server for one string per report, `path␟text␟path␟text…`, each value already printed as the Python
path prints it, and Python splits it into a copy of the row template (every cell column, blank)
and joins the row.  The report's metadata still goes through the csv writer, field by field, as
before, so quoting and formula escapes cannot drift.  The bytes are the Python path's, byte for
byte (tests/test_export_pg.py compares them).

Printing a number: a whole NUMERIC (scale 0) prints its digits, as the Python path's int does.
A fraction prints as Python's float does (`repr`) when its text without trailing zeros is the same
thing: at most 15 significant digits (a double round-trips them) between 10⁻⁴ and 10¹⁵ (`repr`
switches to exponents outside 10⁻⁴…10¹⁶).  Any other value comes marked `?` and is printed by
Python the Python path's way; money with fen and counts never need it.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict, deque
from decimal import Decimal
from concurrent.futures import Future, ThreadPoolExecutor
from itertools import groupby
from operator import itemgetter
from typing import Any, Collection, Iterator, NamedTuple

from sqlalchemy import Select, text

from . import export as python_export
from .agencies import normalise as agency_key
from .db import Store
from ..formula_guard import escape_formula
from ..values import plain

SEPARATOR = "\x1f"  # between paths and values in the gathered string: no key or number holds it
ODD = "?"  # a value Python prints itself
# Batches gathered at once, each on its own connection: the server prints some 200 cells a report
# (60-130 us of its CPU, measured), as long as Python takes for the rest of the line; two server
# processes keep up with one writer on a two-core machine.
GATHERERS = 2

# How the Python path prints a stored value (see the module's docstring), in SQL.
_VALUE_TEXT = f"""CASE WHEN value IS NULL THEN ''
  WHEN scale(value) = 0 THEN value::text
  WHEN abs(value) >= 0.0001 AND abs(value) < 1e15 AND length(trim_scale(value)::text) <= 16
    THEN trim_scale(value)::text
  ELSE '{ODD}' || value::text END"""
_PATH = "tbl || '.' || row || '.' || col"
_GATHER = text(f"""
SELECT report_id,
       string_agg({_PATH} || '{SEPARATOR}' || {_VALUE_TEXT}, '{SEPARATOR}'),
       CAST(json_object_agg({_PATH}, unit) FILTER (WHERE unit IS NOT NULL) AS text),
       array_agg({_PATH}) FILTER (WHERE uncertain)
FROM cells WHERE report_id = ANY(CAST(:ids AS integer[])) GROUP BY report_id
""")


# The long form's cells of a batch of reports, each value printed as the Python path prints a stored
# decimal (`values.plain`: a whole one as an int, whatever its size).
_LONG_VALUE_TEXT = f"""CASE WHEN value IS NULL THEN NULL
  WHEN scale(value) = 0 THEN value::text
  WHEN trim_scale(value) = trunc(value) THEN trunc(value)::text
  WHEN abs(value) >= 0.0001 AND abs(value) < 1e15 AND length(trim_scale(value)::text) <= 16
    THEN trim_scale(value)::text
  ELSE '{ODD}' || value::text END"""
_LONG_CELLS = text(f"""
SELECT report_id, {_PATH} AS path, tbl, row, col, {_LONG_VALUE_TEXT} AS value, raw, unit, inferred, uncertain,
       alternatives
FROM cells WHERE report_id = ANY(CAST(:ids AS integer[])) ORDER BY report_id, id
""")


def is_postgresql(store: Store) -> bool:
    return store.engine.dialect.name == "postgresql"


def wide_csv_lines(store: Store, cols: list[tuple[str, str]], ids: Collection[int] | None = None,
                   query: Select | None = None) -> Iterator[str]:
    """The wide form's data lines as CSV text (each ending in CRLF), report by report in id order."""
    keys = [key for key, _ in cols]
    meta_keys = keys[:keys.index(python_export.DOUBT[0][0])]
    template = dict.fromkeys(keys[len(meta_keys) + len(python_export.DOUBT):], "")
    meta_line: _MetaLine | None = None
    batches = python_export._report_batches(store, ids=ids, query=query)
    for reports, gathered, fixes in python_export.prefetched(_gathered_batches(store, batches)):
        for report in reports:
            cells, doubt = _report_cells(gathered.get(report.id), fixes.get(report.sha256), template)
            meta_line = meta_line or _MetaLine(meta_keys, report._fields)
            yield meta_line(report, doubt) + ",".join(cells.values()) + "\r\n"


def _gathered_batches(store: Store, batches: Iterator[list[Any]]) -> Iterator[tuple[list, dict, dict]]:
    """Each batch of reports with its cells as the database printed them and its corrections by
    hash, GATHERERS batches in flight at once, handed on in order."""
    pool = ThreadPoolExecutor(max_workers=GATHERERS, thread_name_prefix="export-gather")
    pending: deque[Future] = deque()
    try:
        for reports in batches:
            pending.append(pool.submit(_gathered, store, reports))
            if len(pending) >= GATHERERS:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:
        pool.shutdown(wait=False, cancel_futures=True)  # a closed download does not wait for a query


def _gathered(store: Store, reports: list[Any]) -> tuple[list, dict, dict]:
    with store.session() as session:
        gathered = {row[0]: row[1:] for row in session.execute(_GATHER, {"ids": [r.id for r in reports]})}
    return reports, gathered, _fixes_by_hash(store, reports)


def _fixes_by_hash(store: Store, reports: list[Any]) -> dict[str, dict[str, Any]]:
    """The reports' corrections in force: document hash → cell path → value."""
    fixes: dict[str, dict[str, Any]] = defaultdict(dict)
    for (sha, path), value in python_export.corrections_of(store, [r.sha256 for r in reports]).items():
        fixes[sha][path] = value
    return fixes


def _report_cells(gathered: tuple | None, fixes: dict[str, Any] | None,
                  template: dict[str, str]) -> tuple[dict[str, str], list[str]]:
    """The report's cell columns as printed text (blank where it has none), and its guessed cells
    no person corrected since, in column order."""
    fixes = fixes or {}
    cells = template.copy()
    if gathered is None:  # a report without cells: every column blank
        return cells, []
    printed, units, guessed = gathered
    parts = iter(printed.split(SEPARATOR))
    cells.update(zip(parts, parts))
    if len(cells) != len(template):  # cells of neither edition: no column of their own
        for path in [path for path in cells if path not in template]:
            del cells[path]
    if ODD in printed:
        _print_odd(cells)
    # A correction counts for a cell the report has (values never look like paths).
    fixed = [path for path in fixes if f"{SEPARATOR}{path}{SEPARATOR}" in SEPARATOR + printed]
    for path in fixed:
        if path in template:
            cells[path] = _printed(fixes[path]) or ""
    if units:
        for path, unit in python_export._json(units).items():
            column = python_export._unit_column(path)
            if column:
                cells[column] = _csv_field(escape_formula(unit))
    doubt = sorted((path for path in guessed or () if path not in fixed), key=python_export._column_order)
    return cells, doubt


def _print_odd(cells: dict[str, str]) -> None:
    """Values the database could not print as Python does, printed by Python (a JSON number's way)."""
    for path, value in cells.items():
        if value.startswith(ODD):
            cells[path] = str(python_export._float_text(value[len(ODD):]))


def _csv_field(value: Any) -> str:
    """One text field as the csv writer quotes it (QUOTE_MINIMAL: delimiter, quote, CR or LF)."""
    value = "" if value is None else str(value)
    if any(ch in value for ch in ',"\r\n'):
        return '"' + value.replace('"', '""') + '"'
    return value


class _MetaLine:
    """The metadata fields and the guessed cells of a wide line, through the csv writer as in the
    Python path (`_meta_row`, `_meta_text`), then the comma before the first cell.  The fields are
    picked from the report's row by position: a dict per report cost a third of the line."""

    # Filled per report after the row's own fields (python_export._name_agency's names).
    _DERIVED = ("agency", "agency_printed", "agency_key", "n_uncertain")

    def __init__(self, meta_keys: list[str], fields: tuple[str, ...]) -> None:
        self.identity = fields.index("agency_identity")
        self.printed = fields.index("agency")
        derived = {key: len(fields) + n for n, key in enumerate(self._DERIVED)}
        missing = len(fields) + len(self._DERIVED)  # a key neither the row nor derived: blank
        self.pick = itemgetter(*(derived.get(key, fields.index(key) if key in fields else missing)
                                 for key in meta_keys))
        self.buffer = io.StringIO()
        self.writer = csv.writer(self.buffer)

    def __call__(self, report: Any, doubt: list[str]) -> str:
        printed = report[self.printed]
        agency = report[self.identity] or printed
        row = (*report, agency, printed, agency_key(agency) if agency else None, len(doubt), None)
        self.writer.writerow([*map(python_export._meta_text, self.pick(row)),
                              python_export.SEPARATOR.join(doubt)])
        line = self.buffer.getvalue()
        self.buffer.seek(0)
        self.buffer.truncate()
        return line[:-2] + ","  # the writer's CRLF, replaced by the comma before the cells


# --------------------------------------------------------------------------- the long form

class _LongCell(NamedTuple):
    report_id: int
    path: str
    tbl: str
    row: str
    col: str
    value: str | None  # printed by the database (_LONG_VALUE_TEXT)
    raw: str | None
    unit: str | None
    inferred: str | None
    uncertain: bool
    alternatives: str | None


def long_csv_lines(store: Store, ids: Collection[int] | None = None,
                   query: Select | None = None) -> Iterator[list[Any]]:
    """The long form's lines (one per cell, LONG's columns) for the csv writer, with the numbers
    printed by the database and each report's metadata printed once: the same fields as
    `export.long_rows` through `export.text`, without a dict per cell."""
    batches = python_export._report_batches(store, python_export.LONG_BATCH, ids=ids, query=query)
    for reports, cells, fixes in python_export.prefetched(_long_batches(store, batches)):
        by_id = {report.id: report for report in reports}
        for report_id, report_cells in groupby(cells, key=itemgetter(0)):
            report = by_id[report_id]
            yield from _long_lines(report, list(report_cells), fixes.get(report.sha256) or {})


def _long_batches(store: Store, batches: Iterator[list[Any]]) -> Iterator[tuple[list, list, dict]]:
    for reports in batches:
        with store.session() as session:
            cells = [_LongCell(*row) for row in session.execute(_LONG_CELLS, {"ids": [r.id for r in reports]})]
        yield reports, cells, _fixes_by_hash(store, reports)


def _long_lines(report: Any, cells: list[_LongCell], fixes: dict[str, Any]) -> Iterator[list[Any]]:
    meta_text, label = python_export._meta_text, python_export.cell_label
    meta = python_export._meta_row(report)
    doubtful = [cell.uncertain and cell.path not in fixes for cell in cells]
    prefix = [meta_text(meta[key]) for key in python_export._LONG_META] + [sum(doubtful)]
    for cell, doubt in zip(cells, doubtful):
        fixed = cell.path in fixes
        parsed = _long_number(cell.value)
        yield [*prefix, meta_text(cell.path), meta_text(cell.tbl), meta_text(cell.row), meta_text(cell.col),
               meta_text(label(cell.path, report.edition)),
               _printed(fixes[cell.path]) if fixed else parsed,
               meta_text(cell.raw), meta_text(cell.unit), meta_text(cell.inferred),
               # `uncertain` speaks of the value in force: a person's correction is not a guess.
               doubt, python_export.text(python_export._alternatives(cell)) if doubt else None,
               fixed, parsed]


def _long_number(printed: str | None) -> str | None:
    """A value as the database printed it, or, marked ODD, as the Python path prints it: the stored
    decimal as `values.plain` reads it, then a whole float as an int (`export.plain`)."""
    if printed is None or not printed.startswith(ODD):
        return printed
    return str(python_export.plain(plain(Decimal(printed[len(ODD):]))))


def _printed(value: Any) -> str | None:
    """A corrected value (already `plain`) as the csv writer prints it."""
    return None if value is None else str(value)
