"""The wide CSV export on PostgreSQL: the database prints each report's cells as text, Python only
places them in their columns.

The Python path (store/export.py, `_wide_lines`) decodes each report's cells from JSON into numbers
and has the csv writer print some four hundred fields a report; on PostgreSQL this path asks the
server for one string per report, `path␟text␟path␟text…`, each value already printed as the Python
path prints it, and Python splits it into a copy of the row template (every cell column, blank)
and joins the row.  The report's metadata is printed by the database too, comma-joined, where no
text field needs the csv writer's quotes or may need the formula guard (`_meta_sql`: the same test
as `_meta_text`'s); Python fills in the agency's comparison key and the count of guessed cells.  A
report whose metadata needs either goes through the csv writer field by field (`_MetaLines`), so
quoting and formula escapes cannot drift.  The bytes are the Python path's, byte for byte
(tests/test_export_pg.py compares them).

Printing a number: a whole NUMERIC (scale 0) prints its digits, as the Python path's int does.
A fraction prints as Python's float does (`repr`) when its text without trailing zeros is the same
thing: at most 15 significant digits (a double round-trips them) between 10⁻⁴ and 10¹⁵ (`repr`
switches to exponents outside 10⁻⁴…10¹⁶).  Any other value comes marked `?` and is printed by
Python the Python path's way; money with fen and counts never need it.

Printed once, kept: each report's cell columns are stored as the wide CSV writes them (a
*fragment*, table `wide_fragments`, revision 0019) with the signature of the state they were
printed from — the printing rules and column set (`FRAGMENT_VERSION`, the column keys), the
report's `cells_revision` (moved on by triggers on any write to its cells), its edition and its
document's corrections.  A batch's query computes the current signatures and returns the fragments whose
signature still matches; the other reports are printed as above and their fragments stored
again.  A report's cells belong to its row (a re-parse is a new row), so the report id is the
key.  The metadata is never kept: names after merges, regions, counts are printed every time.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections import deque
from decimal import Decimal
from concurrent.futures import Future, ThreadPoolExecutor
from itertools import groupby
from operator import itemgetter
from typing import Any, Collection, Iterator, NamedTuple

from sqlalchemy import Select, String, TextClause, text
from sqlalchemy.exc import DBAPIError

from . import export as python_export
from .agencies import normalise as agency_key
from .db import Store
from .models import StoredReport
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

# How a fragment is printed: raise it when this module or export.py prints a cell column, a unit or
# the guessed cells differently, so that every stored fragment is printed again.  (The column set
# is in the signature by itself: `_Printing`.)
FRAGMENT_VERSION = 1
# The state a report's fragment is printed from, as one text: the printing (`:printing`), the
# report's cells revision (0 before any change to its cells), its edition and form of （六） (which
# cells a correction may fill where the parser read none) and its document's corrections, each by
# row id, cell and value (a later correction, one to blank and a revert are rows of their own).
_SIGNATURE = """md5(CAST(:printing AS text) || '|' || coalesce(f.cells_revision, 0) || '|'
  || coalesce(r.edition, '') || CASE WHEN r.single_other_handling THEN '/1' ELSE '/0' END || '|' || coalesce((
  SELECT string_agg(c.id || ':' || c.cell || '=' || coalesce(c.value::text, ''), ',' ORDER BY c.id)
  FROM corrections c WHERE c.sha256 = r.sha256), ''))"""


def _fragments_query(meta: str) -> TextClause:
    """A batch's current signatures, with the stored fragments that still match them, and each
    report's metadata as `meta` prints it (`_meta_sql`) with the agency name its key is made of."""
    return text(f"""
SELECT id, signature, fresh, CASE WHEN fresh THEN cells END AS cells, CASE WHEN fresh THEN doubt END AS doubt,
       doubt_count, agency, meta
FROM (SELECT r.id, s.signature, coalesce(f.signature = s.signature, false) AS fresh, f.cells, f.doubt, f.doubt_count,
             {_AGENCY} AS agency, {meta} AS meta
      FROM reports AS r
      -- OFFSET 0: looked up by index a report (joined, every agency was read: 7 of 9 ms a batch)
      LEFT JOIN LATERAL (SELECT name FROM agencies WHERE agencies.id = r.agency_id OFFSET 0) AS a ON true
      LEFT JOIN wide_fragments f ON f.report_id = r.id
      -- OFFSET 0: computed once a report, not once for each column that names it
      CROSS JOIN LATERAL (SELECT {_SIGNATURE} AS signature OFFSET 0) AS s
      WHERE r.id = ANY(CAST(:ids AS integer[]))) AS current
""")


