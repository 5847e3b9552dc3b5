"""A row of table 三 printed as its label alone: a crawl of one cell a line writes no line for a
blank cell, so a row of blanks is its label and nothing after it.  Such rows are blank for
certain when everything the table prints is accounted for, and in doubt otherwise (a value lost
to a wrapped label, a scan, a sum that fails)."""

from __future__ import annotations

import json

import nianbao
from nianbao.evaluate import _same, gold_cells
from nianbao.document import RawDocument, RawParagraph
from nianbao.extract import Reading
from nianbao.model import Cell, Report
from nianbao.normalise import build_document
from nianbao.split import Token
from nianbao.readers.ocr import WHY_VALUES_NOT_READ_ON_SCAN, _doubt_rows_not_printed
from nianbao.tables import WHY_LABEL_ONLY, _values_not_read

from . import metamorphic
from .conftest import CORPUS, corpus_file

SOURCE = corpus_file("seeds/002_785ebbaa410aaa3a.txt")  # table 三 blank but for its 总计 column's 无
GOLD = gold_cells(json.loads((CORPUS / "gold" / "002_785ebbaa410aaa3a.json").read_text(encoding="utf-8")))
BLANK_ROWS = ("withheld_state_secret", "unavailable_not_held", "declined_petition_complaint", "other_handling")


def _crawl() -> str:
    text = metamorphic.crawled_cells_blanks_dropped(SOURCE.read_text(encoding="utf-8"), metamorphic.gold_of(SOURCE))
    assert text
    return text


def _parse(text: str) -> tuple[dict[str, Cell], list[str], Report]:
    report = nianbao.parse_bytes(text.encode("utf-8"), "crawl.txt")
    cells = dict(report.cells())
    got = gold_cells(report.canonical())
    doubted = set(report.canonical()["uncertain"])
    wrong = [path for path, value in GOLD.items() if path not in doubted and not _same(got.get(path), value)]
    return cells, wrong, report


def test_rows_printing_their_label_alone_are_blank_for_certain():
    cells, wrong, report = _parse(_crawl())
    assert wrong == []
    for row in BLANK_ROWS:
        row_cells = [cells[f"t3.{row}.{column}"] for column in ("natural_person", "other_org", "total")]
        assert all(c.value is None and not c.uncertain and c.inferred == WHY_LABEL_ONLY for c in row_cells), row
    assert any(w.code == "PARSE.ROWS_LABEL_ONLY" for w in report.warnings)
    assert not any(w.code == "PARSE.ROWS_NOT_FOUND" and w.cells and w.cells[0].startswith("t3.") for w in report.warnings)
    # The rows that print one 无 for seven cells stay in doubt: every column fits the sums.
    assert cells["t3.new_received.total"].uncertain
    assert sum(c.uncertain for c in cells.values()) < 80  # 188 when the bare labels were "not found"


def test_a_label_after_another_bare_label_takes_the_value_after_it_when_the_table_runs_row_by_row():
    """（六）其他处理 alone, then （七）总计 and its 无: printed one cell a line, the 无 is the
    total's, not the first bare label's (as it would be with labels listed apart from numbers)."""
    cells, _, _ = _parse(_crawl())
    assert cells["t3.other_handling.total"].value is None and not cells["t3.other_handling.total"].uncertain
    assert 0 in [cells[f"t3.total_handled.{c}"].value for c in ("natural_person", "total")]


def test_a_page_footer_between_rows_is_no_row_s_values():
    text = _crawl().replace("（六）其他处理\n", "（六）其他处理\n— 2 —\n", 1)
    cells, wrong, _ = _parse(text)
    assert wrong == [] and cells["t3.other_handling.natural_person"].inferred == WHY_LABEL_ONLY


def test_a_value_the_reading_did_not_take_leaves_the_bare_rows_in_doubt():
    """A value printed between the two lines of a wrapped label can be lost to the label (as
    layout text prints "3.补正后申请内容仍不明 / 25 / 确"): the rows around may then not be
    blank, so none is taken as blank.  A page's footer number is no value."""
    document = build_document(RawDocument([RawParagraph(line) for line in ("3.补正后申请内容仍不明", "25", "确", "— 2 —")], "text"))
    region = (0, len(document.text))
    twenty_five = document.text.index("25")
    assert _values_not_read(document, region, [], in_notes=True)
    assert not _values_not_read(document, region, [Reading("unavailable_unclear_request", [Token("25", twenty_five, twenty_five + 2)], False, 0)], in_notes=True)


def test_on_a_scan_a_row_that_seems_to_print_its_label_alone_is_in_doubt():
    report = Report()
    report.tables["t3"] = {"granted": {"total": Cell(None, None, inferred=WHY_LABEL_ONLY)}}
    assert _doubt_rows_not_printed(report) == 1
    cell = report.tables["t3"]["granted"]["total"]
    assert cell.uncertain and cell.inferred == WHY_VALUES_NOT_READ_ON_SCAN
