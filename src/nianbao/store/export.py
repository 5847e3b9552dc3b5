"""Exports of the current reports: wide (one row per report, one column per cell) or
long (one row per cell), as CSV (UTF-8 with BOM, for Excel), Parquet or XLSX.

Column keys are canonical cell paths and their Chinese headers come from
nianbao.editions, so an export never lists rows or columns of its own.  Values are
the corrected values where a person has made a correction.  Reports are read from the
database in batches and written as they come, so memory does not grow with the corpus.

Doubt travels with the values: a value the parser only guessed (Cell.uncertain) and no
person corrected is flagged in every form — the long form per row (`uncertain`, with the
other readings in `alternatives`), the wide form per report (`n_uncertain`, and the keys
of the guessed cells in `uncertain_cells`); in XLSX the guessed values are also filled
and carry a note with the other readings, explained on a legend sheet.
"""

from __future__ import annotations

import csv
import io
import json
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from queue import Empty, Full, Queue
from typing import Any, Callable, Collection, Container, Iterable, Iterator, Sequence, TypeVar

from sqlalchemy import Select, Text, any_, cast, func, literal, select

from .. import editions
from .agencies import normalise as agency_key
from ..formula_guard import FORMULA_TRIGGERS, QUOTE, escape_formula
from . import export_pg
from .db import Store
from .models import Agency, Correction, StoredCell, StoredReport
from .batching import batched
from .reports import alternatives_from_json
from .versions import COUNTED

BATCH = 500  # reports per database round trip: about 100,000 cells, a few MB in flight
LONG_BATCH = 100  # the long form reads each cell as a row: about 20,000 rows in flight
CHUNK = 1 << 20  # characters of CSV handed on at a time (a streamed download's pieces)
T = TypeVar("T")

# Report metadata columns: (key, Chinese header).
META: tuple[tuple[str, str], ...] = (
    ("id", "报告编号"), ("sha256", "文件哈希"), ("source", "文件"), ("format", "文件格式"), ("edition", "格式版本"),
    ("year", "年度"),
    ("agency", "机关"), ("agency_printed", "原文机关名称"), ("agency_key", "机关（规范名）"), ("level", "层级"),
    ("province", "省"),
    ("city", "市"), ("county", "县"), ("township", "乡镇街道"), ("region_code", "行政区划代码"),
    ("gov_level", "政府层级"), ("published", "发布日期"), ("status", "解析状态"),
    ("error", "失败原因"), ("n_errors", "错误数"), ("n_warnings", "警告数"), ("n_uncertain", "推测单元格数"),
    ("parser_version", "解析器版本"),
)
# Wide form, after the metadata: the keys of the report's guessed cells (a list; ";"-joined in CSV and XLSX).
DOUBT: tuple[tuple[str, str], ...] = (("uncertain_cells", "推测单元格"),)
_INT_META = {"id", "year", "n_errors", "n_warnings", "n_uncertain"}
SEPARATOR = ";"  # between list items in CSV and XLSX

LONG: tuple[tuple[str, str], ...] = (
    ("sha256", "文件哈希"), ("source", "文件"), ("edition", "格式版本"), ("year", "年度"), ("agency", "机关"),
    ("agency_printed", "原文机关名称"), ("level", "层级"), ("province", "省"), ("city", "市"), ("county", "县"),
    ("township", "乡镇街道"), ("region_code", "行政区划代码"), ("n_uncertain", "推测单元格数"),
    ("cell", "单元格"), ("tbl", "表"), ("row", "行"), ("col", "列"), ("label", "名称"),
    ("value", "数值"), ("raw", "原文"), ("unit", "单位"), ("inferred", "推断说明"),
    ("uncertain", "不确定"), ("alternatives", "其他可能读法"), ("corrected", "人工更正"), ("parsed_value", "解析值"),
)
_META_KEYS = frozenset(key for key, _ in META)
_LONG_META = tuple(key for key, _ in LONG[:12])  # report attributes repeated on every row


@dataclass(frozen=True)
class CellColumn:
    key: str  # canonical path, or path of the unit key for money columns
    label: str  # Chinese header
    unit_of: str | None = None  # for unit columns: the money cell they qualify