# --------------------------------------------------------------------------- the metadata, printed

# The metadata fields Python fills into the line the database printed, where the database's text
# holds SEPARATOR: the agency's comparison key (agencies.normalise is Python's) and the count of
# guessed cells (the fragment's, which may be printed only now).
_FILLED = ("agency_key", "n_uncertain")
# `agency` as the Python path names it (_name_agency): the kept agency after merges, else the name printed.
_AGENCY = "coalesce(nullif(a.name, ''), r.agency)"
_TEXT_COLUMNS = {"agency": _AGENCY, "agency_printed": "r.agency"}


def _meta_sql(meta_keys: list[str]) -> str:
    """SQL of a report's metadata fields comma-joined as the csv writer prints them, SEPARATOR for
    each field Python fills; NULL where a text field would be quoted, may need the formula guard's
    escape or holds SEPARATOR (`:unsafe`, `_unsafe_pattern`): that line is printed by Python
    (`_MetaLines`).  So the database prints only fields Python would print unchanged: ints and
    blanks alike (concat prints NULL as nothing), text as it is."""
    fields, texts = [], []
    for key in meta_keys:
        if key in _FILLED:
            fields.append(f"'{SEPARATOR}'")
        elif key in python_export._INT_META:
            fields.append(f"r.{key}")
        elif key in _TEXT_COLUMNS or key in _REPORT_TEXT:
            fields.append(_TEXT_COLUMNS.get(key, f"r.{key}"))
            texts.append(fields[-1])
        else:  # a key of neither the report nor the fields filled in: blank, as in `_MetaLines`
            fields.append("''")
    printed = "concat(" + ", ',', ".join(fields) + ")"
    if not texts:
        return printed
    glued = "concat(" + f", '{_GLUE}', ".join(texts) + ")"
    return f"CASE WHEN {glued} ~ CAST(:unsafe AS text) THEN NULL ELSE {printed} END"


# Between a report's text fields in the one text `:unsafe` is matched against.
_GLUE = "\x1e"


def _unsafe_pattern(guarded: Collection[str]) -> str:
    """The pattern (PostgreSQL's) of metadata text the database leaves to Python: a character the
    csv writer quotes for, SEPARATOR, or a field (after the start or _GLUE) starting with a
    character the formula guard looks at (`guarded`).  A field holding _GLUE may be left to Python
    without need, never printed by the database with need."""
    starts = "".join(sorted(set(guarded) - {"-"})) + ("-" if "-" in guarded else "")  # a dash last: itself
    assert "]" not in starts and "\\" not in starts and not starts.startswith("^"), starts
    return f'[,"\r\n{SEPARATOR}]|(^|{_GLUE})[{starts}]'


_REPORT_TEXT = frozenset(column.name for column in StoredReport.__table__.columns
                         if isinstance(column.type, String))  # VARCHAR and TEXT


class _PrintedMeta(NamedTuple):
    """A report's metadata fields as the database printed them (`_meta_sql`), and its agency's name."""

    text: str
    agency: str | None
_KEEP = text("""
INSERT INTO wide_fragments (report_id, signature, cells, doubt, doubt_count)
SELECT * FROM unnest(CAST(:ids AS integer[]), CAST(:signatures AS text[]), CAST(:cells AS text[]),
                     CAST(:doubts AS text[]), CAST(:counts AS integer[]))
ON CONFLICT (report_id) DO UPDATE SET signature = excluded.signature, cells = excluded.cells,
  doubt = excluded.doubt, doubt_count = excluded.doubt_count
""")  # cells_revision is the triggers': a fragment printed from an older revision keeps the old one


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


class WideBlock(NamedTuple):
    """A batch's wide lines as one CSV text, each line ending in CRLF, and how many lines it holds."""

    text: str
    rows: int


