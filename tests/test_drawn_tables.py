"""Tables drawn with box-drawing characters (readers.box_text), as `w3m -dump` writes a page's
tables, and in ASCII as Markdown grid tables (pandoc) do: cells are the regions the rules
enclose, merged and wrapped cells included."""

from __future__ import annotations


import pytest

from nianbao.document import RawParagraph, RawTable
from nianbao.parser import parse_bytes
from nianbao.readers import read
from nianbao.readers.box_text import read_drawn_table

from . import metamorphic
from .conftest import CORPUS

# Table 三's rows as w3m draws them (UTF-8: box characters one column wide, CJK two): the group
# label （三）不予公开 a cell spanning two rows with its text centred over three lines, a
# wrapped label, and a column empty in every row drawn with no width.
W3M = """┌──────────┬──────────────────────┬───┬───┬┐
│          │1.属于国家秘密        │2  │2  ││
│（三）不予├──────────────────────┼───┼───┼┤
│公开      │2.其他法律行政法规禁止│1  │1  ││
│          │公开                  │   │   ││
└──────────┴──────────────────────┴───┴───┴┘"""


def _cells(table: RawTable) -> list[list[tuple[str, int | None, int, int]]]:
    return [[(cell.text, cell.col, cell.rowspan, cell.colspan) for cell in row] for row in table.rows]


def test_merged_and_wrapped_cells_are_one_cell_each():
    table = read_drawn_table(W3M.split("\n"))
    assert table is not None
    assert _cells(table) == [
        [("（三）不予公开", 0, 2, 1), ("1.属于国家秘密", 1, 1, 1), ("2", 2, 1, 1), ("2", 3, 1, 1), ("", 4, 1, 1)],
        [("2.其他法律行政法规禁止公开", 1, 1, 1), ("1", 2, 1, 1), ("1", 3, 1, 1), ("", 4, 1, 1)],
    ]


def test_box_characters_two_columns_wide():
    # In a CJK locale box characters take two columns, as CJK characters do.
    drawn = """┌─────┬──┬──┐
│规章    │0   │5   │
├─────┼──┼──┤
│规范性  │3   │12  │
│文件    │    │    │
└─────┴──┴──┘"""
    table = read_drawn_table(drawn.split("\n"))
    assert table is not None
    assert [[cell.text for cell in row] for row in table.rows] == [["规章", "0", "5"], ["规范性文件", "3", "12"]]


def test_ascii_grid_table_with_wrapped_cells():
    text = """二、主动公开政府信息情况

+----------------+----------+
| 信息内容       | 本年制发 |
|                | 件数     |
+================+==========+
| 规章           | 0        |
+----------------+----------+
| 行政规范性文件 | 1,234    |
+----------------+----------+
"""
    tables = [b for b in read(text.encode("utf-8"), "page.md").blocks if isinstance(b, RawTable)]
    assert [[[cell.text for cell in row] for row in t.rows] for t in tables] == [
        [["信息内容", "本年制发件数"], ["规章", "0"], ["行政规范性文件", "1,234"]]]


def test_a_partial_ascii_rule_under_a_merged_cell():
    text = """+------+--------+---+
| 不予 | 1.国家 | 2 |
| 公开 +--------+---+
|      | 2.其他 | 1 |
+------+--------+---+
"""
    (table,) = [b for b in read(text.encode("utf-8"), "page.md").blocks if isinstance(b, RawTable)]
    assert _cells(table) == [[("不予公开", 0, 2, 1), ("1.国家", 1, 1, 1), ("2", 2, 1, 1)],
                             [("2.其他", 1, 1, 1), ("1", 2, 1, 1)]]


def test_a_box_character_in_prose_is_text():
    text = "本机关2019─2020年度共收到申请3件。\n第二行\n"
    blocks = read(text.encode("utf-8"), "page.txt").blocks
    assert [b.text for b in blocks if isinstance(b, RawParagraph)] == ["本机关2019─2020年度共收到申请3件。", "第二行"]


def test_a_drawing_too_wide_is_not_a_table():
    line = "│" + " │" * 5_000
    assert read_drawn_table([line, line, line]) is None


