"""OCR confusions the arithmetic settles (readers/ocr_confusions.py): one swap along the
confusable digit pairs in one OCR cell that makes every relation hold is taken; two that fit,
none, or a cell not read by OCR settle nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nianbao.checks.load import report_from_json
from nianbao.evaluate import gold_cells
from nianbao.readers.ocr_confusions import WHY_BORNE_OUT, WHY_NOUGHT, WHY_UNSETTLED, settle_confusions, swaps

GOLD = json.loads((Path(__file__).parent / "fixtures" / "scans" / "sanming-gold.json").read_text(encoding="utf-8"))


@pytest.fixture
def report():
    return report_from_json(GOLD)


def _all_paths(report) -> set[str]:
    return {path for path, _ in report.cells()}


def test_swaps_follow_the_confusable_pairs():
    assert sorted(swaps(130)) == [138, 180, 730]  # 0→8, 3→8, 1→7
    assert sorted(swaps(8)) == [0, 3]
    assert 27 not in swaps(20) and sorted(swaps(80)) == [30, 88]  # never a leading zero: 08 is not printed


def test_a_misread_digit_is_corrected_and_keeps_the_ocr_reading(report):
    cell = report.cell("t3.granted.natural_person")  # printed 130, read 138 (0 → 8)
    cell.value, cell.uncertain = 138, True
    assert settle_confusions(report, _all_paths(report)) == 1
    assert (cell.value, cell.uncertain, cell.alternatives) == (130, False, (138,))
    assert "勾稽关系" in cell.inferred


def test_two_misreads_in_separate_places_are_both_settled(report):
    first, second = report.cell("t3.granted.natural_person"), report.cell("t3.carried_forward.total")
    printed = second.value
    first.value = 138
    second.value = next(v for v in swaps(printed))
    assert settle_confusions(report, _all_paths(report)) == 2
    assert (first.value, second.value) == (130, printed)


def test_only_cells_read_by_ocr_are_touched(report):
    cell = report.cell("t3.granted.natural_person")
    cell.value, cell.uncertain = 138, True
    assert settle_confusions(report, _all_paths(report) - {"t3.granted.natural_person"}) == 0
    assert (cell.value, cell.uncertain) == (138, True)


def test_a_wrong_digit_outside_the_pairs_is_left_as_read(report):
    cell = report.cell("t3.granted.natural_person")
    cell.value, cell.uncertain = 132, True  # 0 read as 2: no confusable swap restores it
    assert settle_confusions(report, _all_paths(report)) == 0
    assert (cell.value, cell.uncertain, cell.alternatives) == (132, True, ())


def _granted_row(**values) -> dict:
    """A 2021 report holding only table 三's 予以公开 row: its one relation is the row's sum."""
    row = dict(natural_person=130, commercial_enterprise=2, research_institution=0, social_welfare_org=0,
               legal_service_org=8, other_org=19, total=159)
    row.update(values)
    return report_from_json({"edition": "2021", "t3": {"granted": row}})


def test_one_fitting_swap_in_a_lone_row_is_taken():
    report = _granted_row(social_welfare_org=6)  # 0 read as 6? not a pair: nothing
    assert settle_confusions(report, _all_paths(report)) == 0
    report = _granted_row(total=169)  # 5 read as 6 in the total
    assert settle_confusions(report, _all_paths(report)) == 1
    assert report.value("t3.granted.total") == 159


def test_two_fitting_swaps_settle_nothing():
    # 社会公益组织 printed 0, read 8: the row is 8 over.  Turning that 8 back to 0 fits, and so
    # does turning 法律服务机构's printed 8 into 0: the arithmetic cannot tell which.
    report = _granted_row(social_welfare_org=8)
    assert settle_confusions(report, _all_paths(report)) == 0
    assert report.value("t3.granted.social_welfare_org") == 8 and report.value("t3.granted.legal_service_org") == 8


# --- Place names in the agency's name -------------------------------------------------------


@pytest.mark.parametrize("read, printed", [
    ("沐阳县人民政府", "沭阳县人民政府"),
    ("山东省临沐县人民政府", "山东省临沭县人民政府"),  # the province reads, the county only once settled
    ("毫州市人民政府办公室", "亳州市人民政府办公室"),
    ("雎宁县教育局", "睢宁县教育局"),
])
def test_a_confused_character_of_a_place_is_settled_by_the_gazetteer(read, printed):
    from nianbao.readers.ocr_confusions import settle_place_name

    assert settle_place_name(read) == printed


@pytest.mark.parametrize("name", ["沭阳县人民政府", "亳州市人民政府", "某某县人民政府", "国家统计局"])
def test_a_name_that_reads_as_printed_or_that_no_place_settles_is_kept(name):
    from nianbao.readers.ocr_confusions import settle_place_name

    assert settle_place_name(name) is None


def test_an_ocr_report_gets_the_settled_agency_and_its_region_with_the_reading_kept(report):
    from nianbao.document import RawCell, RawDocument, RawTable
    from nianbao.readers.ocr import flag_doubtful_cells

    report.agency, report.region = "沐阳县人民政府", {}
    raw = RawDocument([RawTable([[RawCell("1", 0, 0, page=1, box=(0, 0, 9, 9), confidence=0.99)]])], "image")
    flag_doubtful_cells(report, raw)
    assert report.agency == "沭阳县人民政府"
    assert report.region.get("county") == "沭阳县" and report.region.get("city") == "宿迁市", report.region
    assert any("沐阳县人民政府" in w.message and w.code == "OCR.PLACE_NAME" for w in report.warnings)
    # A report not read by OCR is left as it came.
    text_report = report_from_json(GOLD)
    text_report.agency = "沐阳县人民政府"
    flag_doubtful_cells(text_report, RawDocument([RawTable([[RawCell("1", 0, 0)]])], "docx"))
    assert text_report.agency == "沐阳县人民政府"


@pytest.mark.parametrize("printed, read", [("已获取信息", "己获取信息"), ("未经复议", "末经复议"), ("逾期未按", "逾期末按")])
def test_a_confused_character_in_a_row_label_reads_the_same_cells(printed, read):
    """Labels are settled by the edition's label list in the parser's label matching: a row
    label with one character confused reads the same cells as the printed one."""
    from nianbao.parser import parse_bytes
    from tests.conftest import CORPUS

    source = CORPUS / "dev" / "sanming-2023.txt"
    if not source.exists():
        pytest.skip("corpus not found (set NIANBAO_CORPUS)")
    text = source.read_text(encoding="utf-8")
    assert text.count(printed) == 1
    as_printed = parse_bytes(text.encode(), "a.txt").canonical()
    as_read = parse_bytes(text.replace(printed, read).encode(), "a.txt").canonical()
    assert gold_cells(as_read) == gold_cells(as_printed) and as_read["uncertain"] == as_printed["uncertain"]


def test_a_cell_in_doubt_is_no_evidence_for_a_swap(report):
    """A total the reader is unsure of (14 where 6 is printed, flagged) must not turn the 0
    beside it into 8, although 1+8+1+4 = 14: only cells not in doubt are evidence."""
    total, corrected = report.cell("t4.review.total"), report.cell("t4.review.corrected")
    total.value, total.uncertain = 14, True
    assert settle_confusions(report, _all_paths(report)) == 0
    # Left as read; the sum still fails, so it is in doubt like the total.
    assert (corrected.value, corrected.uncertain, corrected.inferred) == (0, True, WHY_UNSETTLED)
    # The same total read for certain does settle it.
    report = report_from_json(GOLD)
    report.cell("t4.review.total").value = 14
    assert settle_confusions(report, _all_paths(report)) == 1
    assert report.cell("t4.review.corrected").value == 8


def test_a_cell_whose_every_sum_fails_is_in_doubt(report):
    """A misread no confusion repairs ("9" for a total printed 6): each cell of table 四's group
    is in that one sum only, so which is misread is unknown and all are flagged, the
    sure-looking ones too; cells of sums that hold are not."""
    report.cell("t4.review.total").value = 9
    assert settle_confusions(report, _all_paths(report)) == 0
    review = [report.cell(f"t4.review.{c}") for c in ("upheld", "corrected", "other", "pending", "total")]
    assert all(cell.uncertain and cell.inferred == WHY_UNSETTLED for cell in review)
    assert not report.cell("t4.litigation_direct.total").uncertain
    # A blank beside the misread cell does not hide the failure.
    report = report_from_json(GOLD)
    report.cell("t4.review.corrected").value = None
    report.cell("t4.review.total").value = 9
    settle_confusions(report, _all_paths(report))
    assert report.cell("t4.review.total").uncertain
    # Cells not read by OCR are left to the checks.
    report = report_from_json(GOLD)
    report.cell("t4.review.total").value = 9
    settle_confusions(report, set())
    assert not report.cell("t4.review.total").uncertain


def test_a_cell_with_a_sum_that_holds_is_borne_out(report):
    """Table 三's 予以公开 总计 read 165 (printed 159): its row and its column fail, so it is in
    doubt; the row's other cells fail their row but their columns hold, so they are not."""
    report.cell("t3.granted.total").value = 165
    settle_confusions(report, _all_paths(report))
    assert report.cell("t3.granted.total").uncertain
    assert not [c for c in ("natural_person", "commercial_enterprise", "other_org")
                if report.cell(f"t3.granted.{c}").uncertain]


