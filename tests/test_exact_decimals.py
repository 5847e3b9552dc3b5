"""Exact decimals: values keep the digits they were printed with, and money adds up as on paper
(docs/storage.md "Exact decimals"), in checks, the store (SQLite and PostgreSQL), statistics and
every output."""

from __future__ import annotations

import csv
import json
import random
from decimal import Decimal

import pytest
from sqlalchemy import select, text

from nianbao.checks import check, report_from_json
from nianbao.output import report_json
from nianbao.store.models import Correction, StoredCell, StoredFinding
from nianbao.store.synth import report_data
from nianbao.values import exact, plain
from .store_support import store_fixture, write_report  # noqa: F401 — the store fixture

FEES = "t2.administrative_fees.amount"  # 本年收费金额 (2021 edition): money with decimals
# Amounts whose float sum drifts from their decimal sum (checked in the test that uses them).
AMOUNTS = ["0.10"] * 10 + ["1234.56", "0.07", "19.99", "100.01"]


def _fees_report(agency: str, amount: float, seed: int = 1) -> dict:
    data = report_data(random.Random(seed), agency, 2022)
    assert data["edition"] == "2021"
    data["t2"]["administrative_fees"]["amount"] = amount
    return data


# --------------------------------------------------------------------------- the numbers themselves

def test_a_value_is_the_decimal_it_was_printed_as_and_counts_stay_integers():
    assert exact(75394432.52) == Decimal("75394432.52")
    assert exact(0.1 + 0.2) == Decimal("0.3")  # a binary sum comes back as the decimal sum
    assert exact(123456789012345.0) == Decimal("123456789012345")  # 15 digits, the most printed
    assert plain(Decimal("12.000")) == 12 and type(plain(Decimal("12.000"))) is int
    assert repr(plain(exact(0.1) + exact(0.2))) == "0.3"
    assert plain(exact(float("inf"))) == float("inf")  # not an int: there is none


# --------------------------------------------------------------------------- checks

def _t4_review(report_data_: dict, parts: tuple[float, float], total: float):
    review = report_data_["t4"]["review"]
    review.update(upheld=parts[0], corrected=parts[1], other=0, pending=0, total=total)
    report = report_from_json(report_data_)
    return [f for f in check(report) if f.code == "T4.TOTAL" and "t4.review.total" in f.cells]


def test_decimals_that_add_up_exactly_are_not_flagged():
    # 0.1 + 0.2 is 0.30000000000000004 in binary: a float check would call this row broken.
    assert _t4_review(report_data(random.Random(3), "甲县人民政府", 2022), (0.1, 0.2), 0.3) == []


def test_a_broken_row_of_decimals_shows_the_exact_sums():
    [finding] = _t4_review(report_data(random.Random(3), "甲县人民政府", 2022), (0.1, 0.2), 0.4)
    assert (finding.expected, finding.found) == (0.3, 0.4)
    assert "＝ 0.3，" in finding.message and "相差 0.1" in finding.message
    assert '"expected": 0.3' in json.dumps(finding.to_dict())


# --------------------------------------------------------------------------- the store and statistics

def test_stored_values_read_back_as_printed(store):
    report_id = write_report(store, _fees_report("甲县人民政府", 75394432.52))
    with store.session() as session:
        value = session.scalar(select(StoredCell.value).where(
            StoredCell.report_id == report_id, StoredCell.row == "administrative_fees"))
    assert repr(value) == "75394432.52"
    with store.session() as session:  # counts stay integers
        counts = session.scalars(select(StoredCell.value).where(
            StoredCell.report_id == report_id, StoredCell.tbl == "t3", StoredCell.value.is_not(None))).all()
    assert counts and {type(count) for count in counts} == {int}
    if store.engine.dialect.name == "postgresql":  # NUMERIC: the database itself holds the decimal
        with store.engine.connect() as connection:
            stored = connection.execute(text(
                "SELECT value::text FROM cells WHERE report_id = :id AND row = 'administrative_fees'"),
                {"id": report_id}).scalar_one()
        assert stored == "75394432.52"


def test_a_sum_of_many_amounts_is_the_exact_decimal_sum(store):
    from nianbao.store import stats

    exact_sum = sum(Decimal(a) for a in AMOUNTS)
    assert sum(float(a) for a in AMOUNTS) != float(exact_sum)  # the test would catch binary sums
    for i, amount in enumerate(AMOUNTS):
        write_report(store, _fees_report(f"甲{i}县人民政府", float(amount), seed=i))
    table = stats.compute(store, ["year"], [FEES], include_errors=True)
    [total] = table[FEES].tolist()
    assert total == float(exact_sum) and repr(total) == str(exact_sum)


# --------------------------------------------------------------------------- outputs

def test_json_output_prints_the_printed_value(store):
    from nianbao.store.models import StoredReport
    from nianbao.store.reports import load_reports

    data = _fees_report("甲县人民政府", 75394432.52)
    assert '"amount": 75394432.52' in report_json(report_from_json(data), full=False)
    report_id = write_report(store, data)
    with store.session() as session:  # the report as the web app loads it from the store
        [stored] = load_reports(session, [session.get(StoredReport, report_id)])
    assert '"amount": 75394432.52' in report_json(stored, full=False)