def _drawn(rows: list[list[str]], widths: list[int]) -> str:
    """Rows drawn as w3m draws a table whose cells are all one row and column."""
    def line(left: str, middle: str, right: str) -> str:
        return left + middle.join("─" * w for w in widths) + right

    def cells(texts: list[str]) -> str:
        return "│" + "│".join(t + " " * (w - sum(2 if ord(c) > 0x2e80 else 1 for c in t)) for t, w in zip(texts, widths)) + "│"

    out = [line("┌", "┬", "┐")]
    for n, texts in enumerate(rows):
        out += [cells(texts), line("├", "┼", "┤") if n < len(rows) - 1 else line("└", "┴", "┘")]
    return "\n".join(out)


def test_a_report_dumped_by_w3m_reads_its_values():
    rows = [["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"], ["规章", "1", "0", "6"],
            ["行政规范性文件", "460", "", "2787"]]
    t2 = ("第二十条第（一）项\n" + _drawn(rows, [14, 12, 12, 12]) + "\n第二十条第（五）项\n"
          + _drawn([["信息内容", "本年处理决定数量"], ["行政许可", "506852"]], [14, 16]) + "\n第二十条第（六）项\n"
          + _drawn([["信息内容", "本年处理决定数量"], ["行政处罚", "294273"], ["行政强制", "28058"]], [14, 16])
          + "\n第二十条第（八）项\n"
          + _drawn([["信息内容", "本年收费金额（单位：万元）"], ["行政事业性收费", "18342.8022"]], [14, 26]))
    report = parse_bytes(("二、主动公开政府信息情况\n\n" + t2 + "\n").encode("utf-8"), "page.txt")
    t2 = report.tables["t2"]
    assert [cell.value for cell in t2["regulations"].values()] == [1, 0, 6]
    assert [cell.value for cell in t2["normative_documents"].values()] == [460, None, 2787]
    assert [cell.value for cell in t2["administrative_penalty"].values()] == [294273]
    assert not any(cell.uncertain for cells in t2.values() for cell in cells.values())


def test_links_counts_a_chinese_character_one_column():
    # links -dump lines its rules up by characters, not by display columns, and writes a merged
    # cell's text on the rule line of its neighbour's row.
    text = """+-------+------+--+
|       |1.国家秘密|2 |
|（三）不予公开+------+--+
|       |2.其他  |1 |
+-------+------+--+
"""
    (table,) = [b for b in read(text.encode("utf-8"), "page.txt").blocks if isinstance(b, RawTable)]
    assert _cells(table) == [[("（三）不予公开", 0, 2, 1), ("1.国家秘密", 1, 1, 1), ("2", 2, 1, 1)],
                             [("2.其他", 1, 1, 1), ("1", 2, 1, 1)]]


def test_a_drawing_too_long_is_not_a_table():
    assert read_drawn_table(["│ 0 │ 1 │"] * 5_000) is None


_DAMAGES = {
    "double_spaced": metamorphic.double_spaced,
    "spaces_collapsed": metamorphic.spaces_collapsed,
    "both": lambda text: metamorphic.double_spaced(metamorphic.spaces_collapsed(text)),
}


@pytest.mark.parametrize("damage", list(_DAMAGES))
@pytest.mark.parametrize("drawing", ["drawn_tables", "drawn_tables_narrow"])
def test_a_drawing_put_in_a_web_pages_paragraphs_reads_as_drawn(drawing, damage, tmp_path):
    """A text browser's drawing put on a web page a line a paragraph, and turned back into text
    by a tool: a blank line after each paragraph (the tables had been read as text, and 平潭
    2019's 采购总金额 lost its unit `元`, wrapped to the cell's second line, unflagged), or each
    run of spaces cut to one (markdownify, html2text, inscriptis, trafilatura), so that its rules
    no longer line up (read as the regions they enclose, cells of different columns were joined:
    up to 14 cells a report wrong, unflagged; read as text, table 四's row of values `│1 │0 │…│`
    and every row with a wrapped label lost).  Every report reads as its drawing does."""
    from nianbao.evaluate import score

    compared = 0
    for source, gold in metamorphic.text_pairs(CORPUS):
        drawn = metamorphic.BY_NAME[drawing].rewrite(source.read_text(encoding="utf-8"), gold)
        if not isinstance(drawn, str):
            continue
        (tmp_path / "drawn.txt").write_text(drawn, encoding="utf-8")
        (tmp_path / "page.txt").write_text(_DAMAGES[damage](drawn), encoding="utf-8")
        as_drawn, damaged = score(tmp_path / "drawn.txt", gold), score(tmp_path / "page.txt", gold)
        assert not damaged.wrong, (source.stem, damaged.wrong)
        assert (damaged.right, damaged.flagged) == (as_drawn.right, as_drawn.flagged), source.stem
        compared += 1
    assert compared >= 10