@lru_cache(maxsize=1)
def cell_columns() -> tuple[CellColumn, ...]:
    """Every cell of both editions, in printed order, 2019 first; unit keys after their cell."""
    seen: dict[str, CellColumn] = {}
    for edition in editions.EDITIONS.values():
        for table in edition.tables:
            for row in table.rows:
                for column in table.columns_of(row):
                    path = f"{table.key}.{row.key}.{column.key}"
                    label = f"表{table.number}·{row.label}·{column.label}"
                    seen.setdefault(path, CellColumn(path, label))
                    if column.unit_key:
                        unit_path = f"{table.key}.{row.key}.{column.unit_key}"
                        seen.setdefault(unit_path, CellColumn(unit_path, f"{label}·单位", unit_of=path))
    return tuple(seen.values())


@lru_cache(maxsize=None)
def cell_label(path: str, edition: str | None = None) -> str:
    """Chinese name of a cell, in the wording of the report's edition when it has one."""
    table_key, row_key, column_key = path.split(".")
    if edition in editions.EDITIONS and any(table.key == table_key for table in editions.get(edition).tables):
        table = editions.get(edition).table(table_key)
        for row in table.rows:
            for column in table.columns_of(row) if row.key == row_key else ():
                if column.key == column_key:
                    return f"表{table.number}·{row.label}·{column.label}"
    for cell_column in cell_columns():
        if cell_column.key == path:
            return cell_column.label
    return path


def plain(value: Any) -> Any:
    """Integral floats back to int: counts are stored as floats (one numeric column)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


# --------------------------------------------------------------------------- reading

def counted_reports() -> Select:
    """Every report an export covers by default: one version per agency and year (store/versions.py),
    so twins are not exported twice.  A door with filters passes its own select of StoredReport."""
    return select(StoredReport).where(COUNTED)


# What an export reads of a report: the metadata columns (and the hash its corrections are filed
# under), as plain rows: building an ORM object per report cost as much as writing its line.
_REPORT_FIELDS = tuple(getattr(StoredReport, key) for key in dict.fromkeys(
    ["id", "sha256", "single_other_handling", *(key for key, _ in META)]) if key in StoredReport.__table__.columns) + (
    # `agency` is the report's agency (the kept one after a merge, store/merges.py), `agency_printed`
    # the name the report printed: grouped by `agency`, two names of one body are one.
    select(Agency.name).where(Agency.id == StoredReport.agency_id).scalar_subquery().label("agency_identity"),)


def _report_batches(store: Store, batch: int | None = None, ids: Collection[int] | None = None,
                    query: Select | None = None, fields: Sequence[Any] = _REPORT_FIELDS) -> Iterator[list[Any]]:
    """The reports of `query` (or of `ids`), counted ones only, in batches (BATCH) by id (keyset: each
    batch one indexed query, however deep into the export): rows of `fields`, the export's by default."""
    batch = batch or BATCH
    if ids is not None:
        for chunk in batched(sorted(ids), batch):
            with store.engine.connect() as connection:
                reports = connection.execute(select(*fields).where(COUNTED, StoredReport.id.in_(chunk))
                                             .order_by(StoredReport.id)).all()
            if reports:
                yield list(reports)
        return
    chosen = (query if query is not None else counted_reports()).where(COUNTED)
    chosen = chosen.with_only_columns(*fields).order_by(None)
    last = 0
    while True:
        # Read on a connection, not a session: the rows are plain tuples either way, and the ORM's
        # handling of them cost a fifth of a warm wide line.
        with store.engine.connect() as connection:
            reports = connection.execute(chosen.where(StoredReport.id > last).order_by(StoredReport.id)
                                         .limit(batch)).all()
        if not reports:
            return
        yield list(reports)
        last = reports[-1].id


def report_rows(store: Store, ids: Collection[int]) -> list[Any]:
    """The export's fields (_REPORT_FIELDS) of these reports, by id; one deleted meanwhile is not among them."""
    with store.engine.connect() as connection:
        return list(connection.execute(select(*_REPORT_FIELDS).where(StoredReport.id.in_(list(ids)))
                                       .order_by(StoredReport.id)).all())


