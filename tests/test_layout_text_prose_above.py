"""Layout text whose converter keeps no blank line between a paragraph and the table under it.

`pdftotext -layout` prints a page line by line at one pitch: the last lines of the paragraph
before table 二 stand right above its caption and header, as close as the header's own lines.
The generator below prints table 二 of either edition that way, its blocks one after another
(caption, header with 信息内容 over the labels, rows), the labels at the left margin and
shorter than the label column, some cells blank, and before it a paragraph wrapped at every
width, so its short last line ("政复议 0 件。") lands left of 信息内容 in one of them.  Taken
into the header such a line made a column of its own left of the label column's, 信息内容 then
read as a value column, and every value of the row shifted one column right, unflagged.
"""

from __future__ import annotations

import random

import pytest

from nianbao import editions
from nianbao.normalise import build_document
from nianbao.parser import parse_document
from nianbao.readers import read

PARAGRAPH = ("本机关全年共收到政府信息公开申请 0 件，上年结转 0 件，因政府信息公开被申请行政复议 0 件，"
             "被提起行政诉讼 0 件。")
# Where things are, in the converter's columns (one a half-width character's width on paper;
# a Chinese character is two wide on paper but one column of the string).
LABEL_COLUMN = 24  # the label column's width: 其他对外管理服务事项 (ten characters) fits
GAP = 4


def _printed(words: list[tuple[int, str]]) -> str:
    """A line as the converter writes it: each word at its place on paper, one string column a
    character, at least a space between words."""
    line = ""
    for column, word in sorted(words):
        line = line.ljust(max(column, len(line) + 1 if line else 0)) + word
    return line


def _paper_width(text: str) -> int:
    return sum(2 if ord(char) > 0x2E80 else 1 for char in text)


def _block_lines(block, values: dict[str, list[int | None]]) -> list[str]:
    starts, column = [], LABEL_COLUMN
    for col in block.columns:
        starts.append(column)
        column += _paper_width(col.label) + GAP
    item = next(label for key, label in editions.get("2021").table("t2").headers if key == "item")
    caption = _printed([((LABEL_COLUMN + column) // 2 - _paper_width(block.caption) // 2, block.caption)])
    header = _printed([((LABEL_COLUMN - _paper_width(item)) // 2, item),
                       *((start, col.label) for start, col in zip(starts, block.columns))])
    lines = [caption, header]
    for row in block.rows:
        words = [(0, row.label)]
        for start, col, value in zip(starts, block.columns, values[row.key]):
            if value is not None:
                text = str(value)
                words.append((start + (_paper_width(col.label) - len(text)) // 2, text))
        lines.append(_printed(words))
    return lines


def _wrapped(paragraph: str, width: int) -> list[str]:
    return ["     " + paragraph[:width]] + [paragraph[n:n + width] for n in range(width, len(paragraph), width)]


def _values(table, seed: int) -> dict[str, list[int | None]]:
    pick = random.Random(seed)
    out = {}
    for row in table.rows:
        cells = [pick.choice([None, 0, 0, 4, 17, 305]) for _ in row.columns]
        if all(value is None for value in cells):
            cells[0] = 2
        out[row.key] = cells
    return out


def _report(edition: str, width: int, values: dict[str, list[int | None]]) -> str:
    table = editions.get(edition).table("t2")
    lines = ["      某某街道办事处 2020 年政府信息公开工作年度报告", "",
             "     一、总体情况", *_wrapped(PARAGRAPH, width),
             "     二、主动公开政府信息情况", *_wrapped(PARAGRAPH, width)]
    for block in table.blocks:
        lines += _block_lines(block, values)
    lines += ["", "     三、收到和处理政府信息公开申请情况", "", "     无。"]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("edition", ["2019", "2021"])
def test_a_paragraph_right_above_the_table_is_not_its_header(edition):
    table = editions.get(edition).table("t2")
    for width in range(18, 31):
        values = _values(table, width)
        text = _report(edition, width, values)
        canonical = parse_document(build_document(read(text.encode("utf-8"), "report.txt"))).canonical()
        got = {row.key: [canonical["t2"][row.key][col.key] for col in row.columns] for row in table.rows}
        uncertain = [path for path in canonical["uncertain"] if path.startswith("t2.")]
        wrong = {key: (got[key], values[key]) for key in values if got[key] != values[key]}
        # A value the reader could not place is flagged, never shifted; here every one is placed.
        assert not wrong, (width, wrong, uncertain, text)
        assert not uncertain, (width, uncertain)
