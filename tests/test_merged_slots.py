"""A table saved slot by slot (a spreadsheet's text, a crawl writing every slot of a merged
cell): a label cell spanning three columns is followed by two empty cells before the row's
values.  Those are the label's slots, not blank cells (extract._drop_spanned_slots)."""

from __future__ import annotations

from nianbao.model import Report
from nianbao.parser import parse_bytes

HEAD = "三、收到和处理政府信息公开申请情况\n"


def _report(rows: list[list[str]]) -> Report:
    text = HEAD + "\n".join("\t".join(cells) for cells in rows) + "\n四、政府信息公开行政复议、行政诉讼情况\n"
    return parse_bytes(text.encode("utf-8"), "slots.txt")


def _t3(rows: list[list[str]]) -> dict:
    return _report(rows).tables["t3"]


def _values(row: dict) -> list:
    return [cell.value for cell in row.values()]


NEW = ["一、本年新收政府信息公开申请数量", "", "", "5", "1", "0", "0", "0", "0", "6"]
CARRIED = ["二、上年结转政府信息公开申请数量", "", "", "1", "0", "0", "0", "0", "0", "1"]


def test_a_label_spanning_columns_leaves_slots_not_blank_cells():
    t3 = _t3([NEW, CARRIED])
    assert _values(t3["new_received"]) == [5, 1, 0, 0, 0, 0, 6]
    assert not any(cell.uncertain for cell in t3["new_received"].values())


def test_a_row_closing_blank_takes_its_slots_from_the_rows_that_show_them():
    # 无 for 自然人 and the rest blank: the row's surplus of two empty cells could be its label's
    # slots or the blank cells it closes with; the rows above show the table saved slot by slot.
    forward = ["四、结转下年度继续办理", "", "", "无", "", "", "", "", "", ""]
    report = _report([NEW, CARRIED, forward])
    assert _values(report.tables["t3"]["carried_forward"]) == [0, None, None, None, None, None, None]
    # Not in doubt for its slots (the rows between, not printed here, put the table in doubt).
    assert not [w for w in report.warnings if w.code == "PARSE.SLOTS_UNSURE"]


def test_without_a_row_that_shows_the_slots_the_row_is_in_doubt():
    # Every row closes blank: nothing says whether the two empty cells after a label are its
    # slots (other rows print labels in their columns and no value there) or blank cells.
    new = ["一、本年新收政府信息公开申请数量", "", "", "无", "", "", "", "", "", ""]
    sub = ["", "（一）予以公开", "", "", "", "", "", "", "", ""]
    forward = ["四、结转下年度继续办理", "", "", "无", "", "", "", "", "", ""]
    t3 = _t3([new, sub, ["", "", "（二）部分公开", "", "", "", "", "", "", ""], forward])
    assert all(cell.uncertain for cell in t3["carried_forward"].values())
    assert all(cell.uncertain for cell in t3["new_received"].values())


def test_a_row_of_cells_without_slots_reads_as_before():
    # Cells written as printed, blank cells empty and the row's last cells past the table empty
    # too (a converter's trailing cells): the opening blank is the row's, not a slot.
    row = ["一、本年新收政府信息公开申请数量", "", "1", "0", "0", "0", "0", "1", "", ""]
    t3 = _t3([row, ["（一）予以公开", "1", "0", "0", "0", "0", "0", "1"]])
    assert _values(t3["new_received"]) == [None, 1, 0, 0, 0, 0, 1]