def prefetched(items: Iterator[T], depth: int = 1) -> Iterator[T]:
    """`items` produced in a thread, `depth` ahead of the consumer: the database reads the next batch
    while this one is written (the driver waits for the server without the interpreter lock).  Memory
    stays bounded by `depth`; a consumer that stops early (a closed download) stops the thread."""
    queue: Queue = Queue(maxsize=depth)
    stop = threading.Event()
    done = object()

    def produce() -> None:
        try:
            for item in items:
                while not stop.is_set():
                    try:
                        queue.put((item, None), timeout=0.5)
                        break
                    except Full:
                        continue
                if stop.is_set():
                    return
            queue.put((done, None))
        except BaseException as failure:  # handed to the consumer, raised there
            queue.put((done, failure))

    worker = threading.Thread(target=produce, name="export-prefetch", daemon=True)
    worker.start()
    try:
        while True:
            item, failure = queue.get()
            if item is done:
                if failure is not None:
                    raise failure
                return
            yield item
    finally:
        # Not joined: a closed download may be finalised on the server's event loop, which must not
        # wait for a query.  The thread sees `stop` at its next hand-over (a freed slot makes that now).
        stop.set()
        try:
            queue.get_nowait()
        except Empty:
            pass


# The cell columns the long form writes: rows of these (attribute access as on StoredCell), not ORM
# objects — building an object per cell cost most of an export's time (hundreds per report).
_EXPORTED_CELL = (StoredCell.report_id, StoredCell.tbl, StoredCell.row, StoredCell.col, StoredCell.value,
                  StoredCell.raw, StoredCell.unit, StoredCell.inferred, StoredCell.uncertain, StoredCell.alternatives)


def _cells_of(store: Store, reports: list[Any]) -> dict[int, list[Any]]:
    out: dict[int, list[Any]] = {r.id: [] for r in reports}
    with store.session() as session:
        for cell in session.execute(
            select(*_EXPORTED_CELL).where(_among(store, StoredCell.report_id, list(out))).order_by(StoredCell.id)
        ):
            out[cell.report_id].append(cell)
    return out


def _among(store: Store, column: Any, values: list) -> Any:
    """`column IN values`; on PostgreSQL one array parameter (`= ANY(...)`) instead of one placeholder a
    value: the driver parses a statement's placeholders in Python, some 10 ms for a batch's 500."""
    if store.engine.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import ARRAY

        return column == any_(literal(list(values), ARRAY(column.type)))
    return column.in_(values)


def corrections_of(store: Store, hashes: list[str]) -> dict[tuple[str, str], float | None]:
    """Latest correction per (document hash, cell path)."""
    out: dict[tuple[str, str], float | None] = {}
    with store.session() as session:
        # Plain rows, not ORM objects: this runs for every batch of an export, mostly finding none.
        rows = session.execute(
            select(Correction.sha256, Correction.cell, Correction.value).where(_among(store, Correction.sha256, hashes))
            .order_by(Correction.created_at, Correction.id)
        )
        for sha, cell, value in rows:
            out[(sha, cell)] = value
    return out


def corrections_by_hash(store: Store, hashes: list[str]) -> dict[str, dict[str, float | None]]:
    """As `corrections_of`, grouped: document hash → cell path → value in force."""
    grouped: dict[str, dict[str, float | None]] = {}
    for (sha, path), value in corrections_of(store, hashes).items():
        grouped.setdefault(sha, {})[path] = value
    return grouped


@lru_cache(maxsize=8)
def _typeable(edition: str | None, single_other_handling: bool) -> frozenset[str]:
    from .hand_entry import entry_paths  # hand_entry reaches ingest, which reaches the store's writers

    return frozenset(entry_paths(edition, single_other_handling))


def _typeable_of(report: Any) -> frozenset[str]:
    """Every cell a person may type into `report`: the cells of its edition."""
    return _typeable(report.edition, bool(report.single_other_handling))


def typed_in(report: Any, fixes: Iterable[str], printed: Container[str]) -> list[str]:
    """The corrected paths of `report` that count: a cell it has, or any cell of its edition —
    typed in by hand where the parser read no cell at all (a table it missed)."""
    typeable = _typeable_of(report)
    return [path for path in fixes if path in printed or path in typeable]


def hand_typed_rows(report: Any, fixes: Iterable[str], printed: Container[str]) -> list[str]:
    """Corrected paths of the report's edition with no cell row, in column order."""
    typeable = _typeable_of(report)
    return sorted((path for path in fixes if path in typeable and path not in printed), key=_column_order)


def _meta_row(report: Any) -> dict[str, Any]:
    """A report's metadata (a row of _REPORT_FIELDS) by key."""
    row = report._asdict()
    _name_agency(row)
    return row


