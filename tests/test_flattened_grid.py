"""A grid row that is really a whole page flattened onto one tab-separated line: every
label in it starts a row, the values of a row are the cells after its label up to the
next label, and never a run of cells found further on, past running text and the next
table's header."""

from __future__ import annotations

from nianbao import editions
from nianbao.document import Document, Grid, Span
from nianbao.extract import read_rows, t4_tokens

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
    # The value glued to the running text is the row's; table 四's values past it are not.
    assert [t.text for t in last.tokens if t.text] == ["无"]


def test_a_short_note_between_label_and_values_is_still_passed_over():
    cells = ["四、结转下年度继续办理", "（单位：件）", "1", "0", "0", "0", "0", "0", "1"]
    last = _read(cells)[-1]
    assert last.row == "carried_forward"
    assert [t.text for t in last.tokens] == ["1", "0", "0", "0", "0", "0", "1"]


# --------------------------------------------------------------------------- a whole table on one row

UNION_T3 = tuple({row.key: row for e in ("2019", "2021") for row in editions.get(e).table("t3").rows}.values())


def _read_union(cells: list[str]):
    document = _one_row_grid(cells)
    widths = {row.key: len(T3.columns) for row in UNION_T3}
    return read_rows(document, (0, len(document.text)), UNION_T3, widths)


def test_a_page_flattened_with_its_cell_tabs_reads_every_row():
    # Rows joined by a space: each row's last cell shares a cell with the next row's label.
    cells = ["（一）予以公开", "1", "0", "0", "0", "0", "0", "1 （二）部分公开（区分处理的，只计这一情形，不计其他情形）",
             "0", "0", "2", "0", "0", "0", "2 （三）不予公开", "1.属于国家秘密", "0", "0", "0", "0", "0", "0", "0"]
    readings = _read_union(cells)
    assert [(r.row, [t.text for t in r.tokens]) for r in readings] == [
        ("granted", ["1", "0", "0", "0", "0", "0", "1"]),
        ("partially_granted", ["0", "0", "2", "0", "0", "0", "2"]),
        ("withheld_state_secret", ["0"] * 7),
    ]


def test_a_blank_last_cell_glued_to_the_next_label_is_a_blank_cell():
    cells = ["1.属于国家秘密", "", "", "", "", "", "", "2.其他法律行政法规禁止公开", "", "", "", "", "", "", "无"]
    first, second = _read_union(cells)
    assert [t.text for t in first.tokens] == [""] * 7
    assert [t.text for t in second.tokens] == [""] * 6 + ["无"]


def test_a_full_row_takes_no_blank_from_the_next_label():
    cells = ["1.属于国家秘密", "0", "0", "0", "0", "0", "0", "0", "2.其他法律行政法规禁止公开", "1", "0", "0", "0", "0", "0", "1"]
    first, second = _read_union(cells)
    assert len(first.tokens) == 7 and len(second.tokens) == 7