def test_exports_print_the_printed_value(store, tmp_path):
    import openpyxl
    import pyarrow.parquet as pq

    from nianbao.store.export import export

    write_report(store, _fees_report("甲县人民政府", 75394432.52))
    write_report(store, _fees_report("乙县人民政府", 0.1, seed=2))
    export(store, tmp_path / "w.csv")
    with open(tmp_path / "w.csv", encoding="utf-8-sig", newline="") as handle:
        printed = sorted(row[FEES] for row in csv.DictReader(handle))
    assert printed == ["0.1", "75394432.52"]
    export(store, tmp_path / "w.parquet")
    assert sorted(repr(v) for v in pq.read_table(tmp_path / "w.parquet").column(FEES).to_pylist()) == [
        "0.1", "75394432.52"]
    export(store, tmp_path / "l.csv", long=True)
    with open(tmp_path / "l.csv", encoding="utf-8-sig", newline="") as handle:
        printed = sorted(row["value"] for row in csv.DictReader(handle) if row["row"] == "administrative_fees")
    assert printed == ["0.1", "75394432.52"]
    export(store, tmp_path / "w.xlsx", header="key")
    sheet = openpyxl.load_workbook(tmp_path / "w.xlsx", read_only=True).worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    column = next(rows).index(FEES)
    assert sorted(repr(row[column]) for row in rows) == ["0.1", "75394432.52"]


# --------------------------------------------------------------------------- revision 0013

def _at_revision(store, revision: str, upgrade: bool) -> None:
    from alembic import command

    from nianbao.store.db import alembic_config

    config = alembic_config()
    with store.engine.begin() as connection:
        config.attributes["connection"] = connection
        (command.upgrade if upgrade else command.downgrade)(config, revision)


def test_revision_0013_keeps_every_value_exactly(store):
    report_id = write_report(store, _fees_report("甲县人民政府", 1.0))
    _at_revision(store, "0012", upgrade=False)  # values as the doubles stored before
    with store.engine.begin() as connection:
        connection.execute(text("UPDATE cells SET value = 75394432.52 WHERE row = 'administrative_fees'"))
        connection.execute(text(
            "INSERT INTO findings (report_id, code, severity, message, expected, found) "
            "VALUES (:id, 'T4.TOTAL', 'error', 'm', :binary_sum, 0.4)"), {"id": report_id, "binary_sum": 0.1 + 0.2})
        connection.execute(text(
            "INSERT INTO corrections (sha256, cell, value, created_at) "
            "VALUES ('x', :cell, 1234.56, CURRENT_TIMESTAMP)"), {"cell": FEES})
    _at_revision(store, "head", upgrade=True)
    with store.session() as session:
        fee = session.scalar(select(StoredCell.value).where(StoredCell.row == "administrative_fees"))
        finding = session.execute(select(StoredFinding.expected, StoredFinding.found).where(
            StoredFinding.message == "m")).one()
        corrected = session.scalar(select(Correction.value).where(Correction.sha256 == "x"))
    assert (repr(fee), tuple(finding), repr(corrected)) == ("75394432.52", (0.3, 0.4), "1234.56")
    with store.engine.connect() as connection:  # the view still reads the cells
        shown = connection.execute(text("SELECT value FROM report_cells WHERE cell = :cell"), {"cell": FEES}).scalar_one()
        assert exact(shown) == Decimal("75394432.52")  # a Decimal on PostgreSQL, a float on SQLite
        if store.engine.dialect.name == "postgresql":  # the database's own decimals, for its own sums
            assert connection.execute(text(
                "SELECT value::text FROM cells WHERE row = 'administrative_fees'")).scalar_one() == "75394432.52"
            assert connection.execute(text(
                "SELECT expected::text FROM findings WHERE message = 'm'")).scalar_one() == "0.3"


def test_revision_0013_columns_are_those_of_the_models(store):
    import warnings

    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from nianbao.store.models import Base

    with warnings.catch_warnings(), store.engine.connect() as connection:
        warnings.simplefilter("ignore")  # other tables' expression indexes cannot be reflected on SQLite
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    ours = {("cells", "value"), ("corrections", "value"), ("findings", "expected"), ("findings", "found")}
    assert [d for d in differences if _column_of(d) in ours] == []


def _column_of(difference) -> tuple[str, str] | None:
    # compare_metadata gives ("modify_type", schema, table, column, ...) for a changed column type.
    items = difference[0] if isinstance(difference, list) else difference
    return (items[2], items[3]) if items and items[0] == "modify_type" else None


def test_the_stats_table_shows_money_with_its_decimals_and_counts_whole():
    from nianbao.cli.store import _show
    from nianbao.store.stats import YOY

    assert _show(FEES, 157426852.69) == "157,426,852.69"  # was rounded to 157,426,853
    assert _show(FEES + YOY, 168078789.85 - 157426852.69) == "+10,651,937.16"
    assert (_show("新收申请", 1234.0), _show("新收申请" + YOY, -12.0)) == ("1,234", "-12")


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), float("-inf")])
def test_a_non_finite_cell_from_json_input_is_flagged_not_summed(bad):
    data = report_data(random.Random(3), "甲县人民政府", 2022)
    data["t4"]["review"].update(upheld=bad, corrected=float("inf"), total=None)  # a blank beside it
    findings = check(report_from_json(data))
    assert not [f for f in findings if f.code == "T4.TOTAL" and "t4.review.total" in f.cells]
    assert any(f.code == "CELL.NOT_INTEGER" and "t4.review.upheld" in f.cells for f in findings)
