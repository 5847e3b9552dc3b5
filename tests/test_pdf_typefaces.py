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
    # The faces of the tests below, each read over every report too.
    (metamorphic.face_of(9.0, 16, 6, 4.0, 2.0, "right", False), True),
    (metamorphic.face_of(9.0, 20, 4, 4.0, 2.0, "left", False), False),
    (metamorphic.face_of(9.0, 9, 6, 3.0, 2.0, "centre", False), False),
    (metamorphic.face_of(10.5, 15, 2, 3.0, 2.0, "centre", False), False),
    (metamorphic.face_of(10.5, 9, 2, 3.0, 2.0, "centre", False), False),
    (metamorphic.face_of(12.0, 18, 3, 4.0, 6.0, "centre", True, top=True), False),
    (metamorphic.face_of(12.0, 12, 2, 4.0, 6.0, "centre", True), False),
    (metamorphic.face_of(12.0, 17, 5, 4.0, 6.0, "centre", True), False),
    (metamorphic.face_of(12.0, 7, 2, 3.0, 4.0, "centre", False), False),
)


@pytest.mark.parametrize(("face", "ruled"), _FACES)
def test_pdf_reader_in_drawn_typefaces_reads_no_value_wrong(face, ruled, tmp_path):
    wrong = metamorphic.wrong_in_typeface(CORPUS, face, ruled, None, tmp_path)
    assert not wrong, wrong


_SEED_002 = CORPUS / "seeds" / "002_785ebbaa410aaa3a.txt"


def _read_as_pdf(source, face, ruled: bool) -> tuple[dict, dict]:
    """A gold report printed as a PDF in `face`, read by nianbao: its canonical data and its gold."""
    gold = metamorphic.gold_of(source)
    _, pdf = metamorphic.printed_in_typeface(source, gold, face, ruled)
    return parse_bytes(pdf, "report.pdf").canonical(), gold


def _read_alike(canonical: dict, gold: dict, table: str) -> bool:
    return {row: canonical[table][row] for row in gold[table]} == gold[table]


def test_a_borderless_table_three_over_two_pages_with_stacked_group_labels_is_found():
    """Report 002 (its cells mostly blank) in 12 pt with group labels set a character a line and
    no rules: table 三's first page holds one sub-row, （一）予以公开, beside 三 of 三、本年度办理结果,
    two label pieces on a line (the left one a group's); the next page's labels start half a
    character apart (a bracket opening a label, centred characters of a stacked group).  The table
    is found on both pages and its cells are read from it, not left in doubt."""
    face = metamorphic.face_of(12.0, 19, 3, 5.0, 4.0, "left", False, top=True)
    canonical, _ = _read_as_pdf(_SEED_002, face, ruled=False)
    doubted = [path for path in canonical["uncertain"] if path.startswith("t3.")]
    assert not doubted, doubted


def test_two_ruled_tables_on_a_page_keep_their_own_column_rules():
    """Report 002 in 9 pt with rules: table 三's rule between 其他 and 总计 stands 1.7 points from
    the rule between table 四's last two columns, further down the page.  Each table keeps its
    own rules (the first had been swallowed by the second, as if one border ran down the page),
    so table 三 has its seven value columns and none of its cells is left in doubt."""
    face = metamorphic.face_of(9.0, 16, 6, 4.0, 2.0, "right", False)
    canonical, gold = _read_as_pdf(_SEED_002, face, ruled=True)
    assert not canonical["uncertain"]
    assert _read_alike(canonical, gold, "t3")


def test_a_row_number_beside_a_group_label_a_point_above_stays_with_its_row():
    """Report 002 in 9 pt, group labels set a character a line, no rules: 1.本机关不掌握… stands a
    point below the stacked 理结果 (of 三、本年度办理结果) and two above （四）.  Its narrow 1 had
    joined 理结果's line and its full stop the row's (a full stop's box, a point high, measured the
    line's reach), so a lone 1 stood left of the value columns and table 三 was left to its text."""
    face = metamorphic.face_of(9.0, 20, 4, 4.0, 2.0, "left", False)
    canonical, gold = _read_as_pdf(_SEED_002, face, ruled=False)
    assert not canonical["uncertain"]
    assert _read_alike(canonical, gold, "t3")


def test_a_label_wrapped_short_of_its_column_at_an_open_bracket_keeps_its_value():
    """Report 002 in 9 pt, label columns 9 characters, no rules: （二）部分公开（区分处理的， stops
    five points short of its column's edge (the next character would not fit) and goes on
    below, its one value printed between the two lines.  A label left open (a bracket, a comma)
    goes on, so the value has its row and table 三 is read from the page, not left to its text."""
    face = metamorphic.face_of(9.0, 9, 6, 3.0, 2.0, "centre", False)
    canonical, gold = _read_as_pdf(_SEED_002, face, ruled=False)
    assert not canonical["uncertain"]
    assert _read_alike(canonical, gold, "t3")