def test_two_drawings_parted_by_a_blank_line_stay_two_tables():
    first = _drawn([["信息内容", "本年处理决定数量"], ["行政许可", "5"]], [14, 16])
    second = _drawn([["信息内容", "本年处理决定数量"], ["行政处罚", "7"], ["行政强制", "2"]], [14, 16])
    blocks = read((first + "\n\n" + second + "\n").encode("utf-8"), "page.txt").blocks
    tables = [b for b in blocks if isinstance(b, RawTable)]
    assert [len(t.rows) for t in tables] == [2, 3]
    spaced = metamorphic.double_spaced(first) + "\n\n" + metamorphic.double_spaced(second) + "\n"
    assert [len(t.rows) for t in read(spaced.encode("utf-8"), "page.txt").blocks if isinstance(t, RawTable)] == [2, 3]


def test_a_drawing_that_lines_up_is_read_as_its_cells():
    """Every report's tables as drawn, narrow or wide, line up: read as a drawing (its tables
    are grids), none left to the text reader."""
    for source, gold in metamorphic.text_pairs(CORPUS):
        for drawing in ("drawn_tables", "drawn_tables_narrow"):
            drawn = metamorphic.BY_NAME[drawing].rewrite(source.read_text(encoding="utf-8"), gold)
            if not isinstance(drawn, str):
                continue
            blocks = read(drawn.encode("utf-8"), "page.txt").blocks
            assert not [b for b in blocks if isinstance(b, RawParagraph) and "│" in b.text], (source.stem, drawing)


def _table_rows(text: str) -> list[list[str]]:
    return [[cell.text for cell in row] for block in read(text.encode("utf-8"), "page.txt").blocks
            if isinstance(block, RawTable) for row in block.rows]


def test_a_drawing_read_as_text_keeps_each_row_and_its_blank_cells():
    """A drawing whose spaces were collapsed, with no rule between its rows (as some table printers
    draw): each line of cells is its own row, not joined with the next, and a blank cell among a
    row's values stays a blank cell of its column."""
    drawing = metamorphic.spaces_collapsed("""┌──────────────────┬────────────┬────────────┬────────────┐
│信息内容          │本年制发件数│本年废止件数│现行有效件数│
├──────────────────┼────────────┼────────────┼────────────┤
│规章              │1           │0           │6           │
│行政规范性文件    │2           │            │5           │
└──────────────────┴────────────┴────────────┴────────────┘""")
    assert read_drawn_table(drawing.split("\n")) is None  # its rules no longer line up
    assert _table_rows(drawing) == [["规章", "1", "0", "6"], ["行政规范性文件", "2", "", "5"]]


def test_a_wrapped_row_of_a_drawing_read_as_text_is_one_row():
    """A label wrapped over three lines of its cell, its values on the middle line, the rules
    between rows stopping at a merged group cell: read as text, the row is its whole label and
    its values, the group's label beside it."""
    drawing = metamorphic.spaces_collapsed("""┌──────────┬──────────┬───┬───┐
│          │1.属于国家│2  │2  │
│          │秘密      │   │   │
│（三）不予├──────────┼───┼───┤
│公开      │2.其他法律│   │   │
│          │行政法规禁│1  │1  │
│          │止公开    │   │   │
└──────────┴──────────┴───┴───┘""")
    assert read_drawn_table(drawing.split("\n")) is None
    assert _table_rows(drawing) == [["1.属于国家秘密", "2", "2"], ["公开 2.其他法律行政法规禁止公开", "1", "1"]]


def test_rows_whose_rule_between_them_was_dropped_are_not_joined_when_read_as_text():
    """A converter that keeps a line once drops a rule line it has written before: two rows of
    a drawing read as text then stand between the same rules.  The second opens a row with its
    number under the first's label, so they stay two rows (read as one, `（六）其他处理（七）总计`
    lost the row 总计 its `无`)."""
    drawing = metamorphic.spaces_collapsed("""┌──────────┬──────────────┬───┬───┐
│          │（六）其他处理│   │   │
│          │（七）总计    │无 │   │
├──────────┴──────────────┼───┼───┤
│四、结转下年度继续办理   │无 │   │
└─────────────────────────┴───┴───┘""")
    assert read_drawn_table(drawing.split("\n")) is None
    assert _table_rows(drawing) == [["（七）总计", "无", ""], ["四、结转下年度继续办理", "无", ""]]
