"""Serialising reports: canonical JSON, JSON lines and long CSV."""

from __future__ import annotations

import csv
import io
import json
from typing import Any, Iterable

from .formula_guard import escape_mapping
from .model import Report

# One row per cell, each row saying whose report it is (agency, year) so that rows of many
# reports stay apart in a spreadsheet.  `uncertain` (1 for a value the parser only guessed) with
# `alternatives` (the other readings the source allows, ";"-joined) and `n_uncertain` (the report's
# count of guessed cells, on every row of it): doubt travels with the values.
CSV_FIELDS = ("source", "agency", "year", "table", "row", "column", "value", "raw", "uncertain", "inferred",
              "alternatives", "n_uncertain")
# A CSV file starts with a byte-order mark: without it Excel reads the file in the system code page
# (GBK on Chinese Windows) and every Chinese word is garbled.  Standard output gets none (pipes).
CSV_FILE_ENCODING = "utf-8-sig"


def file_encoding(csv_format: bool) -> str:
    return CSV_FILE_ENCODING if csv_format else "utf-8"


def report_json(report: Report, *, full: bool = True, indent: int | None = 2) -> str:
    data = report.to_dict() if full else report.canonical()
    return json.dumps(data, ensure_ascii=False, indent=indent)


def failure_record(source: str, message: str) -> dict[str, Any]:
    """What a folder run records for a file that could not be read at all."""
    return {"source": source, "error": message, "edition": None, "t2": {}, "t3": {}, "t4": {}}


def _reading(value: Any) -> str:
    return "null" if value is None else str(int(value) if isinstance(value, float) and value.is_integer() else value)


def csv_rows(report: Report) -> Iterable[dict[str, Any]]:
    """CSV rows of the cells; text a spreadsheet would run as a formula escaped (formula_guard)."""
    n_uncertain = len(report.uncertain)
    for path, cell in report.cells():
        table, row, column = path.split(".")
        yield escape_mapping({
            "source": report.source,
            "agency": report.agency or "",
            "year": report.year or "",
            "table": table,
            "row": row,
            "column": column,
            "value": "" if cell.value is None else cell.value,
            "raw": "" if cell.raw is None else cell.raw,
            "uncertain": "1" if cell.uncertain else "",
            "inferred": cell.inferred or "",
            "alternatives": ";".join(_reading(v) for v in cell.alternatives) if cell.uncertain else "",
            "n_uncertain": n_uncertain,
        })


def reports_csv(reports: Iterable[Report]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_FIELDS)
    writer.writeheader()
    for report in reports:
        writer.writerows(csv_rows(report))
    return buffer.getvalue()
