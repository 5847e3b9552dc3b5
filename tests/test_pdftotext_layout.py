"""A PDF report's text as poppler's `pdftotext -layout` extracts it: each line of the page as a
line of text, words at their places.  It sets a column whose header spans two rows (表四's 总计)
as a block of its own, and may print that column's value before its neighbours' (`5 7 0 0 2`
for 5 0 0 2 7): a row read so adds up in no column order but another, and is asked of the source.
Every gold report is printed as a PDF in typefaces in which this had read values wrong, converted,
and scored against its gold; the row rule is tested on 三明's crawl."""

from __future__ import annotations

import pytest

from nianbao.checks import check
from nianbao.normalise import build_document
from nianbao.parser import parse_bytes, parse_document
from nianbao.readers import read
from nianbao.readers.borderless import WHY_PLACED_BY_HEADER

from . import metamorphic
from .conftest import CORPUS

# 三明's table 四, one value a line: 行政复议, 未经复议直接起诉, 复议后起诉, five values each.
_SANMING_T4 = "1\n0\n1\n4\n6\n5\n0\n0\n2\n7\n1\n0\n0\n0\n1\n五、存在"


def _sanming_t4(values: str):
    text = (CORPUS / "dev" / "sanming-2023.txt").read_text(encoding="utf-8")
    assert _SANMING_T4 in text
    return parse_document(build_document(read(text.replace(_SANMING_T4, values, 1).encode("utf-8"), "report.txt")))


def test_a_row_adding_up_only_in_another_column_order_is_in_doubt():
    report = _sanming_t4("1\n0\n1\n4\n6\n5\n7\n0\n0\n2\n1\n0\n0\n0\n1\n五、存在")
    uncertain = set(report.canonical()["uncertain"])
    assert {f"t4.litigation_direct.{column}" for column in ("upheld", "corrected", "other", "pending", "total")} <= uncertain
    assert not [path for path in uncertain if path.startswith(("t4.review.", "t4.litigation_after_review."))]
    warning = next(w for w in report.warnings if w.code == "PARSE.SUM_IN_ANOTHER_ORDER")
    assert "换一种列序则相符" in warning.message
    # A check resting on the row asks for the source, and reports no error of the publisher's.
    findings = [f for f in check(report) if f.code == "T4.TOTAL"]
    assert findings and all(f.severity != "error" for f in findings)


def test_a_row_adding_up_in_no_order_stays_certain_and_its_error_is_reported():
    """A publisher's slip (a total one too many) adds up in no order: the values are as printed."""
    report = _sanming_t4("1\n0\n1\n4\n6\n5\n0\n0\n2\n8\n1\n0\n0\n0\n1\n五、存在")
    assert report.canonical()["t4"]["litigation_direct"]["total"] == 8
    assert not [path for path in report.canonical()["uncertain"] if path.startswith("t4.")]
    assert any(f.code == "T4.TOTAL" and f.severity == "error" for f in check(report))


# Typefaces in which `pdftotext -layout` had read values wrong.  The first printed table 四's
# 总计 value before its group's other values (9 pt, ruled, label columns 8 characters, values
# centred).  The others set report 002's tables, whose cells are mostly blank, with a row's lone
# value nearer another column's header than its own: left-aligned under 总计 (nearer 其他), in
# narrow columns whose headers' characters pdftotext counts one column wide, on a page laid out
# anew (规范性文件 alone atop a page, its values five columns right of 规章's on the page before),
# and under a header printed again on the next page, in that page's places.  (Left out: 9 pt,
# label columns 14 characters, values right-aligned, where pdftotext set table 三's lone 总计
# values at the very end of 法律服务机构's header, seven columns before 总计's: still read wrong.)
_FACES = (
    (metamorphic.face_of(9.0, 8, 5, 4.0, 2.0, "centre", True), True),
    (metamorphic.face_of(10.5, 14, 3, 5.0, 6.0, "right", False), True),
    (metamorphic.face_of(10.5, 17, 2, 5.0, 4.0, "left", True, top=True), True),
    (metamorphic.face_of(9.0, 7, 5, 5.0, 6.0, "left", True, top=True), False),
    (metamorphic.face_of(10.5, 6, 3, 3.0, 6.0, "right", False), False),
    (metamorphic.face_of(10.5, 18, 5, 4.0, 6.0, "right", False), True),
    # A group label set a character a line beside its rows (（四）无法提供's 无 on the line of
    # 2.没有现成…'s values, 三、本年度办理结果's 年 under their last): neither is a value nor a date.
    (metamorphic.face_of(9.0, 6, 2, 5.0, 4.0, "centre", False), False),
    # Narrow value columns: pdftotext sets two cells' zeros against each other (`0  0  00  2` for
    # a row of seven); no value prints a leading zero, so `00` is two values, not one.
    (metamorphic.face_of(9.0, 18, 6, 3.0, 2.0, "right", False), False),
)


@pytest.mark.parametrize(("face", "ruled"), _FACES)
def test_pdftotext_layout_in_drawn_typefaces_reads_no_value_wrong(face, ruled, tmp_path):
    def layout_text(pdf: bytes) -> str:
        return metamorphic.pdftotext_of(pdf, "-layout")

    wrong = metamorphic.wrong_in_typeface(CORPUS, face, ruled, layout_text, tmp_path)
    assert not wrong, wrong


def test_a_lone_value_the_header_does_not_place_is_in_doubt_with_its_row():
    """Report 002's table 三 prints one value a row (its 总计), left-aligned: in pdftotext's layout
    text it stands nearer 其他's header than 总计's, and no row filling every column shows where
    values stand.  The row's cells are asked of the source, the value's and the blanks'."""
    source = CORPUS / "seeds" / "002_785ebbaa410aaa3a.txt"
    gold = metamorphic.gold_of(source)
    face = metamorphic.face_of(9.0, 7, 5, 5.0, 6.0, "left", True, top=True)
    header, pdf = metamorphic.printed_in_typeface(source, gold, face, ruled=False)
    report = parse_bytes((header + metamorphic.pdftotext_of(pdf, "-layout")).encode("utf-8"), "report.txt")
    row = report.tables["t3"]["new_received"]
    assert all(cell.uncertain and cell.inferred == WHY_PLACED_BY_HEADER for cell in row.values())
    # A finding resting on the row asks for the source; none is the publisher's error.
    assert not [f for f in check(report) if f.severity == "error" and "new_received" in " ".join(f.cells)]
