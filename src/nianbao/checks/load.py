"""Canonical JSON (the output of `nianbao parse`, or a gold file) back into a Report."""

from __future__ import annotations

from typing import Any

from .. import editions
from ..normalise import normalise_text
from ..model import TABLE_MISSING, TABLE_OK, Cell, Report, SectionFound, Warning


def _unit_keys() -> set[str]:
    return {
        column.unit_key
        for edition in editions.EDITIONS.values()
        for table in edition.tables
        for row in table.rows
        for column in table.columns_of(row)
        if column.unit_key
    }


_UNIT_KEYS = _unit_keys()
_UNIT_OF = {
    column.unit_key: column.key
    for edition in editions.EDITIONS.values()
    for table in edition.tables
    for row in table.rows
    for column in table.columns_of(row)
    if column.unit_key
}


def _cell(path: str, value: Any, details: dict[str, Any]) -> Cell:
    detail = details.get(path)
    if detail is None:
        return Cell(value, None)
    return Cell(
        value, detail.get("raw"), detail.get("location"), detail.get("unit"),
        detail.get("inferred"), bool(detail.get("uncertain")), tuple(detail.get("alternatives") or ()),
    )


def _tables(data: dict[str, Any]) -> dict[str, dict[str, dict[str, Cell]]]:
    details = data.get("cells") or {}
    tables: dict[str, dict[str, dict[str, Cell]]] = {}
    for table_key in editions.TABLE_KEYS:
        rows = data.get(table_key) or {}
        if not rows:
            continue
        tables[table_key] = {}
        for row_key, columns in rows.items():
            cells = {
                column: _cell(f"{table_key}.{row_key}.{column}", value, details)
                for column, value in (columns or {}).items() if column not in _UNIT_KEYS
            }
            for unit_key, column in _UNIT_OF.items():
                if (columns or {}).get(unit_key) and column in cells and not cells[column].unit:
                    cells[column].unit = columns[unit_key]
            tables[table_key][row_key] = cells
    return tables


def _status(data: dict[str, Any], tables: dict) -> dict[str, str]:
    printed = data["tables"] if isinstance(data.get("tables"), dict) else {}
    return {key: printed.get(key) or (TABLE_OK if key in tables else TABLE_MISSING) for key in editions.TABLE_KEYS}


def report_from_json(data: dict[str, Any]) -> Report:
    tables = _tables(data)
    report = Report(
        source=data.get("source"), sha256=data.get("sha256"), format=data.get("format"),
        edition=data.get("edition"), edition_reason=data.get("edition_reason"), year=data.get("year"),
        agency=data.get("agency"), published=data.get("published"), region=data.get("region") or {},
        meta_source=data.get("meta_sources") or {},  # where year/agency/date came from (parse output)
        tables=tables, table_status=_status(data, tables),
    )
    # Canonical JSON keeps the printed single （六） row under other_handling.
    report.single_other_handling = data.get(
        "single_other_handling",
        # canonical JSON does not say; a 2021 report carrying the one-row layout does
        report.edition == editions.EDITION_2021 and "other_handling" in tables.get("t3", {}),
    )
    for path in data.get("uncertain") or ():
        cell = report.cell(path)
        if cell is not None:
            cell.uncertain = True
    report.sections = [SectionFound.from_dict(s) for s in data.get("sections") or () if isinstance(s, dict)]
    # The parser's warnings say which rows were not printed (checks/structure.py reads them).
    report.warnings = [
        Warning(w.get("code", ""), w.get("message", ""), w.get("message_en", ""), list(w.get("cells") or ()))
        for w in data.get("warnings") or () if isinstance(w, dict)
    ]
    if isinstance(data.get("opening"), str):
        report.opening, report.opening_printed = normalise_text(data["opening"]), data["opening"]
    return report


def is_report_json(data: Any) -> bool:
    return isinstance(data, dict) and any(key in data for key in ("edition", *editions.TABLE_KEYS)) and "error" not in data