def _name_agency(row: dict[str, Any]) -> None:
    """`agency` from the row's agency identity, the printed name kept as `agency_printed`."""
    row["agency_printed"] = row["agency"]
    row["agency"] = row.pop("agency_identity", None) or row["agency"]
    row["agency_key"] = agency_key(row["agency"]) if row["agency"] else None


def _doubtful(cell: Any, fixed: bool) -> bool:
    """A value still the parser's guess: flagged uncertain and not corrected by a person."""
    return bool(cell.uncertain) and not fixed


def _alternatives(cell: Any) -> list:
    return [plain(v) for v in alternatives_from_json(cell.alternatives)]


def series_columns() -> list[tuple[str, str]]:
    """`--harmonised`: one column per indicator comparable across editions (editions.COMPARABLE)."""
    return [(f"series.{s.key}", f"可比指标·{s.label}") for s in editions.COMPARABLE]


def _series_values(values: dict[str, Any], edition: str | None) -> dict[str, Any]:
    """Each series from the report's own edition's cells; blank when one of them is blank."""
    out: dict[str, Any] = {}
    for series in editions.COMPARABLE:
        parts = [values.get(path) for path in series.paths.get(edition or "", ())]
        out[f"series.{series.key}"] = sum(parts) if parts and None not in parts else None
    return out


@dataclass
class WideRecord:
    """One report of the wide form: its metadata (META keys), its cells (path → value in force, unit
    columns → unit), and its guessed cells not corrected since (path → other readings), in column order."""

    meta: dict[str, Any]
    cells: dict[str, Any]
    doubt: dict[str, list]


@dataclass
class _Gathered:
    """A report's cells as the database gathered them: values, units and guessed cells' readings."""

    values: dict[str, Any]
    units: dict[str, str]
    guessed: dict[str, str | None]


def wide_records(store: Store, ids: Collection[int] | None = None, harmonised: bool = False,
                 query: Select | None = None) -> Iterator[WideRecord]:
    """The wide form's reports, batch by batch: one query for a batch's reports, one for all their
    cells, one for their corrections (never a query per report)."""
    batches = _with_cells(store, _report_batches(store, ids=ids, query=query))
    if store.engine.dialect.name == "postgresql":
        # The server works in its own process: reading the next batch overlaps writing this one.
        batches = prefetched(batches)
    for reports, gathered, fixes in batches:
        for report in reports:
            yield _wide_record(report, gathered.get(report.id), fixes.get(report.sha256, {}), harmonised)


def _with_cells(store: Store, batches: Iterator[list[Any]]
                ) -> Iterator[tuple[list[Any], dict[int, _Gathered], dict[str, dict[str, Any]]]]:
    for reports in batches:
        yield reports, _gathered_cells(store, reports), corrections_by_hash(store, [r.sha256 for r in reports])


def _wide_record(report: Any, gathered: _Gathered | None, fixes: dict[str, Any], harmonised: bool) -> WideRecord:
    """`fixes`: the report's corrections in force, cell path → value."""
    gathered = gathered or _Gathered({}, {}, {})
    cells = gathered.values  # counts as ints already (_json): the file writes 12, never 12.0
    fixed = typed_in(report, fixes, cells)
    for path in fixed:
        cells[path] = plain(fixes[path])
    for path, unit in gathered.units.items():
        unit_column = _unit_column(path)
        if unit_column:
            cells[unit_column] = unit
    doubt = {}
    if gathered.guessed:
        for path in sorted(gathered.guessed, key=_column_order):
            if path not in fixed:
                doubt[path] = [plain(v) for v in alternatives_from_json(gathered.guessed[path])]
    if harmonised:
        cells.update(_series_values(cells, report.edition))
    meta = _meta_row(report)
    # Counted from the cells written, so the count and the list always agree.
    meta["n_uncertain"] = len(doubt)
    return WideRecord(meta, cells, doubt)


def wide_rows(store: Store, ids: Collection[int] | None = None, harmonised: bool = False,
              query: Select | None = None) -> Iterator[dict[str, Any]]:
    """Rows keyed by column key; `_alternatives` (path → other readings) is for the XLSX notes."""
    for record in wide_records(store, ids, harmonised, query):
        yield {**record.meta, **record.cells, "uncertain_cells": list(record.doubt), "_alternatives": record.doubt}