def test_an_unread_cell_is_any_count_and_a_blank_is_none(report):
    """A cell that could not be read may hold any count: 1+?+1+4 = 9 may hold (? = 3) and
    flags nothing, while 1+?+1+4 = 5 cannot (the known cells already make 6) and does."""
    report.cell("t4.review.corrected").value, report.cell("t4.review.corrected").uncertain = None, True
    report.cell("t4.review.total").value = 9
    settle_confusions(report, _all_paths(report))
    assert not report.cell("t4.review.total").uncertain
    report.cell("t4.review.total").value = 5
    settle_confusions(report, _all_paths(report))
    assert report.cell("t4.review.total").uncertain and report.cell("t4.review.upheld").uncertain


def test_a_doubtful_reading_the_arithmetic_bears_out_is_taken(report):
    """Digits under a seal's stroke read at low confidence, every sum through them holding:
    the other cells fix their values, so they are no longer in doubt."""
    granted, corrected = report.cell("t3.granted.natural_person"), report.cell("t4.review.corrected")
    for cell in (granted, corrected):
        cell.uncertain, cell.inferred = True, "文字识别置信度低（0.45）/ low OCR confidence"
    settle_confusions(report, _all_paths(report), {"t3.granted.natural_person", "t4.review.corrected"})
    assert (granted.uncertain, granted.inferred) == (False, WHY_BORNE_OUT)
    assert not corrected.uncertain  # a 0, in a table that prints no blank cell


