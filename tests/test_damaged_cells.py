"""A cell printed with something that is not a number ("x", "O" for 0, "N/A") inside a row
of values: that cell is unreadable (blank, uncertain, its printed text kept, one warning);
the rest of its row and its table stand."""

from __future__ import annotations

import pytest

from nianbao.parser import parse_bytes

from .conftest import ROOT

EXAMPLE = (ROOT / "examples" / "2020-transport-bureau-2019-edition.txt").read_text(encoding="utf-8")
T4_HEADING = "四、政府信息公开行政复议、行政诉讼情况\n"
T4_HEADER = ("行政复议\t行政诉讼\n结果维持\t结果纠正\t其他结果\t尚未审结\t总计\t未经复议直接起诉\t复议后起诉\n"
             + "\t".join(["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 2) + "\n")
T4_VALUES = [1, 0, 1, 0, 2, 0, 1, 0, 0, 1, 0, 0, 0, 1, 1]
T4_PATHS = [f"t4.{group}.{column}" for group in ("review", "litigation_direct", "litigation_after_review")
            for column in ("upheld", "corrected", "other", "pending", "total")]
DAMAGE = ["x", "O", "l", "N/A", "?", "o0"]


def _with_t4(values: list[str]) -> bytes:
    start, end = EXAMPLE.index("四、政府信息公开行政复议"), EXAMPLE.index("五、存在的主要问题")
    return (EXAMPLE[:start] + T4_HEADING + T4_HEADER + "\t".join(values) + "\n" + EXAMPLE[end:]).encode("utf-8")


def _value(report, path: str):
    table, row, column = path.split(".")
    return report.tables[table][row][column]


@pytest.mark.parametrize("position", [0, 6, 14])
@pytest.mark.parametrize("damage", DAMAGE)
def test_one_damaged_t4_cell_keeps_the_table(position, damage):
    printed = [str(v) for v in T4_VALUES]
    printed[position] = damage
    report = parse_bytes(_with_t4(printed), "report.txt")
    assert report.table_status["t4"] != "missing"
    damaged = T4_PATHS[position]
    cell = _value(report, damaged)
    assert cell.value is None and cell.uncertain and cell.raw == damage
    assert damaged in report.uncertain
    for path, value in zip(T4_PATHS, T4_VALUES):
        if path != damaged:
            assert _value(report, path).value == value, path
    warning = next(w for w in report.warnings if w.code == "PARSE.DAMAGED_VALUE")
    assert warning.cells == [damaged] and f"“{damage}”" in warning.message


def test_undamaged_row_reads_without_the_warning():
    report = parse_bytes(_with_t4([str(v) for v in T4_VALUES]), "report.txt")
    assert [_value(report, p).value for p in T4_PATHS] == T4_VALUES
    assert not any(w.code == "PARSE.DAMAGED_VALUE" for w in report.warnings)


def _t3_row_as_grid(first_cell: str) -> bytes:
    """The example with table 三's first row printed as one tab-separated grid row
    (label, then seven cells) instead of a value per line; its first cell replaced."""
    lines = EXAMPLE.splitlines()
    at = next(i for i, line in enumerate(lines) if line.strip().startswith("一、本年新收"))
    values = [line.strip() for line in lines[at + 1:at + 8]]
    grid = "\t".join([lines[at].strip(), first_cell, *values[1:]])
    return "\n".join(lines[:at] + [grid] + lines[at + 8:]).encode("utf-8")


def test_damaged_cell_in_a_table_three_grid_row_stays_in_its_column():
    original = parse_bytes(EXAMPLE.encode("utf-8"), "report.txt").tables["t3"]["new_received"]
    columns = list(original)
    clean = parse_bytes(_t3_row_as_grid(original[columns[0]].raw), "report.txt").tables["t3"]["new_received"]
    assert {c: clean[c].value for c in columns} == {c: original[c].value for c in columns}
    broken = parse_bytes(_t3_row_as_grid("x"), "report.txt").tables["t3"]["new_received"]
    assert broken[columns[0]].value is None and broken[columns[0]].uncertain and broken[columns[0]].raw == "x"
    for column in columns[1:]:
        assert broken[column].value == original[column].value, column