def _gathered_cells(store: Store, reports: list[Any]) -> dict[int, _Gathered]:
    """Report id → its cells, each report's gathered into JSON objects by the database in one query
    for the batch: values of every cell, units of money cells, readings of guessed cells.  Reading two
    hundred cells a report as rows, or the guessed ones in a second pass, was most of an export's time."""
    path = StoredCell.tbl + "." + StoredCell.row + "." + StoredCell.col
    gather = func.json_object_agg if store.engine.dialect.name == "postgresql" else func.json_group_object
    # As text: decoded here (_json), so numbers come out as `plain` makes them on either database.
    query = (select(StoredCell.report_id, cast(gather(path, StoredCell.value), Text),
                    cast(gather(path, StoredCell.unit).filter(StoredCell.unit.is_not(None)), Text),
                    cast(gather(path, StoredCell.alternatives).filter(StoredCell.uncertain.is_(True)), Text))
             .where(_among(store, StoredCell.report_id, [r.id for r in reports])).group_by(StoredCell.report_id))
    with store.session() as session:
        return {report_id: _Gathered(_json(values), _json(units), _json(guessed))
                for report_id, values, units, guessed in session.execute(query)}


def _json(gathered: str | None) -> dict[str, Any]:
    """A gathered object, numbers as `plain` makes them (a whole number written 12.0 is 12: a count
    prints as a count).  NULL: no cell of the report matched."""
    return _DECODER.decode(gathered) if gathered is not None else {}


def _float_text(text: str) -> float | int:
    return plain(float(text))


# Made once: json.loads with a parse_float builds a decoder every call (6 of 38 us a report, measured).
_DECODER = json.JSONDecoder(parse_float=_float_text)


@lru_cache(maxsize=None)
def _column_order(path: str) -> tuple[int, str]:
    """Where a cell comes in the wide form (cells of neither edition last, by name)."""
    return (_cell_index().get(path, len(_cell_index())), path)


@lru_cache(maxsize=1)
def _cell_index() -> dict[str, int]:
    return {column.key: i for i, column in enumerate(cell_columns())}


@lru_cache(maxsize=None)
def _is_unit_column(key: str) -> bool:
    return any(column.key == key and column.unit_of for column in cell_columns())


@lru_cache(maxsize=None)
def _unit_column(path: str) -> str | None:
    for column in cell_columns():
        if column.unit_of == path:
            return column.key
    return None


def long_rows(store: Store, ids: Collection[int] | None = None,
              query: Select | None = None) -> Iterator[dict[str, Any]]:
    for reports in _report_batches(store, LONG_BATCH, ids=ids, query=query):
        cells = _cells_of(store, reports)
        by_hash = corrections_by_hash(store, [r.sha256 for r in reports])
        for report in reports:
            report_meta = _meta_row(report)
            meta = {key: report_meta[key] for key in _LONG_META}
            fixes = by_hash.get(report.sha256, {})
            items = [(cell, f"{cell.tbl}.{cell.row}.{cell.col}") for cell in cells[report.id]]
            fixed = {path for _, path in items if path in fixes}
            meta["n_uncertain"] = sum(_doubtful(cell, path in fixed) for cell, path in items)
            for cell, path in items:
                doubtful = _doubtful(cell, path in fixed)
                yield {
                    **meta, "cell": path, "tbl": cell.tbl, "row": cell.row, "col": cell.col,
                    "label": cell_label(path, report.edition),
                    "value": fixes[path] if path in fixed else cell.value,
                    "raw": cell.raw, "unit": cell.unit, "inferred": cell.inferred,
                    # `uncertain` speaks of `value`: a person's correction is not a guess.
                    "uncertain": doubtful, "alternatives": _alternatives(cell) if doubtful else None,
                    "corrected": path in fixed, "parsed_value": cell.value,
                }
            for path in hand_typed_rows(report, fixes, {path for _, path in items}):
                tbl, row, col = path.split(".")
                yield {**meta, "cell": path, "tbl": tbl, "row": row, "col": col,
                       "label": cell_label(path, report.edition), "value": fixes[path], "raw": None, "unit": None,
                       "inferred": None, "uncertain": False, "alternatives": None, "corrected": True,
                       "parsed_value": None}


# --------------------------------------------------------------------------- writing

def columns(long: bool, harmonised: bool = False) -> list[tuple[str, str]]:
    if long:
        return list(LONG)
    return list(META) + list(DOUBT) + (series_columns() if harmonised else []) + [(c.key, c.label) for c in cell_columns()]