def wide_csv_blocks(store: Store, cols: list[tuple[str, str]], ids: Collection[int] | None = None,
                    query: Select | None = None) -> Iterator[WideBlock]:
    """The wide form's data lines as CSV text, a batch of reports at a time in id order.  Joined a
    batch at a time, not line by line: each line's metadata is wider text (Chinese) than its cells,
    and every join copies."""
    keys = [key for key, _ in cols]
    meta_keys = keys[:keys.index(python_export.DOUBT[0][0])]
    printing = _Printing(meta_keys, keys[len(meta_keys) + len(python_export.DOUBT):])
    meta_lines: _MetaLines | None = None
    # Only the ids: the database prints the metadata with the fragments (`_gathered`).
    batches = python_export._report_batches(store, ids=ids, query=query, fields=(StoredReport.id,))
    for batch in python_export.prefetched(_gathered_batches(store, batches, printing)):
        guarded = [batch.rows[report_id] for report_id in batch.ids if report_id not in batch.printed]
        by_python: dict[int, str] = {}
        if guarded:
            meta_lines = meta_lines or _MetaLines(meta_keys, guarded[0]._fields)
            by_python = dict(zip([report.id for report in guarded],
                                 meta_lines(guarded, [batch.fragments[report.id] for report in guarded])))
        yield WideBlock(_joined_lines(batch, by_python, printing.filled), len(batch.ids))


class _Batch(NamedTuple):
    """A batch of reports as the gatherers hand it on: the ids (in order) of those still there, their
    fragments, the metadata the database printed, and the rows of those it did not print (or whose
    fragments were printed now)."""

    ids: list[int]
    fragments: dict[int, _Fragment]
    printed: dict[int, _PrintedMeta]
    rows: dict[int, Any]


def _joined_lines(batch: _Batch, by_python: dict[int, str], filled: tuple[str, ...]) -> str:
    """A batch's lines as one text: each report's metadata as the database printed it with Python's
    fields filled in (or, where the formula guard may escape a field, as `by_python` printed it),
    its guessed cells, then its cells."""
    parts: list[str] = []
    for report_id in batch.ids:
        fragment = batch.fragments[report_id]
        meta = by_python[report_id] if report_id in by_python else _filled_in(batch.printed[report_id], fragment,
                                                                              filled)
        parts += (meta, ",", fragment.cells, "\r\n")
    return "".join(parts)


def _filled_in(printed: _PrintedMeta, fragment: _Fragment, filled: tuple[str, ...]) -> str:
    """The metadata the database printed with the fields Python fills (`_FILLED`) in their places,
    then the guessed cells."""
    segments = printed.text.split(SEPARATOR)
    pieces = [segments[0]]
    for key, segment in zip(filled, segments[1:]):
        pieces += (_agency_key_field(printed.agency) if key == "agency_key" else str(fragment.doubt_count), segment)
    pieces += (",", _csv_field(fragment.doubt) if fragment.doubt else "")
    return "".join(pieces)


def _agency_key_field(agency: str | None) -> str:
    """`agency_key` as the csv writer prints it (`_name_agency`, `_meta_text`): a name's comparison
    key may start with a formula character its name does not (NFKC makes ＝ =)."""
    return _csv_field(python_export._meta_text(agency_key(agency))) if agency else ""


class _Printing:
    """The columns of an export: the cells' row template (every column, blank) and the text that
    names them and the printing rules in a fragment's signature; the query of a batch's fragments
    and printed metadata, and the metadata fields Python fills in, in order."""

    def __init__(self, meta_keys: list[str], cell_keys: list[str]) -> None:
        self.template = dict.fromkeys(cell_keys, "")
        named = SEPARATOR.join([str(FRAGMENT_VERSION), *cell_keys]).encode("utf-8")
        self.signature = hashlib.sha256(named).hexdigest()
        self.fragments = _fragments_query(_meta_sql(meta_keys))
        self.filled = tuple(key for key in meta_keys if key in _FILLED)
        self.unsafe = _unsafe_pattern(python_export._MAY_RUN)


class _Fragment(NamedTuple):
    """A report's cell columns as CSV text, and its guessed cells no person corrected since."""

    cells: str  # the cell columns' fields, comma-joined
    doubt: str  # the guessed cells' keys as `uncertain_cells` prints them
    doubt_count: int


