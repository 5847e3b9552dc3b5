"""Layout text (a PDF converted with its layout kept): blank cells placed by the header's positions.

The generator below prints table 三 of the 2021 edition as `pdftotext -layout` does: a header
line naming the columns, then each row's label and its values at their columns' positions, a
blank cell only spaces (rows blank but for 总计 among them).  The reader must hand the parser
a grid with the blank cells empty, so they come back blank (None) and unflagged and every value
in its column.  Where a row's values stand on a line of their own, the row they go with is a
guess: the lines stay text, as before.
"""

from __future__ import annotations

import random
import time

from nianbao import editions
from nianbao.document import RawTable
from nianbao.evaluate import score
from nianbao.normalise import build_document
from nianbao.parser import parse_document
from nianbao.readers import read
from nianbao.readers.borderless import BorderlessTable, PageTables
from nianbao.readers.layout_text import MAX_LAYOUT_LINES, _widest_agreeing, looks_like_layout_text
from nianbao.readers.pdf import Glyph, _Cell, _Table

from . import metamorphic
from .conftest import CORPUS

T3 = editions.get("2021").table("t3")
HEADING = "三、收到和处理政府信息公开申请情况"
NEXT_HEADING = "四、政府信息公开行政复议、行政诉讼情况"
# Where things are on the page (points), as a PDF of the table has them: the labels' left edge,
# then the centre of each value column; characters as wide as a 10.5 pt font prints them.
LABEL_X = 65.0
FIRST_CENTRE, COLUMN_STEP = 500.0, 80.0
FULL_WIDTH, HALF_WIDTH = 10.5, 5.25
# A converter's character pitch (pdfplumber's layout text: 7.25 pt a string column).
PITCH = 7.25
NOTE = ["（本列数据的勾稽关系为：第一项加第二项之", "和，等于第三项加第四项之和）"]


def _label(row) -> str:
    return f"{row.number}{row.label}{row.tail}"


def _width(text: str, full: float = FULL_WIDTH) -> float:
    return sum(full if ord(char) > 0x2E80 else full / 2 for char in text)


def _printed(words: list[tuple[float, str]]) -> str:
    """A line as a converter writes it: each word at its left edge divided by the pitch, one
    string column a character (Chinese or not), at least a space between words."""
    line = ""
    for x, word in sorted(words):
        column = max(round(x / PITCH), len(line) + 1 if line else 0)
        line = line.ljust(column) + word
    return line


def _centred(text: str, column: int, full: float = FULL_WIDTH, first: float = FIRST_CENTRE) -> tuple[float, str]:
    return first + column * COLUMN_STEP - _width(text, full) / 2, text


def _header(full: float = FULL_WIDTH, first: float = FIRST_CENTRE) -> list[str]:
    """The column names over their columns, the label column's note (two lines) over the labels."""
    names = [_centred(column.label, k, full, first) for k, column in enumerate(T3.columns)]
    return [_printed([(LABEL_X, NOTE[0]), *names]), _printed([(LABEL_X, NOTE[1])])]


def _line(label: str, values: list[int | None], full: float = FULL_WIDTH, first: float = FIRST_CENTRE) -> str:
    """A row: its label, each value centred in its column, a blank cell nothing."""
    words = [_centred(str(value), k, full, first) for k, value in enumerate(values) if value is not None]
    return _printed(([(LABEL_X, label)] if label else []) + words)


def _values(seed: int) -> dict[str, list[int | None]]:
    """Every row's cells, some blank: a row blank but for 总计, rows with scattered blanks."""
    pick = random.Random(seed)
    out: dict[str, list[int | None]] = {}
    for n, row in enumerate(T3.rows):
        values: list[int | None] = [pick.choice([None, None, 0, 1, 12, 305]) for _ in T3.columns]
        if n % 4 == 0:
            values = [None] * (len(T3.columns) - 1) + [pick.choice([0, 7])]
        if all(value is None for value in values):
            values[-1] = 3
        out[row.key] = values
    return out


def _layout_text(values: dict[str, list[int | None]], page_break_before: int | None = None,
                 full: float = FULL_WIDTH, first: float = FIRST_CENTRE, blank_before: tuple[int, ...] = ()) -> str:
    """The report's table 三 section as layout text; with `page_break_before`, that row starts
    a new page (a form feed), the page before ending in its page number.  `full`: the width of
    a Chinese character (the font's size), `first`: where the first value column's centre is;
    `blank_before`: rows printed with a blank line before them (a taller cell above)."""
    rows = [_line(_label(row), values[row.key], full, first) for row in T3.rows]
    for n in blank_before:
        rows[n] = "\n" + rows[n]
    if page_break_before is not None:
        rows[page_break_before] = "\n" + " " * 40 + "— 1 —\n\f" + rows[page_break_before]
    lines = ["2021年政府信息公开工作年度报告", "", "  " + HEADING, "", *_header(full, first), *rows]
    lines += ["", "  " + NEXT_HEADING, "", "  无。"]
    return "\n".join(lines) + "\n"


