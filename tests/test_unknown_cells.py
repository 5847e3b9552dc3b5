"""Cells the source does not settle are listed as uncertain even when no value was read
for them: the unit of an amount that was not read, and the sub-rows of （六）其他处理
when that group was not read at all (printed as one row, or as three, is then unknown)."""

from __future__ import annotations

from nianbao import editions
from nianbao.model import Cell, Report
from nianbao.parser import _ordered
from nianbao.tables import Built, unread_row

T2 = editions.get("2019").table("t2")
T3_2021 = editions.get("2021").table("t3")
SUB_ROWS = ("other_overdue_correction", "other_unpaid_fee", "other_other")


def _report_with_amount(amount: Cell) -> Report:
    report = Report(edition="2019")
    row = T2.row("centralized_procurement")
    report.tables["t2"] = {"centralized_procurement": {c.key: Cell(3, "3") for c in T2.columns_of(row)}}
    report.tables["t2"]["centralized_procurement"]["amount"] = amount
    return report


def test_the_unit_of_an_unread_amount_is_uncertain():
    report = _report_with_amount(Cell(None, None, uncertain=True))
    assert "t2.centralized_procurement.amount_unit" in report.uncertain
    assert "t2.centralized_procurement.amount_unit" in report.canonical()["uncertain"]


def test_a_printed_unit_is_not_doubted_with_its_amount():
    uncertain_amount_with_unit = _report_with_amount(Cell(None, "1357元", unit="元", uncertain=True))
    read_amount = _report_with_amount(Cell(1357, "1357"))
    assert "t2.centralized_procurement.amount_unit" not in uncertain_amount_with_unit.uncertain
    assert "t2.centralized_procurement.amount_unit" not in read_amount.uncertain


def _t3_read_as_2019(other_handling: dict[str, Cell]) -> dict:
    report = Report(edition="2021", single_other_handling=True)
    built = Built(edition="2019")
    built.rows = {row.key: {c.key: Cell(0, "0") for c in T3_2021.columns} for row in T3_2021.rows if row.key not in SUB_ROWS}
    built.rows["other_handling"] = other_handling
    return _ordered(report, "t3", built)


def test_sub_rows_of_an_unread_other_handling_group_are_unknown():
    rows = _t3_read_as_2019(unread_row(T3_2021.columns))
    for key in SUB_ROWS:
        assert all(cell.uncertain and cell.value is None for cell in rows[key].values()), key


def test_sub_rows_of_other_handling_printed_as_one_row_are_blank():
    rows = _t3_read_as_2019({c.key: Cell(0, "0") for c in T3_2021.columns})
    for key in SUB_ROWS:
        assert not any(cell.uncertain for cell in rows[key].values()), key
    assert rows["other_handling"]["total"].value == 0