def export(store: Store, target: Path, *, long: bool = False, header: str | None = None,
           ids: Collection[int] | None = None, harmonised: bool = False, query: Select | None = None) -> int:
    """Write the export; the format follows the suffix.  Returns the number of rows.  `query` (a
    select of StoredReport, such as the web app's filtered view) or `ids`: only those reports, so
    every door writes the same files.  `harmonised` (wide form): the indicators comparable across
    editions as columns `series.*`."""
    suffix = target.suffix.lower()
    if suffix == ".csv":
        written = Counted()
        with target.open("wb") as handle:
            for chunk in csv_chunks(store, long=long, header=header or "key", ids=ids, harmonised=harmonised,
                                    query=query, counter=written):
                handle.write(chunk)
        return written.rows
    rows = long_rows(store, ids, query) if long else wide_rows(store, ids, harmonised, query)
    cols = columns(long, harmonised)
    if suffix == ".parquet":
        return _write_parquet(rows, cols, target, long)
    if suffix == ".xlsx":
        return _write_xlsx(rows, cols, target, header or "both", long)
    raise ValueError(f"不支持的导出格式 {suffix}（可用 .csv .parquet .xlsx）/ unsupported export format")


@dataclass
class Counted:
    """How many data rows a streamed export has handed on so far."""

    rows: int = 0


def csv_chunks(store: Store, *, long: bool = False, header: str = "key", ids: Collection[int] | None = None,
               harmonised: bool = False, query: Select | None = None,
               counter: Counted | None = None) -> Iterator[bytes]:
    """The CSV export as UTF-8 bytes in pieces of about CHUNK characters, written as the database hands
    the reports over: what `nianbao export` writes to a file and the web app streams, byte for byte.
    The BOM makes Excel open the file as UTF-8 instead of the local code page."""
    cols = columns(long, harmonised)
    if export_pg.is_postgresql(store) and not harmonised:
        # The database prints the cells (store/export_pg.py): the same bytes, several times faster.
        if long:
            return csv_bytes(_header_rows(cols, header), export_pg.long_csv_lines(store, ids, query), counter)
        return csv_block_bytes(_header_rows(cols, header), export_pg.wide_csv_blocks(store, cols, ids, query), counter)
    return python_csv_chunks(store, cols, long=long, header=header, ids=ids, harmonised=harmonised, query=query,
                             counter=counter)


def python_csv_chunks(store: Store, cols: list[tuple[str, str]], *, long: bool, header: str,
                      ids: Collection[int] | None, harmonised: bool, query: Select | None,
                      counter: Counted | None = None) -> Iterator[bytes]:
    """The CSV export with every field printed by Python: every database, every form."""
    lines = _long_lines(long_rows(store, ids, query), cols) if long \
        else _wide_lines(wide_records(store, ids, harmonised, query), cols)
    return csv_bytes(_header_rows(cols, header), lines, counter)


def csv_text_bytes(header_lines: Iterable[Sequence[Any]], lines: Iterable[str],
                   counter: Counted | None = None) -> Iterator[bytes]:
    """As `csv_bytes`, for data lines already printed as CSV text (each ending in CRLF)."""
    counter = counter if counter is not None else Counted()
    buffer = io.StringIO()
    buffer.write("\ufeff")
    csv.writer(buffer).writerows(header_lines)
    for line in lines:
        buffer.write(line)
        counter.rows += 1
        if buffer.tell() > CHUNK:
            yield _drain(buffer)
    yield _drain(buffer)


def csv_block_bytes(header_lines: Iterable[Sequence[Any]], blocks: Iterable[export_pg.WideBlock],
                    counter: Counted | None = None) -> Iterator[bytes]:
    """As `csv_text_bytes`, for data already printed as CSV text a block of lines at a time: the BOM
    and header, then each block encoded once, handed on as it comes (a batch of wide lines, about
    a third of CHUNK)."""
    counter = counter if counter is not None else Counted()
    buffer = io.StringIO()
    buffer.write("\ufeff")
    csv.writer(buffer).writerows(header_lines)
    yield _drain(buffer)
    for block in blocks:
        counter.rows += block.rows
        yield block.text.encode("utf-8")