def _canonical(text: str) -> dict:
    return parse_document(build_document(read(text.encode("utf-8"), "report.txt"))).canonical()


def _expected(values: dict[str, list[int | None]]) -> dict[str, dict[str, int | None]]:
    return {key: dict(zip([c.key for c in T3.columns], row)) for key, row in values.items()}


def test_blank_cells_come_back_blank_and_unflagged_and_values_in_their_columns():
    for seed in (1, 2, 3):
        values = _values(seed)
        canonical = _canonical(_layout_text(values))
        assert canonical["t3"] == _expected(values)
        assert not [path for path in canonical["uncertain"] if path.startswith("t3.")]


def test_the_reader_gives_a_grid_with_one_cell_a_column():
    values = _values(4)
    raw = read(_layout_text(values).encode("utf-8"), "report.txt")
    [table] = [block for block in raw.blocks if isinstance(block, RawTable)]
    assert len(table.rows) == len(T3.rows)
    partially = next(row for row in table.rows if "部分公开" in row[0].text)
    assert [len(row) for row in table.rows] == [1 + len(T3.columns)] * len(T3.rows)
    assert all(cell.box is None and cell.page == 1 for row in table.rows for cell in row)  # no page image
    assert [cell.text for cell in partially[1:]] == ["" if v is None else str(v) for v in values["partially_granted"]]


def test_a_table_across_a_page_break_is_one_table():
    values = _values(5)
    text = _layout_text(values, page_break_before=11)
    raw = read(text.encode("utf-8"), "report.txt")
    assert len([block for block in raw.blocks if isinstance(block, RawTable)]) == 1
    canonical = _canonical(text)
    assert canonical["t3"] == _expected(values)
    assert not [path for path in canonical["uncertain"] if path.startswith("t3.")]


def test_values_on_a_line_of_their_own_between_two_rows_leave_the_lines_as_text():
    """A tall label cell whose first line is short: the converter prints the row's values on a
    line between that line and the next, which starts a row of its own as far as the layout
    tells; which row the values are is a guess, left to the text reading, which flags it."""
    values = _values(6)
    text = _layout_text(values)
    row = T3.rows[3]
    wrapped = "\n".join([_line(f"{row.number}{row.label}", []), _line("", values[row.key]), _line(row.tail, [])])
    text = text.replace(_line(_label(row), values[row.key]), wrapped)
    raw = read(text.encode("utf-8"), "report.txt")
    assert not [block for block in raw.blocks if isinstance(block, RawTable)]


def test_values_on_a_line_of_their_own_inside_a_wrapped_label_are_its_row():
    """A label wrapped at the label column's edge, its values on a line between its two lines
    (the middle of the cell): the values are that row's, each in its column, unflagged."""
    values = _values(9)
    lengths = sorted(_width(_label(row)) for row in T3.rows)
    row = max(T3.rows, key=lambda row: _width(_label(row)))
    label = _label(row)
    cut = max(n for n in range(len(label)) if _width(label[:n]) <= lengths[-2])  # full: as wide as the next longest
    wrapped = "\n".join([_line(label[:cut], []), _line("", values[row.key]), _line(label[cut:], [])])
    _assert_one_table_read_right(_layout_text(values).replace(_line(label, values[row.key]), wrapped), values)


def test_a_table_set_in_a_smaller_font():
    """Characters of a 9 pt font, the value columns close to the longest labels: the labels,
    measured as 10.5 pt characters, would reach into the first value column and end the
    table; the reader tries the narrower width too and keeps the one that reads the table."""
    values = _values(10)
    longest = max(_width(_label(row), 9.0) for row in T3.rows)
    first = LABEL_X + longest + 2 * 9.0 + COLUMN_STEP / 2  # the first column's left edge two characters on
    assert LABEL_X + max(_width(_label(row)) for row in T3.rows) > first - COLUMN_STEP / 2  # at 10.5 pt: inside it
    text = _layout_text(values, full=9.0, first=first)
    canonical = _canonical(text)
    assert canonical["t3"] == _expected(values)
    assert not [path for path in canonical["uncertain"] if path.startswith("t3.")]


