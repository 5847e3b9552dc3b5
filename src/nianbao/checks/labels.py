"""Chinese names of cells, rows and tables for messages, read from the editions."""

from __future__ import annotations

from functools import lru_cache

from .. import editions
from ..model import Report

TABLE_NAMES = {table.key: f"表{table.number}" for table in editions.get(editions.EDITION_2021).tables}


@lru_cache(maxsize=None)
def _row(table_key: str, row_key: str) -> editions.Row | None:
    extra = (editions.T3_OTHER_HANDLING_2019,) if table_key == "t3" else ()
    for edition in editions.EDITIONS.values():
        for row in edition.table(table_key).rows + extra:
            if row.key == row_key:
                return row
    return None


@lru_cache(maxsize=None)  # a pure function of the path, asked for every cell of every report
def definition(path: str) -> tuple[editions.Row | None, editions.Column | None]:
    table_key, row_key, column_key = path.split(".")
    row = _row(table_key, row_key)
    if row is None:
        return None, None
    table = editions.get(editions.EDITION_2021).table(table_key)
    for candidate in (table, editions.get(editions.EDITION_2019).table(table_key)):
        for column in candidate.columns_of(row):
            if column.key == column_key:
                return row, column
    return row, None


def row_name(table_key: str, row_key: str) -> str:
    row = _row(table_key, row_key)
    return f"{row.number}{row.label}" if row else row_key


def cell_name(path: str) -> str:
    table_key, row_key, column_key = path.split(".")
    _, column = definition(path)
    return f"{TABLE_NAMES.get(table_key, table_key)}“{row_name(table_key, row_key)}”行“{column.label if column else column_key}”列"


def short_cell_name(path: str) -> str:
    table_key, row_key, column_key = path.split(".")
    _, column = definition(path)
    return f"{row_name(table_key, row_key)}/{column.label if column else column_key}"


def uncertain_note(report: Report, paths) -> tuple[str, str]:
    """A clause naming the cells in `paths` that the parser only guessed."""
    guessed = [p for p in paths if (cell := report.cell(p)) is not None and cell.uncertain]
    if not guessed:
        return "", ""
    names = "、".join(short_cell_name(p) for p in guessed)
    return (
        f"（其中 {names} 为解析推测值，可能是解析误差而非报告错误）",
        f" (of which {', '.join(guessed)} were guessed by the parser: may be a parsing error)",
    )
