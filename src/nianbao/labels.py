"""Chinese names of tables, rows and cells, read from the editions: what a message shows
where the data has a key (表三“（七）总计”行“自然人”列, never `t3.total_handled.natural_person`)."""

from __future__ import annotations

from functools import lru_cache

from . import editions

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