def _gathered_batches(store: Store, batches: Iterator[list[Any]], printing: _Printing) -> Iterator[_Batch]:
    """Each batch of reports with their fragments, GATHERERS batches in flight at once, handed on in
    order."""
    pool = ThreadPoolExecutor(max_workers=GATHERERS, thread_name_prefix="export-gather")
    pending: deque[Future] = deque()
    try:
        for reports in batches:
            pending.append(pool.submit(_gathered, store, reports, printing))
            if len(pending) >= GATHERERS:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:
        pool.shutdown(wait=False, cancel_futures=True)  # a closed download does not wait for a query


def _gathered(store: Store, reports: list[Any], printing: _Printing) -> _Batch:
    """The batch's fragments: the stored ones whose signature is the current one, the others
    printed now and stored; the metadata the database printed (not for a report whose text the
    formula guard may escape: its row is read for Python to print)."""
    chosen = [report.id for report in reports]
    with store.engine.connect() as connection:
        rows = connection.execute(printing.fragments, {"ids": chosen, "printing": printing.signature,
                                                       "unsafe": printing.unsafe}).all()
    fragments, printed, signatures = {}, {}, {}
    for report_id, signature, fresh, cells, doubt, doubt_count, agency, meta in rows:
        signatures[report_id] = signature
        if fresh:
            fragments[report_id] = _Fragment(cells, doubt, doubt_count)
        if meta is not None:
            printed[report_id] = _PrintedMeta(meta, agency)
    wanted = [report_id for report_id in chosen if report_id not in fragments or report_id not in printed]
    full = {row.id: row for row in python_export.report_rows(store, wanted)} if wanted else {}
    stale = [full[report_id] for report_id in wanted if report_id not in fragments and report_id in full]
    if stale:
        # The signatures were read before the cells and corrections are: a change in between
        # leaves a fragment under an older signature (printed again next time), never the reverse.
        fresh_now = _printed_fragments(store, stale, printing.template)
        _keep(store, fresh_now, signatures)
        fragments.update(fresh_now)
    # A report deleted since the batch was chosen has neither a row nor a fragment: it is left out.
    if wanted:
        chosen = [report_id for report_id in chosen if report_id in fragments and (report_id in printed or
                                                                                  report_id in full)]
    return _Batch(chosen, fragments, printed, full)


def _printed_fragments(store: Store, reports: list[Any], template: dict[str, str]) -> dict[int, _Fragment]:
    """The reports' fragments printed from their cells (by the database) and corrections."""
    with store.engine.connect() as connection:
        gathered = {row[0]: row[1:] for row in connection.execute(_GATHER, {"ids": [r.id for r in reports]}).all()}
    fixes = python_export.corrections_by_hash(store, [r.sha256 for r in reports])
    fragments = {}
    for report in reports:
        cells, doubt = _report_cells(report, gathered.get(report.id), fixes.get(report.sha256), template)
        fragments[report.id] = _Fragment(",".join(cells.values()), python_export.SEPARATOR.join(doubt), len(doubt))
    return fragments


def _keep(store: Store, fragments: dict[int, _Fragment], signatures: dict[int, str]) -> None:
    """Store the fragments under the signatures read before they were printed."""
    ids = sorted(fragments)  # rows locked in id order: two exports storing at once never deadlock
    values = {"ids": ids, "signatures": [signatures[i] for i in ids], "cells": [fragments[i].cells for i in ids],
              "doubts": [fragments[i].doubt for i in ids], "counts": [fragments[i].doubt_count for i in ids]}
    try:
        with store.engine.begin() as connection:
            # Not waiting for the disk: a fragment lost to a crash is printed again next time.
            connection.execute(text("SET LOCAL synchronous_commit TO off"))
            connection.execute(_KEEP, values)
    except DBAPIError:
        # Kept for speed only: a report deleted meanwhile (its row gone) or a database this role may
        # only read leaves these to be printed again next time, and the export goes on.
        pass