def csv_bytes(header_lines: Iterable[Sequence[Any]], lines: Iterable[Sequence[Any]],
              counter: Counted | None = None) -> Iterator[bytes]:
    """Header lines, then `lines`, as UTF-8 CSV with a BOM in pieces of about CHUNK characters, each
    handed on as soon as it is full; `counter` counts the lines."""
    return csv_text_bytes(header_lines, _csv_lines(lines), counter)


def _csv_lines(lines: Iterable[Sequence[Any]]) -> Iterator[str]:
    """Each line as the csv writer prints it."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for line in lines:
        writer.writerow(line)
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()


def _drain(buffer: io.StringIO) -> bytes:
    chunk = buffer.getvalue().encode("utf-8")
    buffer.seek(0)
    buffer.truncate()
    return chunk


def _wide_lines(records: Iterator[WideRecord], cols: list[tuple[str, str]]) -> Iterator[list[Any]]:
    """Wide CSV lines: the metadata, the guessed cells, then every cell column looked up in the record's
    cells (a report fills about two hundred of some four hundred); text a spreadsheet would run
    escaped — the metadata and the units, the only text among the cells."""
    keys = [key for key, _ in cols]
    meta_keys = [key for key in keys if key in _META_KEYS]
    cell_keys = keys[len(meta_keys) + len(DOUBT):]
    assert keys[len(meta_keys)] == DOUBT[0][0], "columns(): metadata, then the guessed cells, then the cells"
    texts = [i for i, key in enumerate(cell_keys) if _is_unit_column(key)]
    for record in records:
        meta, cells = record.meta, record.cells
        values = list(map(cells.get, cell_keys))
        for i in texts:
            values[i] = escape_formula(values[i])
        # csv writes None as an empty field: blank stays blank, never 0.
        yield [_meta_text(value) for value in map(meta.get, meta_keys)] + [SEPARATOR.join(record.doubt)] + values


def _meta_text(value: Any) -> Any:
    """A metadata value for the file: text escaped, numbers and blanks as they are (`text`, without its
    list and float cases, which metadata does not have: this runs for every field of every report)."""
    if value.__class__ is str and value[:1] in _MAY_RUN:  # the guard's own test is a regular expression
        return escape_formula(value)
    return value


# The first characters of any text escape_formula may escape: a formula trigger, or the quote it adds.
_MAY_RUN = frozenset((*FORMULA_TRIGGERS, QUOTE))


def _long_lines(rows: Iterator[dict[str, Any]], cols: list[tuple[str, str]]) -> Iterator[list[Any]]:
    keys = [key for key, _ in cols]
    for row in rows:
        yield [text(row.get(key)) for key in keys]


def _header_rows(cols: list[tuple[str, str]], header: str) -> list[list[str]]:
    keys, labels = [k for k, _ in cols], [zh for _, zh in cols]
    return {"key": [keys], "zh": [labels], "both": [labels, keys]}[header]


def readings(value: Any) -> Any:
    """Lists joined with ";" (a blank reading as null), counts as ints."""
    if isinstance(value, (list, tuple)):
        return SEPARATOR.join("null" if v is None else str(plain(v)) for v in value)
    return plain(value)


def text(value: Any) -> Any:
    """A value for a CSV or XLSX cell: `readings`, with text a spreadsheet would run as a formula
    escaped (nianbao.formula_guard)."""
    return escape_formula(readings(value))


def _arrow_schema(cols, long: bool):
    import pyarrow as pa

    def kind(key: str):
        if key in _INT_META:
            return pa.int64()
        if long:
            if key in ("value", "parsed_value"):
                return pa.float64()
            if key in ("uncertain", "corrected"):
                return pa.bool_()
            if key == "alternatives":
                return pa.list_(pa.float64())
            return pa.string()
        if key == "uncertain_cells":
            return pa.list_(pa.string())
        if key in dict(META):
            return pa.string()
        return pa.string() if any(c.key == key and c.unit_of for c in cell_columns()) else pa.float64()

    labels = {key: zh for key, zh in cols}
    fields = [pa.field(key, kind(key), metadata={"label": labels[key]}) for key, _ in cols]
    return pa.schema(fields, metadata={"nianbao.labels": json.dumps(labels, ensure_ascii=False)})


def _write_parquet(rows, cols, target: Path, long: bool) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = _arrow_schema(cols, long)
    keys = [k for k, _ in cols]
    count = 0
    with pq.ParquetWriter(target, schema) as writer:
        for batch in batched(rows, 5000 if long else BATCH):
            data = {k: [r.get(k) for r in batch] for k in keys}
            writer.write_table(pa.Table.from_pydict(data, schema=schema))
            count += len(batch)
        if count == 0:
            writer.write_table(schema.empty_table())
    return count


GUESS_FILL = "FFE0B2"  # light orange: a value the parser only guessed
LEGEND = (
    ("橙色底纹的数值", "解析推测值：原文可作不同读法（如数字粘连无法唯一拆分），请核对原文；批注列出另一可能读法。"
                  "人工更正过的数值不是推测值。"),
    ("推测单元格数 n_uncertain", "该报告中解析推测且未经人工更正的单元格数；为 0 才算没有待核对的数值。"),
    ("推测单元格 uncertain_cells", "宽表：这些单元格的键（列名），以“;”分隔。"),
    ("不确定 uncertain / 其他可能读法 alternatives", "长表：该行数值是否为推测值；原文允许的其他读法，以“;”分隔（null 为空白）。"),
)


def guess_note(alternatives: list) -> str:
    others = "、".join("空白" if v is None or v == "null" else str(v) for v in alternatives)
    return "解析推测值，请核对原文" + (f"；另一可能读法：{others}" if others else "")


def _write_xlsx(rows, cols, target: Path, header: str, long: bool = False) -> int:
    from openpyxl import Workbook

    book = Workbook(write_only=True)  # streams rows to disk
    # "reports" first: pandas.read_excel reads it by default.
    count = write_sheet(book, "reports", rows, [k for k, _ in cols], _header_rows(cols, header),
                        long_doubt if long else wide_doubt)
    write_legend(book)
    book.save(target)
    return count


def wide_doubt(row: dict[str, Any]) -> dict[str, list]:
    """Guessed values of a wide row: column → other readings."""
    return row.get("_alternatives") or {}


def long_doubt(row: dict[str, Any]) -> dict[str, list]:
    """A long row's own value, when it is a guess."""
    return {"value": row["alternatives"] or []} if row.get("uncertain") else {}