def test_what_the_arithmetic_does_not_bear_out_stays_in_doubt(report):
    # A sum through it fails (131 where 130 is printed, and no confusion turns 131 into 130).
    cell = report.cell("t3.granted.natural_person")
    cell.value, cell.uncertain = 131, True
    settle_confusions(report, _all_paths(report), {"t3.granted.natural_person"})
    assert cell.uncertain
    # A 0 in a table that leaves a cell blank: noise read as "0" would add up as well.
    report = report_from_json(GOLD)
    zero = report.cell("t4.review.corrected")
    zero.uncertain = True
    report.cell("t4.litigation_direct.corrected").value = None
    settle_confusions(report, _all_paths(report), {"t4.review.corrected"})
    assert zero.uncertain
    # A sum that holds only through a cell the parser placed by a guess vouches for nothing.
    report = report_from_json(GOLD)
    doubted, guessed = report.cell("t4.review.upheld"), report.cell("t4.review.other")
    doubted.uncertain = guessed.uncertain = True
    settle_confusions(report, _all_paths(report), {"t4.review.upheld"})
    assert doubted.uncertain and guessed.uncertain


def _review(report, upheld, corrected, other, pending, total):
    for column, value in zip(("upheld", "corrected", "other", "pending", "total"), (upheld, corrected, other, pending, total)):
        report.cell(f"t4.review.{column}").value = value
    return {column: report.cell(f"t4.review.{column}") for column in ("upheld", "corrected", "other", "pending", "total")}


