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
    """Row and column of a cell, from whichever edition has both (2021 wording first).

    A row key can be shared by editions whose columns differ (表二 规章: 2019 本年新制作数量,
    2021 本年制发件数), so the column is looked up in each edition's own row."""
    table_key, row_key, column_key = path.split(".")
    first_row = _row(table_key, row_key)
    if first_row is None:
        return None, None
    extra = (editions.T3_OTHER_HANDLING_2019,) if table_key == "t3" else ()
    for edition_key in (editions.EDITION_2021, editions.EDITION_2019):
        table = editions.get(edition_key).table(table_key)
        for row in table.rows + extra:
            if row.key != row_key:
                continue
            for column in table.columns_of(row):
                if column.key == column_key:
                    return row, column
    return first_row, None


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


def _number(value) -> str:
    if value is None:
        return "空白"
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


def doubtful(report: Report, paths) -> list[str]:
    """The cells among `paths` whose value the parser only guessed, each once, in order."""
    return [p for p in dict.fromkeys(paths) if (cell := report.cell(p)) is not None and cell.uncertain]


def reading(report: Report, path: str) -> str:
    """'一、本年新收…/自然人 读作 15（另一可能读法：0）': the guess and what else the source allows."""
    cell = report.cell(path)
    text = f"{short_cell_name(path)} 读作 {_number(cell.value if cell else None)}"
    others = [_number(v) for v in (cell.alternatives if cell else ()) if v != cell.value]
    if others:
        text += f"（另一可能读法：{'、'.join(others)}）"
    return text


def uncertain_note(report: Report, paths, limit: int = 6) -> tuple[str, str]:
    """A clause asking to check the source, naming the cells in `paths` the parser only
    guessed with their readings; empty when every cell of `paths` is certain."""
    guessed = doubtful(report, paths)
    if not guessed:
        return "", ""
    names = "；".join(reading(report, p) for p in guessed[:limit])
    if len(guessed) > limit:
        names += f"；等 {len(guessed)} 格"
    english = ", ".join(
        f"{p} = {report.value(p)}" + (f" (or {', '.join(map(str, report.cell(p).alternatives))})"
                                       if report.cell(p).alternatives else "")
        for p in guessed[:limit]
    )
    return (
        f"（请核对原文：{names}，为解析推测值，可能是解析误差而非报告错误）",
        f" (check against the source: {english} guessed by the parser; may be a parsing error)",
    )
