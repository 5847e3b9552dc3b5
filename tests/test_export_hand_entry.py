"""Cells typed in by hand where the parser read none (a table it missed, an unreadable scan) are in
every export: the wide row's column, a long row of their own (corrected, no parsed value), XLSX and
Parquet as well; on SQLite and PostgreSQL (where the database prints the CSVs)."""

from __future__ import annotations

import csv
import io
import random

import pytest
from sqlalchemy import text

from nianbao.store import open_store
from nianbao.store.export import csv_chunks, export
from nianbao.store.service import ReportService
from nianbao.store.synth import report_data
from tests.store_support import database_target, drop_pg_database, write_report

TYPED = {"t3.granted.total": 17, "t4.review.total": 2}


@pytest.fixture(params=["sqlite", "postgresql"])
def typed_in(request, tmp_path):
    """A report whose tables 三 and 四 the parser missed (no cell rows), two cells typed in."""
    target = database_target(request.param, tmp_path)
    store = open_store(target)
    report_id = write_report(store, report_data(random.Random(3), "沭阳县人民政府", 2022))
    with store.engine.begin() as connection:
        connection.execute(text("DELETE FROM cells WHERE report_id = :r AND tbl IN ('t3', 't4')"), {"r": report_id})
    ReportService(store, tmp_path / "files").enter(report_id, TYPED, "录入员", "照原件录入")
    yield store, report_id
    store.close()
    if request.param == "postgresql":
        drop_pg_database(target)


def _csv(store, **options) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(b"".join(csv_chunks(store, **options)).decode("utf-8-sig"))))


def test_typed_cells_fill_the_wide_row(typed_in):
    store, _ = typed_in
    [row] = _csv(store)
    assert (row["t3.granted.total"], row["t4.review.total"], row["t3.granted.natural_person"]) == ("17", "2", "")


def test_typed_cells_are_long_rows_of_their_own(typed_in):
    store, _ = typed_in
    typed = [r for r in _csv(store, long=True) if r["tbl"] in ("t3", "t4")]
    assert [(r["cell"], r["value"], r["corrected"], r["parsed_value"], r["uncertain"]) for r in typed] == [
        ("t3.granted.total", "17", "True", "", "False"), ("t4.review.total", "2", "True", "", "False")]
    assert typed[0]["label"] != "t3.granted.total"  # a Chinese label, not the key


def test_typed_cells_reach_xlsx_and_parquet(typed_in, tmp_path):
    pandas = pytest.importorskip("pandas")
    store, _ = typed_in
    export(store, tmp_path / "wide.xlsx", header="key")
    export(store, tmp_path / "long.parquet", long=True)
    wide = pandas.read_excel(tmp_path / "wide.xlsx")
    assert int(wide["t3.granted.total"].iloc[0]) == 17
    long = pandas.read_parquet(tmp_path / "long.parquet")
    assert long.set_index("cell").loc["t4.review.total", "value"] == 2
