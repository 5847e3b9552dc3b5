"""Ruled scan tables whose rules were partly lost (a faint rule on a photocopy): merged cells
are cut back into the printed cells by their shape and by where their text lines stand
(readers/ocr.py: `_rectangles`, `_split_stacked_labels`)."""

from __future__ import annotations

from nianbao.readers.ocr import _OcrCell, _rectangles, _ScanTable, _split_stacked_labels


def test_a_merged_cell_that_is_not_a_rectangle_is_cut_where_its_width_changes():
    # （二）部分公开 spans columns 1-2 in row 0; the group label （三）不予公开 spans column 1 in rows
    # 1-3; the rule between them was lost: one L-shaped cell, whose bounding box would cover
    # the sub-labels of column 2 in rows 1-3 and read them too.
    l_shape = [(0, 1), (0, 2), (1, 1), (2, 1), (3, 1)]
    assert sorted(_rectangles(l_shape)) == [(0, 1, 0, 2), (1, 1, 3, 1)]
    assert _rectangles([(r, c) for r in range(3) for c in range(2)]) == [(0, 0, 2, 1)]
    assert sorted(_rectangles([(0, 0), (0, 2)])) == [(0, 0, 0, 0), (0, 2, 0, 2)]


def _table(label_lines: list[tuple[int, int, int, int]]) -> tuple[_ScanTable, _OcrCell]:
    """Two table rows 20 pt high; the label cell over both (its rule lost), a value in each."""
    label = _OcrCell(0, 2, 0.0, 100.0, (0.0, 0.0, 100.0, 40.0), 1, lines=label_lines, row=0, rowspan=2)
    values = [_OcrCell(r, r + 1, 100.0, 150.0, (100.0, 20.0 * r, 150.0, 20.0 * (r + 1)), 1, row=r) for r in (0, 1)]
    return _ScanTable(1, 0.0, [0.0, 100.0, 150.0], 2, [label, *values]), label


def test_numbered_labels_one_in_each_row_of_a_merged_label_cell_are_each_its_rows():
    table, label = _table([(2, 3, 98, 17), (2, 23, 98, 37)])
    readings = [("一、本年新收政府信息公开申请数量", 0.99), ("二、上年结转政府信息公开申请数量", 0.97)]
    parts = _split_stacked_labels(table, label, readings, to_px=1.0)
    assert [(part.row, part.rowspan, part.box) for part, _ in parts] == [
        (0, 1, (0.0, 0.0, 100.0, 20.0)), (1, 1, (0.0, 20.0, 100.0, 40.0))]
    assert [read for _, read in parts] == [[readings[0]], [readings[1]]]


def test_a_group_label_or_lines_not_one_a_row_keep_the_cell_whole():
    table, label = _table([(2, 3, 98, 17), (2, 23, 98, 37)])
    group = [("（三）", 0.99), ("不予公开", 0.99)]  # a group label over its sub-rows: not numbered twice
    assert _split_stacked_labels(table, label, group, to_px=1.0) == [(label, group)]
    table, label = _table([(2, 3, 98, 9), (2, 11, 98, 18)])  # a label wrapped within the first row
    wrapped = [("一、本年新收政府信息", 0.99), ("二、公开申请数量", 0.99)]
    assert _split_stacked_labels(table, label, wrapped, to_px=1.0) == [(label, wrapped)]
