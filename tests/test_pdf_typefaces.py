"""Every gold report printed as a PDF in typefaces drawn at random (size, column widths,
alignment, padding, rules), read by nianbao's own PDF reader and scored against its gold.  The
faces here are those in which a value had read wrong or a table had not been found."""

from __future__ import annotations

import pytest

from nianbao.parser import parse_bytes

from . import metamorphic
from .conftest import CORPUS

# 10.5 pt, label columns 9 characters, group columns 2, values right-aligned, no rules: table
# 三's group labels set a character a line put 三、's 、 and （四）'s 四 between a row's last value
# and its label's rest (`37、四关政府信息`), and 37 had read as 3 (a heading's number 7、 after it).
# 12 pt, label columns 13 characters, values centred, no rules: （二）部分公开 atop a page prints
# its one value between its label's two lines, in the page's top margin band, and the value had
# been dropped as the page's number (its cell read blank).
_FACES = (
    (metamorphic.face_of(10.5, 9, 2, 5.0, 6.0, "right", False), False),
    (metamorphic.face_of(12.0, 13, 3, 3.0, 4.0, "centre", False), False),
)


@pytest.mark.parametrize(("face", "ruled"), _FACES)
def test_pdf_reader_in_drawn_typefaces_reads_no_value_wrong(face, ruled, tmp_path):
    wrong = metamorphic.wrong_in_typeface(CORPUS, face, ruled, None, tmp_path)
    assert not wrong, wrong


def test_a_borderless_table_three_over_two_pages_with_stacked_group_labels_is_found():
    """Report 002 (its cells mostly blank) in 12 pt with group labels set a character a line and
    no rules: table 三's first page holds one sub-row, （一）予以公开, beside 三 of 三、本年度办理结果,
    two label pieces on a line (the left one a group's); the next page's labels start half a
    character apart (a bracket opening a label, centred characters of a stacked group).  The table
    is found on both pages and its cells are read from it, not left in doubt."""
    source = CORPUS / "seeds" / "002_785ebbaa410aaa3a.txt"
    gold = metamorphic.gold_of(source)
    face = metamorphic.face_of(12.0, 19, 3, 5.0, 4.0, "left", False, top=True)
    _, pdf = metamorphic.printed_in_typeface(source, gold, face, ruled=False)
    report = parse_bytes(pdf, "report.pdf")
    doubted = [path for path in report.canonical()["uncertain"] if path.startswith("t3.")]
    assert not doubted, doubted


def test_two_ruled_tables_on_a_page_keep_their_own_column_rules():
    """Report 002 in 9 pt with rules: table 三's rule between 其他 and 总计 stands 1.7 points from
    the rule between table 四's last two columns, further down the page.  Each table keeps its
    own rules (the first had been swallowed by the second, as if one border ran down the page),
    so table 三 has its seven value columns and none of its cells is left in doubt."""
    source = CORPUS / "seeds" / "002_785ebbaa410aaa3a.txt"
    gold = metamorphic.gold_of(source)
    face = metamorphic.face_of(9.0, 16, 6, 4.0, 2.0, "right", False)
    _, pdf = metamorphic.printed_in_typeface(source, gold, face, ruled=True)
    report = parse_bytes(pdf, "report.pdf")
    canonical = report.canonical()
    assert not canonical["uncertain"]
    assert {row: canonical["t3"][row] for row in gold["t3"]} == gold["t3"]


def test_a_row_number_beside_a_group_label_a_point_above_stays_with_its_row():
    """Report 002 in 9 pt, group labels set a character a line, no rules: 1.本机关不掌握… stands a
    point below the stacked 理结果 (of 三、本年度办理结果) and two above （四）.  Its narrow 1 had
    joined 理结果's line and its full stop the row's (a full stop's box, a point high, measured the
    line's reach), so a lone 1 stood left of the value columns and table 三 was left to its text."""
    source = CORPUS / "seeds" / "002_785ebbaa410aaa3a.txt"
    gold = metamorphic.gold_of(source)
    face = metamorphic.face_of(9.0, 20, 4, 4.0, 2.0, "left", False)
    _, pdf = metamorphic.printed_in_typeface(source, gold, face, ruled=False)
    canonical = parse_bytes(pdf, "report.pdf").canonical()
    assert not canonical["uncertain"]
    assert {row: canonical["t3"][row] for row in gold["t3"]} == gold["t3"]