def _report_cells(report: Any, gathered: tuple | None, fixes: dict[str, Any] | None,
                  template: dict[str, str]) -> tuple[dict[str, str], list[str]]:
    """The report's cell columns as printed text (blank where it has none), and its guessed cells
    no person corrected since, in column order."""
    fixes = fixes or {}
    cells = template.copy()
    printed, units, guessed = gathered or ("", None, None)  # a report without cells: blank but typed-in ones
    parts = printed.split(SEPARATOR)
    present = dict(zip(parts[::2], parts[1::2]))  # path → printed value, the cells the report has
    cells.update(present)
    if len(cells) != len(template):  # cells of neither edition: no column of their own
        for path in [path for path in cells if path not in template]:
            del cells[path]
    if ODD in printed:
        _print_odd(cells)
    # A correction counts for a cell the report has or one of its edition typed in by hand.
    fixed = python_export.typed_in(report, fixes, present)
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
    if _QUOTED.search(value):
        return '"' + value.replace('"', '""') + '"'
    return value


_QUOTED = re.compile('[,"\r\n]')  # what the csv writer quotes a field for


# Ends each metadata line of a batch in the one text the csv writer prints them into.  The writer
# quotes a field holding any character of its line terminator, so the terminator keeps the default's
# CRLF (a field with a line break is quoted as before) and adds NUL, which PostgreSQL's text cannot
# hold: no field has it, so the text splits into exactly the batch's lines.
_META_END = "\r\n\x00"


class _MetaLines:
    """The metadata fields and the guessed cells of a batch's wide lines, through the csv writer as in
    the Python path (`_meta_row`, `_meta_text`), a batch at a time.  The fields are picked from the
    report's row by position: a dict per report cost a third of the line."""

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
        self.writer = csv.writer(self.buffer, lineterminator=_META_END)

    def __call__(self, reports: list[Any], fragments: list[_Fragment]) -> list[str]:
        """Each report's metadata and guessed cells as CSV text, without a line end."""
        self.writer.writerows(self._fields(report, fragment) for report, fragment in zip(reports, fragments))
        text = self.buffer.getvalue()
        self.buffer.seek(0)
        self.buffer.truncate()
        lines = text.split(_META_END)
        if len(lines) != len(reports) + 1:  # a field held NUL after all: the lines would be misplaced
            raise ValueError("元数据含有空字符（NUL），无法导出 / a metadata field holds NUL")
        return lines[:-1]

    def _fields(self, report: Any, fragment: _Fragment) -> list[Any]:
        printed = report[self.printed]
        agency = report[self.identity] or printed
        row = (*report, agency, printed, agency_key(agency) if agency else None, fragment.doubt_count, None)
        return [*map(python_export._meta_text, self.pick(row)), fragment.doubt]


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
        by_id = {report_id: list(report_cells) for report_id, report_cells in groupby(cells, key=itemgetter(0))}
        for report in reports:  # in id order, as the cells come; one without cells may have typed-in ones
            yield from _long_lines(report, by_id.get(report.id, []), fixes.get(report.sha256) or {})


def _long_batches(store: Store, batches: Iterator[list[Any]]) -> Iterator[tuple[list, list, dict]]:
    for reports in batches:
        with store.session() as session:
            cells = [_LongCell(*row) for row in session.execute(_LONG_CELLS, {"ids": [r.id for r in reports]})]
        yield reports, cells, python_export.corrections_by_hash(store, [r.sha256 for r in reports])


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
    for path in python_export.hand_typed_rows(report, fixes, {cell.path for cell in cells}):
        tbl, row, col = path.split(".")
        yield [*prefix, meta_text(path), meta_text(tbl), meta_text(row), meta_text(col),
               meta_text(label(path, report.edition)), _printed(fixes[path]),
               None, None, None, False, None, True, None]


def _long_number(printed: str | None) -> str | None:
    """A value as the database printed it, or, marked ODD, as the Python path prints it: the stored
    decimal as `values.plain` reads it, then a whole float as an int (`export.plain`)."""
    if printed is None or not printed.startswith(ODD):
        return printed
    return str(python_export.plain(plain(Decimal(printed[len(ODD):]))))


def _printed(value: Any) -> str | None:
    """A corrected value (already `plain`) as the csv writer prints it."""
    return None if value is None else str(value)
