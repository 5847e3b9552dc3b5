"""Stored rows back into `Report` objects: the one place that knows how.

A report row plus its cells, its stored sections and the latest correction of each
cell become the `nianbao.model.Report` the checks work on.  Ingest's linking pass
(store/linking.py) and the web app (web/storage.py) both load reports through here,
so what the checks see of a stored report is the same wherever they run.

Rows are loaded in batches: one query for the cells and one for the corrections of
all the rows given, not one per report.
"""

from __future__ import annotations

import json
from typing import Any, Sequence, cast

from sqlalchemy import Table, func, literal, select, update

from .. import editions
from ..model import TABLE_MISSING, TABLE_OK, Cell, Report, SectionFound
from .batching import batched
from .models import Correction, StoredCell, StoredReport

# Bound parameters per IN (...) list: far below SQLite's and PostgreSQL's limits.
_IN_BATCH = 500

CORRECTED = "人工更正 corrected by hand"  # Cell.inferred of a value a person corrected
# Cell.inferred of a value a person typed where the parser read nothing (a scan the OCR could
# not read, a table missing): the whole value is the person's (store/hand_entry.py).
HAND_ENTERED = "手工录入 entered by hand"
BY_HAND = (CORRECTED, HAND_ENTERED)

_CELL_COLUMNS = (
    StoredCell.report_id, StoredCell.tbl, StoredCell.row, StoredCell.col, StoredCell.value, StoredCell.raw,
    StoredCell.unit, StoredCell.inferred, StoredCell.uncertain, StoredCell.alternatives,
)


def load_reports(db, rows: Sequence[Any], *, corrected: bool = True, locations: bool = True) -> list[Report]:
    """Reports of `rows` (distinct StoredReport objects, or rows with the same attributes), in order.

    `db` is a Session or a Connection.  `corrected` applies people's corrections (the
    latest per cell).  `locations=False` leaves out cell provenance (JSON to decode for
    every cell), which only the report page shows.
    """
    rows = list(rows)
    tables = _tables(db, [row.id for row in rows], locations)
    fixes = latest_corrections(db, [row.sha256 for row in rows]) if corrected else {}
    reports = []
    for row in rows:
        report = _bare(row)
        report.tables = tables.get(row.id, {})
        # What a re-parse would say is unknown here; the tables present are taken as read.
        report.table_status = {k: TABLE_OK if k in report.tables else TABLE_MISSING for k in editions.TABLE_KEYS}
        for path, value in fixes.get(row.sha256, {}).items():
            apply_correction(report, path, value)
        reports.append(report)
    return reports


def _bare(row: Any) -> Report:
    return Report(
        source=row.source, sha256=row.sha256, format=row.format, edition=row.edition,
        edition_reason=row.edition_reason, year=row.year, agency=row.agency, published=row.published,
        region={k: v for k, v in (("province", row.province), ("city", row.city), ("county", row.county)) if v},
        single_other_handling=bool(row.single_other_handling),
        sections=sections_from_json(row.sections),
    )


def _tables(db, report_ids: list[int], locations: bool) -> dict[int, dict[str, dict[str, dict[str, Cell]]]]:
    """Report id → its tables (table → row → column → Cell).

    The loop runs once per stored cell (hundreds per report, for a whole agency batch at a
    time in the linking pass), so it unpacks plain tuples and reuses the row's dict while
    consecutive cells share it.
    """
    out: dict[int, dict[str, dict[str, dict[str, Cell]]]] = {}
    columns = _CELL_COLUMNS + ((StoredCell.location,) if locations else ())
    for ids in batched(report_ids, _IN_BATCH):
        # Ordered by id: the order the parser gave, which the report's tables keep.
        query = select(*columns).where(StoredCell.report_id.in_(ids)).order_by(StoredCell.report_id, StoredCell.id)
        current = last = None
        tables: dict = {}
        cells: dict = {}
        for report_id, tbl, row_key, col, value, raw, unit, inferred, uncertain, alternatives, *location in db.execute(query):
            if report_id != current:
                tables, current, last = out.setdefault(report_id, {}), report_id, None
            if (tbl, row_key) != last:
                cells, last = tables.setdefault(tbl, {}).setdefault(row_key, {}), (tbl, row_key)
            if type(value) is float and value.is_integer():
                value = int(value)  # counts go back to ints, as number() does
            cells[col] = Cell(value, raw, location_from_json(location[0]) if location else None,
                              unit, inferred, uncertain, alternatives_from_json(alternatives) if alternatives else ())
    return out


