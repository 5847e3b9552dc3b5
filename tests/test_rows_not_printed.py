"""A row of table 二 the report does not print: a certain blank when every printed value is
accounted for, a doubt when the table's own reading leaves room for a lost label."""

from __future__ import annotations

import nianbao
from nianbao.checks import check

from .conftest import corpus_file

CRAWL = corpus_file("dev/pingtan-2022.txt")  # 规章000行政规范性文件8855698… on one line


def _t2(text: str) -> dict[str, tuple[object, bool]]:
    report = nianbao.parse_bytes(text.encode("utf-8"), "variant.txt")
    return {path: (cell.value, cell.uncertain) for path, cell in report.cells() if path.startswith("t2.")}


def _rewrite(old: str, new: str) -> str:
    original = CRAWL.read_text(encoding="utf-8")
    assert old in original
    return original.replace(old, new)


def test_a_row_left_out_is_blank_for_certain_and_reported_once():
    text = _rewrite("规章000", "")
    cells = _t2(text)
    assert [cells[f"t2.regulations.{c}"] for c in ("issued", "repealed", "in_force")] == [(None, False)] * 3
    assert cells["t2.normative_documents.in_force"] == (698, False)
    report = nianbao.parse_bytes(text.encode("utf-8"), "variant.txt")
    assert any(w.code == "PARSE.ROW_NOT_PRINTED" for w in report.warnings)
    assert [f.code for f in check(report)].count("LAYOUT.ROW_NOT_PRINTED") == 1


def test_a_label_misread_beyond_recognition_leaves_its_row_in_doubt():
    # The values 000 are printed with no label the parser knows: the row may be them.
    cells = _t2(_rewrite("规章000", "口口000"))
    assert all(cells[f"t2.regulations.{c}"][1] for c in ("issued", "repealed", "in_force"))


def test_values_taken_up_by_the_row_before_leave_the_row_in_doubt():
    # 行政强制's label lost: its 0 is read onto 行政处罚, which then has too many digits.
    cells = _t2(_rewrite("行政强制0", "口口口口0"))
    assert cells["t2.administrative_coercion.decisions"] == (None, True)
    assert cells["t2.administrative_penalty.decisions"][1]


def test_values_past_the_next_blocks_caption_are_not_taken_up_by_the_row_before():
    # 行政许可's label lost: its 10690 follows 第二十条第（五）项, so it is no value of 行政规范性文件,
    # which reads as printed; the row whose label is lost stays in doubt.
    cells = _t2(_rewrite("行政许可10690", "口口口口10690"))
    assert cells["t2.administrative_licensing.decisions"] == (None, True)
    assert [cells[f"t2.normative_documents.{c}"] for c in ("issued", "repealed", "in_force")] == [
        (88, False), (55, False), (698, False)]


def test_a_table_missing_its_last_rows_may_have_been_cut_short():
    cells = _t2(_rewrite("行政事业性收费9116.36", ""))
    assert cells["t2.administrative_fees.amount"] == (None, True)
    assert cells["t2.administrative_coercion.decisions"] == (0, False)


def test_a_row_missing_from_a_scan_stays_in_doubt():
    from nianbao.model import Cell, Report
    from nianbao.readers.ocr import WHY_NOT_READ_ON_SCAN, _doubt_rows_not_printed
    from nianbao.tables import WHY_NOT_PRINTED

    report = nianbao.parse_bytes(_rewrite("规章000", "").encode("utf-8"), "variant.txt")
    assert isinstance(report, Report)
    assert _doubt_rows_not_printed(report) == 3
    cell = report.cell("t2.regulations.issued")
    assert isinstance(cell, Cell) and cell.uncertain and cell.inferred == WHY_NOT_READ_ON_SCAN != WHY_NOT_PRINTED


def test_a_row_printing_its_label_alone_is_printed_with_blank_cells():
    report = nianbao.parse_bytes(_rewrite("规章000", "规章").encode("utf-8"), "variant.txt")
    cells = {path: (cell.value, cell.uncertain) for path, cell in report.cells() if path.startswith("t2.regulations")}
    assert set(cells.values()) == {(None, False)}
    assert [w.code for w in report.warnings if w.code.startswith("PARSE.ROW")] == ["PARSE.ROWS_LABEL_ONLY"]
    codes = [f.code for f in check(report)]
    assert "LAYOUT.ROW_NOT_PRINTED" not in codes and "CELL.BLANK" in codes


def test_a_label_alone_whose_values_may_be_elsewhere_stays_in_doubt():
    # 规章's values printed before its label, a stray run: the row is printed, its values unknown.
    report = nianbao.parse_bytes(_rewrite("规章000", "000规章").encode("utf-8"), "variant.txt")
    assert all(cell.uncertain for path, cell in report.cells() if path.startswith("t2.regulations"))
    assert "PARSE.ROW_VALUES_NOT_READ" in [w.code for w in report.warnings]
    assert "LAYOUT.ROW_NOT_PRINTED" not in [f.code for f in check(report)]