def test_in_a_table_read_without_doubt_only_a_cell_that_could_be_misread_is_flagged(report):
    """A report that printed 10 + 1 + 0 + 0 and a total of 0: only a misread total accounts for
    that (any other cell would have to be below zero), so the others are as printed whichever
    way it goes, and the failure itself is left to the checks."""
    review = _review(report, 10, 1, 0, 0, 0)
    settle_confusions(report, _all_paths(report))
    assert [c for c, cell in review.items() if cell.uncertain] == ["total"]
    assert review["total"].inferred == WHY_UNSETTLED
    # 5 + 0 + 0 + 0 = 0: the 5 may be noise in a blank cell as well.
    report = report_from_json(GOLD)
    review = _review(report, 5, 0, 0, 0, 0)
    settle_confusions(report, _all_paths(report))
    assert sorted(c for c, cell in review.items() if cell.uncertain) == ["total", "upheld"]


def test_where_the_recogniser_doubted_a_cell_of_the_table_every_cell_of_a_failing_sum_is_flagged(report):
    """Noise and misreads come many to a page: in a table with a doubted reading elsewhere, noise
    read as 1 and 8 in two blank cells of a row whose total is read 5 is as likely as anything,
    so no cell of the failing sum is taken at its word."""
    other = report.cell("t4.litigation_direct.upheld")
    other.uncertain, other.inferred = True, "文字识别置信度低（0.45）/ low OCR confidence"
    review = _review(report, 10, 1, 0, 0, 0)
    settle_confusions(report, _all_paths(report), {"t4.litigation_direct.upheld"})
    assert all(cell.uncertain for cell in review.values())


# --- Cells only nought fits ------------------------------------------------------------------


def _doubt(cell, value, raw="8"):
    cell.value, cell.raw, cell.uncertain = value, raw, True
    cell.inferred = "文字识别置信度低（0.45）/ low OCR confidence"
    return cell


def test_noise_in_a_blank_of_a_row_whose_total_reads_0_is_nought(report):
    """要求提供公开出版物 reads 0 in every cell: noise the recogniser read as "END" beside them is
    no count (the row's sum leaves it nothing but 0), written 0 as this table writes its noughts;
    the "5" read unsurely in a column whose total is 0 as well is nought by both sums."""
    garbage = _doubt(report.cell("t3.declined_publication_request.natural_person"), None, "END")
    five = _doubt(report.cell("t3.declined_publication_request.legal_service_org"), 5, "5")
    settle_confusions(report, _all_paths(report), {five_path := "t3.declined_publication_request.legal_service_org"})
    assert (garbage.value, garbage.uncertain, garbage.inferred) == (0, False, WHY_NOUGHT)
    assert (five.value, five.uncertain, five.alternatives) == (0, False, (5,))
    assert report.cell(five_path).inferred == WHY_NOUGHT