def test_blank_lines_between_rows_stay_in_the_table():
    """Rows printed with a blank line before them (a group's taller cells, a page's top): one
    table still, every value in its column; the heading after the table, a blank line below
    it and starting where no row does, is not a row."""
    values = _values(11)
    blank_before = (3, 4, 12, 20, len(T3.rows) - 1)
    _assert_one_table_read_right(_layout_text(values, blank_before=blank_before), values)
    _assert_one_table_read_right(_layout_text(values, page_break_before=20, blank_before=blank_before), values)


def _assert_one_table_read_right(text: str, values: dict[str, list[int | None]]) -> None:
    """The reader finds table 三 as one table of its rows, and every cell comes back as printed,
    none flagged."""
    raw = read(text.encode("utf-8"), "report.txt")
    [table] = [block for block in raw.blocks if isinstance(block, RawTable)]
    assert len(table.rows) == len(T3.rows)
    canonical = _canonical(text)
    assert canonical["t3"] == _expected(values)
    assert not [path for path in canonical["uncertain"] if path.startswith("t3.")]


def test_only_layout_text_is_read_as_layout_text():
    values = _values(7)
    assert looks_like_layout_text(_layout_text(values))
    for path in sorted(CORPUS.glob("*/*.txt")) + sorted(CORPUS.glob("*/*.md")):
        assert not looks_like_layout_text(path.read_text(encoding="utf-8")), path.name