def test_a_caption_across_the_label_and_value_columns_is_no_column():
    """10.5 pt, label columns 15 characters, value columns 3, no rules: table 二's 本年收费金额（单 /
    位：万元） wraps in its narrow column, 信息内容 centred between its two lines on a line of its
    own, under the caption 第二十条第（八）项, which reaches over the value column's name.  The
    caption is no value column of its own (the row's value had been taken for a blank one)."""
    face = metamorphic.face_of(10.5, 15, 2, 3.0, 2.0, "centre", False)
    for source in (CORPUS / "dev" / "shanghai-stcsm-2024.md", _SEED_002):
        canonical, gold = _read_as_pdf(source, face, ruled=False)
        assert not canonical["uncertain"], source.name
        assert _read_alike(canonical, gold, "t2"), source.name


def test_rows_going_on_in_label_columns_the_page_before_did_not_use_are_the_tables():
    """10.5 pt, label columns 9 characters, group columns 2, no rules: table 三's first page
    holds only 一、本年新收…, in the outermost label column.  The next page's rows start in that
    column (二、上年结转…), in the group rows' (（一）予以公开, each stacked group character
    centred in it) and in the sub-rows' (1.属于国家秘密…): they go on with the table, read from
    the page, not left to their text (seven cells of a row placed by the order of its lines)."""
    face = metamorphic.face_of(10.5, 9, 2, 3.0, 2.0, "centre", False)
    for source in (CORPUS / "dev" / "pingtan-agriculture-2024.txt", CORPUS / "dev" / "shanghai-stcsm-2024.md"):
        canonical, gold = _read_as_pdf(source, face, ruled=False)
        assert not canonical["uncertain"], source.name
        assert _read_alike(canonical, gold, "t3"), source.name


def test_a_header_broken_over_a_page_with_names_set_a_character_a_line_is_read_whole():
    """Report 002 in 12 pt, cells' text at their tops, no rules: table 三's header row breaks
    over a page (自 / 然 on one page, 人 on the next, between the other names' lines), ten lines
    in all.  The header is read whole, so 自然人 is a value column and the rows' values under it
    are placed (they had been beside no column, and the table left to its text)."""
    face = metamorphic.face_of(12.0, 18, 3, 4.0, 6.0, "centre", True, top=True)
    canonical, gold = _read_as_pdf(_SEED_002, face, ruled=False)
    assert not canonical["uncertain"]
    assert _read_alike(canonical, gold, "t3")


def test_the_next_tables_header_atop_a_page_is_no_copy_of_the_running_tables():
    """12 pt, label columns 12 characters, headers repeated atop each page, no rules: table 三
    ends a page, and the next opens with table 四's heading and header, whose words stand over
    table 三's value columns.  They are not table 三's header printed again (its rows had taken
    table 四's first header line as a row, and table 四 was not found).  Nor is a 2019 report's
    table 二 header printed again followed by the next of its tables' (第二十条第（九）项 /
    信息内容 采购项目数量 采购总金额): the header printed again ends before that caption."""
    face = metamorphic.face_of(12.0, 12, 2, 4.0, 6.0, "centre", True)
    for source, table in ((_SEED_002, "t4"), (CORPUS / "seeds" / "004_74ac7cc249356a73.txt", "t2")):
        canonical, gold = _read_as_pdf(source, face, ruled=False)
        assert not canonical["uncertain"], source.name
        assert _read_alike(canonical, gold, table), source.name


def test_table_twos_first_header_repeated_atop_a_page_is_not_the_next_rows_header():
    """12 pt, headers repeated atop each page, no rules: a page ends with the header of table
    二's 第二十条第（八）项 (two words under its caption), and Word prints the table's first rows
    atop the next, the header of 第二十条第（一）项, before 行政事业性收费's row.  That row stands
    under the header the page before ended with (it had been placed under 本年制发件数's)."""
    face = metamorphic.face_of(12.0, 17, 5, 4.0, 6.0, "centre", True)
    for source in (CORPUS / "dev" / "sanming-2023.txt", _SEED_002):
        canonical, gold = _read_as_pdf(source, face, ruled=False)
        assert "t2.administrative_fees.amount" not in canonical["uncertain"], source.name
        assert _read_alike(canonical, gold, "t2"), source.name
        assert _read_alike(canonical, gold, "t4"), source.name


def test_a_page_opening_with_another_article_caption_starts_the_next_table():
    """12 pt, label columns 7 characters, value columns 3, no rules, no header printed again:
    a 2019 report's table 二 goes on to a page opening with 第二十条第（九）项 and its header, as
    many columns as the table of 第二十条第（八）项 the page before ended with.  Word repeats only
    a table's first rows (第二十条第（一）项's), so this is the next table, not a header printed
    again: 政府集中采购 had been read as a row of the fees' table (table 二 not found)."""
    face = metamorphic.face_of(12.0, 7, 2, 3.0, 4.0, "centre", False)
    canonical, gold = _read_as_pdf(CORPUS / "seeds" / "004_74ac7cc249356a73.txt", face, ruled=False)
    assert not canonical["uncertain"]
    assert _read_alike(canonical, gold, "t2")
