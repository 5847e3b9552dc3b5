"""Pipe rows wrapped over lines, as antiword writes a Word document's tables as text: each cell
padded to its column's width, a long label continued on lines of its own below its row with
the other cells empty (readers.text._unwrapped_rows)."""

from __future__ import annotations

import pytest

from nianbao.document import RawTable
from nianbao.readers import read

# antiword's text of a report's table 二 (the cells as it pads them).
ANTIWORD = """|第二十条第（一）项|             |             |             |
|信息内容          |本年新制作数 |本年新公开数 |对外公开总数 |
|                  |量           |量           |量           |
|规章              |0            |0            |0            |
|规范性文件        |0            |0            |0            |
|第二十条第（五）项|                                        |
|信息内容          |上一年项目数 |本年增/减    |处理决定数量 |
|                  |量           |             |             |
|行政许可          |0            |0            |0            |
|其他对外管理服务事|0            |0            |0            |
|项                |             |             |             |
|第二十条第（六）项|             |             |             |
|行政处罚          |0            |0            |0            |
"""


def _rows(text: str) -> list[list[str]]:
    tables = [b for b in read(text.encode("utf-8"), "doc.txt").blocks if isinstance(b, RawTable)]
    return [[cell.text for cell in row] for table in tables for row in table.rows]


def test_a_wrapped_label_is_joined_to_its_row():
    rows = _rows(ANTIWORD)
    assert ["其他对外管理服务事项", "0", "0", "0"] in rows
    assert ["项", "", "", ""] not in rows


def test_a_wrapped_label_is_joined_to_its_row_whose_cells_outgrow_the_padding():
    # A value wider than its column's padding (a unit after it, a character the exporter counts
    # narrower than it prints) puts that line's pipes out of line with the lines around it.
    text = ANTIWORD.replace("|其他对外管理服务事|0            |", "|其他对外管理服务事|0件            |")
    rows = _rows(text)
    assert ["其他对外管理服务事项", "0件", "0", "0"] in rows
    assert ["项", "", "", ""] not in rows


def test_a_caption_after_a_full_label_starts_a_row():
    assert ["第二十条第（六）项", "", "", ""] in _rows(ANTIWORD)


def test_a_row_of_blanks_after_a_short_label_is_a_row():
    text = "|规章          |0   |0   |0   |\n|规范性文件    |    |    |    |\n"
    assert _rows(text) == [["规章", "0", "0", "0"], ["规范性文件", "", "", ""]]


def test_unpadded_rows_are_not_joined():
    # html2text pads nothing: a row of blank cells after a value row stays a row.
    text = "信息内容| 本年制发件数| 本年废止件数\n---|---|---\n其他对外管理服务事项| 0| 0\n行政处罚| | \n"
    assert ["行政处罚", "", ""] in _rows(text)


def test_a_numbered_label_starts_a_row():
    text = "|1.属于国家秘密          |0   |\n|2.其他法律行政法规禁止公|    |\n"
    assert _rows(text)[1] == ["2.其他法律行政法规禁止公", ""]


def test_rows_printed_alike_are_not_padding():
    # Unpadded Markdown whose value rows happen to print alike: no line continues another.
    text = "| 三、 | （一）予以公开 | 9件 | 0件 |\n" + "| 0件 | 0件 | 0件 | 0件 |\n" * 3 + "| 二、 | 其他 | 1件 | 0件 |\n"
    assert len(_rows(text)) == 5


@pytest.mark.parametrize("gap", ["\n\n", "\n\n\n"])
def test_rows_a_blank_line_apart_are_one_table(gap):
    # html2text puts a blank line after every row (a crawl doubling line breaks, two); a row of a
    # table saved slot by slot shows the others where its label's slots are, so the rows are read
    # as one table.
    text = gap.join(["| 规章 |  | 0 | 0 | 0 |", "| 规范性文件 |  | 1 | 0 | 2 |", "| 行政许可 |  | 5 | 0 | 5 |"]) + "\n"
    tables = [b for b in read(text.encode("utf-8"), "doc.txt").blocks if isinstance(b, RawTable)]
    assert [[cell.text for cell in row] for row in tables[0].rows] == [
        ["规章", "", "0", "0", "0"], ["规范性文件", "", "1", "0", "2"], ["行政许可", "", "5", "0", "5"]]