def test_hostile_layout_text_costs_bounded_time():
    """A line of two million characters among gapped lines stays text, unsearched (it took
    minutes), and text of more lines than a report has is read by lines, as before."""
    long_line = "数" * 2_000_000
    started = time.process_time()
    raw = read(("x   1\n" * 20 + long_line + "   5\n").encode("utf-8"), "hostile.txt")
    assert time.process_time() - started < 10
    assert any(block.text.startswith("数" * 1000) for block in raw.blocks if not isinstance(block, RawTable))
    rows = [_line(_label(row), _values(8)[row.key]) for row in T3.rows]
    assert not looks_like_layout_text("\n".join([*_header(), *rows] * (MAX_LAYOUT_LINES // len(rows) + 1)))
    assert looks_like_layout_text("\n".join([*_header(), *rows]))


# Table 三 of a report set in 9 pt, as pdfplumber's layout text printed it (a gold report printed
# by LibreOffice): the values stand right-aligned in their cells, and a two-digit total ("18")
# reaches past the mirrored edge of the last header word (总计).  Nothing lies to the right of the
# last column, so a value starting in it is its value.
CONVERTED_9PT = [
    '               三、收到和处理政府信息公开申请情况',
    '',
    '                                                    申请人情况',
    '                                                   法人或其他组织',
    '             （本列数据的勾稽关系为：第一项加第二项之',
    '                                        自然            社会   法律',
    '                和，等于第三项加第四项之和）               商业   科研                总计',
    '                                         人            公益   服务   其他',
    '                                             企业   机构',
    '                                                      组织   机构',
    '            一、本年新收政府信息公开申请数量             821  35             2    1  859',
    '            二、上年结转政府信息公开申请数量             18                           18',
    '                        1.属于国家秘密         14',
    '                        6.属于四类过程性信息       3    1',
    '                        8.属于行政查询事项       10    2',
    '                        1.信访举报投诉类申请      148   1',
    '                        2.重复申请            5    4',
    '                   （七）总计                 767  35             2    1  805',
    '            四、结转下年度继续办理                  72                           72',
]


def test_a_value_reaching_past_the_last_header_word_is_in_the_last_column():
    raw = read(("\n".join(CONVERTED_9PT) + "\n").encode("utf-8"), "report.txt")
    [table] = [block for block in raw.blocks if isinstance(block, RawTable)]
    cells = {row[0].text: [cell.text for cell in row[1:]] for row in table.rows}
    assert cells["二、上年结转政府信息公开申请数量"] == ["18", "", "", "", "", "", "18"]
    assert cells["一、本年新收政府信息公开申请数量"] == ["821", "35", "", "", "2", "1", "859"]
    assert cells["四、结转下年度继续办理"] == ["72", "", "", "", "", "", "72"]


def test_rows_after_a_page_break_starting_in_another_label_column_go_on_with_the_table():
    """The page after the break opens with （七）总计, whose label starts in the group labels'
    column, and a blank line before 四、结转…, which starts in the outermost one: both are rows of
    the table the page before ended with, their values in its columns."""
    *body, total, carried = CONVERTED_9PT
    text = "\n".join([*body, "", " " * 40 + "— 2 —", "\f", total, "", carried]) + "\n"
    raw = read(text.encode("utf-8"), "report.txt")
    [table] = [block for block in raw.blocks if isinstance(block, RawTable)]
    cells = {row[0].text: [cell.text for cell in row[1:]] for row in table.rows}
    assert cells["（七）总计"] == ["767", "35", "", "", "2", "1", "805"]
    assert cells["四、结转下年度继续办理"] == ["72", "", "", "", "", "", "72"]


def _reading(lines: int, column_of_value: int) -> tuple[int, PageTables, dict[int, int]]:
    """A page's reading taking `lines` lines, whose one value cell ("12", its first character at
    line 0, column 40) lies in the table's column `column_of_value`."""
    xs = [0.0, 300.0, 400.0, 500.0, 600.0]
    glyph = Glyph("1", 400.0, 0.0, 407.2, 14.4, 14.4)
    value = _Cell("12", xs[column_of_value], xs[column_of_value + 1], 0, 1, 1, 0.0, 14.4, [glyph])
    return lines, PageTables([BorderlessTable(_Table(1, 0.0, 14.4, xs, 1, [value]), [])], []), {}


def test_another_width_is_taken_only_where_it_keeps_every_value_in_its_column():
    """The narrower width's reading takes more lines: it is taken when the values the first
    reading placed stay in their columns, and not when one moves (the header read another way:
    which is right is not known)."""
    first = _reading(5, 2)
    assert _widest_agreeing([first, _reading(9, 2)])[0] == 9
    assert _widest_agreeing([first, _reading(9, 3)]) is first
    assert _widest_agreeing([first, _reading(5, 2)]) is first  # a tie: the first width


def test_a_row_of_blank_cells_after_a_blank_line_stays_in_the_table():
    """A row printing no value, a group's name before its label, after a blank line (pdftotext's
    layout of a group's taller cells): its label starts where the labels above start, so the
    blank line is inside the table and the row's cells are blank, not a table ended early."""
    values = _values(12)
    row = T3.rows[8]
    values[row.key] = [None] * len(T3.columns)
    grouped = _printed([(LABEL_X - 40.0, "（三）"), (LABEL_X, _label(row))])
    text = _layout_text(values).replace(_line(_label(row), values[row.key]) + "\n", "\n" + grouped + "\n")
    assert "\n\n" + grouped in text
    _assert_one_table_read_right(text, values)


def test_a_group_labels_piece_stays_out_of_the_row_beside_it(tmp_path):
    """Table 三 printed with narrow group columns: （四）无法提供 wraps as （四 / ）无 / 法提 / 供,
    its piece ）无 on the line under 1.本机关不掌握相关政府信息, whose cells are blank.  Joined to
    that row's label, the 无 read as its first value, 0, and unflagged; a group label's pieces
    are the group's, not the row's."""
    face = metamorphic.Typeface(full=10.5, pitch=7.25, label_chars=16, group_chars=3, value_chars=4.0,
                                row_pad=2.0)
    text, result = _report_002_as_layout_text(face, tmp_path)
    lines = text.splitlines()
    row = next(n for n, line in enumerate(lines) if "1.本机关不掌握相关政府信息" in line)
    assert lines[row + 1].split()[-1] == "）无"
    assert result.wrong == []
    assert result.right == result.cells and result.flagged == 0


def _report_002_as_layout_text(face, tmp_path):
    """Seed report 002 printed in `face` and converted back as layout text, and its score."""
    source = CORPUS / "seeds" / "002_785ebbaa410aaa3a.txt"
    gold = metamorphic.gold_of(source)
    text = metamorphic.layout_text(source.read_text(encoding="utf-8"), gold, face)
    path = tmp_path / "report.txt"
    path.write_text(text, encoding="utf-8")
    return text, score(path, gold)


def test_a_table_whose_cells_are_set_at_their_tops(tmp_path):
    """Every gold cell of report 002 printed with its cells' text at their tops (Word's default)
    in narrow columns: table 二's header leaves a blank line above its first row (规章), and table
    四's group names stand at their groups' tops, 行政诉讼 as wide as 结果维持 and over the gap
    between two columns.  Every cell is read, none flagged (before: 21 and 15 flagged)."""
    face = metamorphic.Typeface(full=10.5, pitch=7.25, label_chars=8, group_chars=4, value_chars=5.0,
                                row_pad=4.0, align="centre", top=True)
    _, result = _report_002_as_layout_text(face, tmp_path)
    assert result.wrong == []
    assert result.right == result.cells and result.flagged == 0
