"""Crawls that write a table's cells on lines of their own with pipes, read back into their rows.

- Each cell followed by a pipe ("0 |"), an empty cell as a pipe alone, and after a row short of
  the table's width one line of a pipe for each slot it lacks ("||") (readers.text._cell_lines).
- Pipe rows broken before each pipe: the first cell, "| 0" for each other, the closing "|"
  (readers.text._rows_of_leading_pipes)."""

from __future__ import annotations

from nianbao.document import RawParagraph, RawTable
from nianbao.parser import parse_bytes
from nianbao.readers import read

# Table 二's first rows as a county site's page is crawled (a caption cell spanning the four
# columns, then rows of four cells), and table 三's first rows (label cells spanning three
# columns, blank cells empty).
T2 = """第二十条第（一）项 |
|||
信息内容 |
本年制发件数 |
本年废止件数 |
现行有效件数 |
规章 |
/ |
/ |
/ |
行政规范性文件 |
3 |
0 |
12 |
"""
T3_ROW = """一、本年新收政府信息公开申请数量 |
|
|
|
|
|
|
0 |
||
二、上年结转政府信息公开申请数量 |
1 |
0 |
0 |
0 |
0 |
0 |
1 |
||
"""


def _tables(text: str) -> list[RawTable]:
    return [block for block in read(text.encode("utf-8"), "crawl.txt").blocks if isinstance(block, RawTable)]


def test_rows_are_dealt_by_the_width_the_closing_lines_give():
    (table,) = _tables(T2)
    rows = [[cell.text for cell in row] for row in table.rows]
    assert rows == [
        ["第二十条第（一）项", "", "", ""],
        ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
        ["规章", "/", "/", "/"],
        ["行政规范性文件", "3", "0", "12"],
    ]


def test_an_empty_cell_stays_an_empty_cell():
    (table,) = _tables(T3_ROW)
    first = [cell.text for cell in table.rows[0]]
    assert first == ["一、本年新收政府信息公开申请数量", "", "", "", "", "", "", "0", "", ""]


def test_without_closing_lines_the_cells_are_lines_of_their_own():
    text = "\n".join(line for line in T2.splitlines() if line != "|||") + "\n"
    blocks = read(text.encode("utf-8"), "crawl.txt").blocks
    assert all(isinstance(block, RawParagraph) for block in blocks)
    assert [block.text for block in blocks][:3] == ["第二十条第（一）项", "信息内容", "本年制发件数"]


def test_a_markdown_table_is_read_as_before():
    text = "| 规章 | 0 | 0 | 0 |\n| 行政规范性文件 | 3 | 0 | 12 |\n" * 3
    (table,) = _tables(text)
    assert [cell.text for cell in table.rows[1]] == ["行政规范性文件", "3", "0", "12"]


def test_a_report_crawled_so_reads_its_blank_cells_as_blank():
    report = parse_bytes(("三、收到和处理政府信息公开申请情况\n" + T3_ROW).encode("utf-8"), "crawl.txt")
    first = report.tables["t3"]["new_received"]
    assert [cell.value for cell in first.values()] == [None, None, None, None, None, None, 0]
    assert not any(cell.uncertain for cell in first.values())  # printed empty: blank for certain
    assert [cell.value for cell in report.tables["t3"]["carried_over"].values()] == [1, 0, 0, 0, 0, 0, 1]


BROKEN_ROWS = """规章
| 0
| 0
| 0
|
行政规范性文件
| 3
|
| 12
|

| 自然人
| 总计
|
"""


def test_rows_broken_before_each_pipe_are_joined_again():
    (table,) = _tables(BROKEN_ROWS)
    assert [[cell.text for cell in row] for row in table.rows] == [
        ["规章", "0", "0", "0"], ["行政规范性文件", "3", "", "12"], ["", "自然人", "总计"]]


def test_a_line_with_one_pipe_after_it_is_not_a_broken_row():
    text = "本年度共收到申请 3 件\n| 注：单位为件\n"
    blocks = read(text.encode("utf-8"), "crawl.txt").blocks
    assert isinstance(blocks[0], RawParagraph) and blocks[0].text == "本年度共收到申请 3 件"


OPENED = """| 
 规章  | 
 0  | 
 0  | 
 0  | 
| 
 行政规范性文件  | 
 3  | 
  | 
 12  | 
| 
 第二十条第（五）项  | |||
| 
 行政许可  | 
 
 5  | ||
"""


def test_rows_opened_by_a_pipe_alone_and_closed_after_their_last_cell():
    # Another crawler opens each row with a pipe alone, closes a short row with the pipes it
    # lacks after its last cell, and may break a cell's text over a blank line.
    (table,) = _tables(OPENED)
    assert [[cell.text for cell in row] for row in table.rows] == [
        ["规章", "0", "0", "0"], ["行政规范性文件", "3", "", "12"],
        ["第二十条第（五）项", "", "", ""], ["行政许可", "5", "", ""]]