def latest_corrections(db, hashes: list[str]) -> dict[str, dict[str, float | None]]:
    """Document hash → cell path → the value of its latest correction."""
    out: dict[str, dict[str, float | None]] = {}
    for chunk in batched(sorted(set(hashes)), _IN_BATCH):
        query = select(Correction.sha256, Correction.cell, Correction.value).where(
            Correction.sha256.in_(chunk)).order_by(Correction.id)
        for sha, cell, value in db.execute(query):
            out.setdefault(sha, {})[cell] = value
    return out


def apply_correction(report: Report, path: str, value: float | None) -> None:
    """A person's value over the parsed one; the printed text and provenance stay."""
    table, row_key, column = path.split(".")
    cells = report.tables.setdefault(table, {}).setdefault(row_key, {})
    old = cells.get(column)
    cells[column] = Cell(
        number(value), old.raw if old else None, old.location if old else None, old.unit if old else None,
        CORRECTED if old is not None else HAND_ENTERED, False,
    )


def number(value: float | None) -> int | float | None:
    """The database keeps floats; counts go back to ints."""
    if value is None:
        return None
    return int(value) if float(value).is_integer() else value


def alternatives_to_json(cell: Cell) -> str | None:
    """The other readings of an uncertain cell as JSON text for `cells.alternatives`."""
    return json.dumps(list(cell.alternatives)) if cell.alternatives else None


def alternatives_from_json(value: str | None) -> tuple:
    """Stored readings back to a tuple of numbers (counts as ints); NULL or junk gives none."""
    try:
        items = json.loads(value) if value else []
    except ValueError:
        return ()
    return tuple(number(v) if isinstance(v, (int, float)) else None for v in items) if isinstance(items, list) else ()


# --------------------------------------------------------------------------- uncertain cells

_REPORTS, _CELLS, _CORRECTIONS = (cast(Table, m.__table__) for m in (StoredReport, StoredCell, Correction))
# A report's cells the parser only guessed that no person has corrected (a correction is
# a person's value, not a guess): reports.n_uncertain.  Migration 0004 backfills with the
# same definition in plain SQL.
_CORRECTED = select(literal(1)).where(
    _CORRECTIONS.c.sha256 == _REPORTS.c.sha256,
    _CORRECTIONS.c.cell == _CELLS.c.tbl + "." + _CELLS.c.row + "." + _CELLS.c.col,
).exists()
UNCERTAIN_COUNT = (
    select(func.count()).select_from(_CELLS)
    .where(_CELLS.c.report_id == _REPORTS.c.id, _CELLS.c.uncertain.is_(True), ~_CORRECTED)
    .scalar_subquery()
)


def recount_uncertain(connection, *where) -> None:
    """Recount reports.n_uncertain of the reports matching `where`, in the caller's transaction."""
    connection.execute(update(_REPORTS).where(*where).values(n_uncertain=UNCERTAIN_COUNT))


def location_from_json(value: Any) -> dict | None:
    """The store keeps provenance as JSON text; older rows may hold a dict already."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return None
    return value if isinstance(value, dict) else None


# --------------------------------------------------------------------------- sections

def sections_to_json(report: Report) -> str:
    """The sections as in Report.to_dict()["sections"], as JSON text for `reports.sections`."""
    # Built here rather than through to_dict(), which would also serialise every cell.
    return json.dumps([s.to_dict() for s in report.sections], ensure_ascii=False)


def sections_from_json(value: str | None) -> list[SectionFound]:
    """Stored sections back to objects; NULL (rows from before revision 0003) gives none."""
    if not value:
        return []
    try:
        items = json.loads(value)
    except ValueError:
        return []
    return [SectionFound.from_dict(item) for item in items if isinstance(item, dict)]