def write_sheet(book, title: str, rows: Iterable[dict[str, Any]], keys: list[str], header_lines: list[list[str]],
                doubt_of: Callable[[dict[str, Any]], dict[str, list]]) -> int:
    """A list sheet of a write-only workbook, row by row as `rows` come (memory stays flat): header lines
    bold and frozen, widths, filter buttons; each guessed value filled, its other readings in a note.
    Returns the number of rows."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.comments import Comment
    from openpyxl.styles import PatternFill

    from ..sheets import finish_streamed_sheet, start_streamed_sheet

    fill = PatternFill("solid", fgColor=GUESS_FILL)
    sheet = book.create_sheet(title)
    for line in start_streamed_sheet(sheet, header_lines):
        sheet.append(line)
    position = {k: i for i, k in enumerate(keys)}
    count = 0
    for row in rows:
        doubt = doubt_of(row)
        values: list[Any] = [text(row.get(k)) for k in keys]
        for key in doubt.keys() & position.keys():
            cell = WriteOnlyCell(sheet, value=values[position[key]])
            cell.fill = fill
            cell.comment = Comment(guess_note(doubt[key]), "nianbao")
            values[position[key]] = cell
        sheet.append(values)
        count += 1
    finish_streamed_sheet(sheet, len(keys), len(header_lines), count)
    return count


def write_legend(book) -> None:
    """The legend sheet: what the fills, counts and lists mean, as a list sheet of its own."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, PatternFill

    from ..sheets import column_widths, finish_streamed_sheet, set_widths, start_streamed_sheet

    headers = ["项目 item", "说明 meaning"]
    legend = book.create_sheet("说明 legend")
    header = start_streamed_sheet(legend, [headers])
    set_widths(legend, column_widths(headers, LEGEND))  # after the headers' own: the meanings are long
    legend.append(header[0])
    for n, (item, meaning) in enumerate(LEGEND):
        sample = WriteOnlyCell(legend, value=item)
        if n == 0:  # the fill it explains
            sample.fill = PatternFill("solid", fgColor=GUESS_FILL)
        explained = WriteOnlyCell(legend, value=meaning)
        explained.alignment = Alignment(wrap_text=True, vertical="top")
        legend.append([sample, explained])
    finish_streamed_sheet(legend, len(headers), 1, len(LEGEND))
