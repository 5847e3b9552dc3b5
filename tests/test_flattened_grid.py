"""A grid row that is really a whole page flattened onto one tab-separated line: the
values of its last labelled row are the cells right after the label, never a run of
cells found further on, past running text and the next table's header."""

from __future__ import annotations

from nianbao import editions
from nianbao.document import Document, Grid, Span
from nianbao.extract import read_rows

T3 = editions.get("2019").table("t3")


def _one_row_grid(cells: list[str]) -> Document:
    spans, text = [], ""
    for cell in cells:
        if text:
            text += "\t"
        spans.append(Span(cell, len(text), len(text) + len(cell), None, (0, 0, len(spans))))
        text += cell
    return Document(text=text, blocks=[Grid(0, [spans])], format="text")


def _read(cells: list[str]):
    document = _one_row_grid(cells)
    widths = {row.key: len(T3.columns) for row in T3.rows}
    return read_rows(document, (0, len(document.text)), T3.rows, widths)


PAGE_AFTER_TABLE = [
    "（七）总计", "无", "四、结转下年度继续办理",
    "无 政府信息公开行政复议、行政诉讼情况 2020年，街道没有签发行政规范性文件、没有制定重大政策。 行政复议",
    "行政诉讼 结果 维持 结果纠正", "其他结果", "尚未审结", "总计",
    "", "", "", "", "无", "", "", "",
]


def test_values_past_running_text_are_not_the_rows():
    readings = _read(PAGE_AFTER_TABLE)
    last = readings[-1]
    assert last.row == "carried_forward"
    assert [t.text for t in last.tokens if t.text] == []


def test_a_short_note_between_label_and_values_is_still_passed_over():
    cells = ["四、结转下年度继续办理", "（单位：件）", "1", "0", "0", "0", "0", "0", "1"]
    last = _read(cells)[-1]
    assert last.row == "carried_forward"
    assert [t.text for t in last.tokens] == ["1", "0", "0", "0", "0", "0", "1"]