def test_an_8_beside_a_total_read_0_is_not_settled_by_that_sum_alone(report):
    """A total printed 8 and read as 0 reads the same as noise read "8" beside a printed 0: one
    sum whose 0 is one confusion away from what its doubtful cells read settles nothing (table
    四's groups have one sum each; a second cell in doubt keeps the confusion rule out).  Where
    the column's total reads 0 as well, two sure readings would have to be wrong: the 8 is nought."""
    for column in ("upheld", "total"):
        report.cell(f"t4.litigation_after_review.{column}").value = 0
    eight = _doubt(report.cell("t4.litigation_after_review.corrected"), 8)
    garbage = _doubt(report.cell("t4.litigation_after_review.other"), None, "END")
    settle_confusions(report, _all_paths(report))
    assert (eight.value, eight.uncertain, garbage.uncertain) == (8, True, True)
    # Without the 8, the same row's garbage is nought.
    report = report_from_json(GOLD)
    for column in ("upheld", "total"):
        report.cell(f"t4.litigation_after_review.{column}").value = 0
    garbage = _doubt(report.cell("t4.litigation_after_review.other"), None, "END")
    settle_confusions(report, _all_paths(report))
    assert (garbage.value, garbage.uncertain) == (0, False)
    report = report_from_json(GOLD)
    eight = _doubt(report.cell("t3.declined_publication_request.legal_service_org"), 8)  # column total 0
    beside = [_doubt(report.cell(path), None, "END") for path in
              ("t3.declined_publication_request.other_org", "t3.declined_excessive_requests.legal_service_org")]
    settle_confusions(report, _all_paths(report))
    assert (eight.value, eight.uncertain, eight.inferred) == (0, False, WHY_NOUGHT)
    assert all((cell.value, cell.uncertain) == (0, False) for cell in beside)


def test_a_nought_that_breaks_another_sum_is_not_taken(report):
    """Its row's total reads 0 (a misread: the report printed 1), but its column needs the 1 it
    was read as, the column's other cells being sure: the cell stays as read, in doubt."""
    report.cell("t3.withheld_internal_affairs.commercial_enterprise").value = 0
    report.cell("t3.withheld_internal_affairs.total").value = 11
    report.cell("t3.declined_excessive_requests.total").value = 0
    _doubt(report.cell("t3.granted.total"), 159, "159")  # so the 总计 column is not all sure
    one = _doubt(report.cell("t3.declined_excessive_requests.commercial_enterprise"), 1, "1")
    settle_confusions(report, _all_paths(report), {"t3.granted.total"})
    assert (one.value, one.uncertain) == (1, True)


def test_no_nought_is_settled_where_the_sure_cells_break_a_sum(report):
    """A report whose own sums fail among the cells read surely (a row total left at 0 beside its
    counts) gives no 0 to trust."""
    report.cell("t3.withheld_internal_affairs.total").value = 0
    garbage = _doubt(report.cell("t3.declined_publication_request.natural_person"), None, "END")
    settle_confusions(report, _all_paths(report))
    assert garbage.uncertain and garbage.value is None


def _blank_writing(**extra) -> dict:
    """Two rows of table 三 in a table that prints its noughts blank, and 0 in the total column."""
    blank = dict(natural_person=None, commercial_enterprise=None, research_institution=None, social_welfare_org=None,
                 legal_service_org=None, other_org=None, total=0)
    return report_from_json({"edition": "2021", "t3": {"granted": blank, "partially_granted": {**blank, **extra}}})


def test_a_nought_is_written_as_the_table_writes_its_noughts():
    report = _blank_writing()
    garbage = _doubt(report.cell("t3.granted.natural_person"), None, "END")
    settle_confusions(report, _all_paths(report))
    assert (garbage.value, garbage.uncertain, garbage.inferred) == (None, False, WHY_NOUGHT)
    # Where the column's sure noughts are printed both ways, and the table's too, nothing says
    # which way this one was: it stays in doubt.
    blank = dict(natural_person=None, commercial_enterprise=None, research_institution=None, social_welfare_org=None,
                 legal_service_org=None, other_org=None, total=0)
    mixed = report_from_json({"edition": "2021", "t3": {
        "granted": blank, "partially_granted": {**blank, "research_institution": 0}, "withheld_state_secret": blank}})
    in_doubt = _doubt(mixed.cell("t3.granted.research_institution"), None, "END")
    settle_confusions(mixed, _all_paths(mixed))
    assert in_doubt.uncertain