def test_a_group_name_before_its_sub_row_gives_way_to_it():
    cells = ["（六）其他处理", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", "0", "1", "0", "0", "0", "0", "1"]
    readings = _read_union(cells)
    assert [(r.row, len(r.tokens)) for r in readings] == [("other_overdue_correction", 7)]


def test_values_glued_to_the_text_after_the_table_end_its_last_row():
    cells = ["四、结转下年度继续办理", "0", "0", "0", "0", "0", "0", "0 五、存在的主要问题及改进情况", "1", "2"]
    last = _read(cells)[-1]
    assert [t.text for t in last.tokens] == ["0"] * 7


def test_table_four_header_and_values_on_one_row():
    header = ["行政复议", "行政诉讼 结果维持", "结果纠正", "其他结果", "尚未审结", "总计", "未经复议直接起诉", "复议后起诉 结果维持",
              "结果纠正", "其他结果", "尚未审结", "总计", "结果维持", "结果纠正", "其他结果", "尚未审结"]
    values = ["0", "1", "0", "2", "0", "0", "0", "0", "0", "0", "0", "0", "0", "0"]
    glued = _one_row_grid([*header, "总计 1", *values])
    tokens, _, from_grid = t4_tokens(glued, (0, len(glued.text)), 15)
    assert [t.text for t in tokens] == ["1", *values] and from_grid
    blank_first = _one_row_grid([*header, "总计", *values])
    tokens, _, _ = t4_tokens(blank_first, (0, len(blank_first.text)), 15)
    assert [t.text for t in tokens] == ["", *values]
    # The first value printed with its note ("1（其中…）") is a value, not a blank cell.
    noted = _one_row_grid([*header, "总计 1（其中复议后撤回1件）", *values])
    tokens, _, _ = t4_tokens(noted, (0, len(noted.text)), 15)
    assert [t.text for t in tokens][1:] == values and tokens[0].text.startswith("1")


def test_rows_glued_without_a_space_keep_their_last_values():
    # Nothing between rows: 无 runs into the next heading, 0 into the next label.
    cells = ["二、上年结转政府信息公开申请数量", "", "", "", "", "", "", "无三、本年度办理结果", "（一）予以公开",
             "0", "0", "0", "0", "0", "0", "0（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "1", "0", "0", "0", "0", "0", "1"]
    readings = _read_union(cells)
    assert [(r.row, [t.text for t in r.tokens]) for r in readings] == [
        ("carried_over", [""] * 6 + ["无"]),
        ("granted", ["0"] * 7),
        ("partially_granted", ["1", "0", "0", "0", "0", "0", "1"]),
    ]


def test_no_blank_is_inferred_where_the_text_may_hold_a_value():
    # The cell after the values starts like a value that is not read ("—三…" is not a heading
    # number): the row stays short, so its cells are flagged, rather than given a guessed blank.
    cells = ["二、上年结转政府信息公开申请数量", "", "", "", "", "", "", "—本年度办理结果", "（一）予以公开", "0", "0", "0", "0", "0", "0", "0"]
    first = _read_union(cells)[0]
    assert first.row == "carried_over" and len(first.tokens) == 6


def test_values_opening_a_row_before_any_label_are_kept_as_a_row_without_one():
    # The rest of a label wrapped onto this line, its values after it: the label is not read
    # here, but the values are a row of their own, for the table to place or flag, never dropped.
    readings = _read(["不计其他情形）", "3", "0", "0", "0", "0", "0", "3"])
    assert [(r.row, [t.text for t in r.tokens]) for r in readings] == [(None, ["3", "0", "0", "0", "0", "0", "3"])]


def test_values_past_running_text_before_any_label_are_not_a_row():
    readings = _read(["本机关全年未收到政府信息公开申请。", "3", "0", "0", "0", "0", "0", "3"])
    assert readings == []


def test_an_unreadable_cell_keeps_its_place_in_a_row_without_a_label():
    # A scan's garbled cells among the values are cells: the values after them stay in their columns.
    readings = _read(["不计其他情形）", "3", "x", "0", "0", "0", "0", "3"])
    assert [t.text for t in readings[0].tokens] == ["3", "x", "0", "0", "0", "0", "3"]
    [row] = _read(["不计其他情形）", "3", "石K", "0", "0", "0", "0", "3"])
    assert [t.text for t in row.tokens] == ["3", "", "0", "0", "0", "0", "3"] and row.unreadable_cell


def test_a_value_among_the_opening_cells_of_a_slotted_table_leaves_the_slots_unsure():
    """A page flattened onto one line whose rows print every slot of their merged label cells
    (a Word table as antiword writes it, its lines joined): a row with values past its width
    shows the table saved slot by slot, so a row's opening empty cells are slots.  A row whose
    surplus of cells holds a value within it (（七）总计, one slot and a row's joining cell: 无 is
    its first value, not its second) cannot have all of them dropped: which are slots is not
    known, and the row is in doubt rather than one column off."""
    slotted_row = ["(一)予以公开", "", "1", "2", "3", "4", "5", "6", "21"]
    total_row = ["(七)总计", "", "无", "", "", "", "", "", "", ""]
    readings = {r.row: r for r in _read(slotted_row + total_row) if r.row}
    assert [t.text for t in readings["granted"].tokens] == ["1", "2", "3", "4", "5", "6", "21"]
    assert not readings["granted"].slots_unsure
    assert readings["total_handled"].slots_unsure
