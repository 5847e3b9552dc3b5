"""Borderless tables in scans: no ruling lines; the OCR detector finds each text box, the boxes
become positioned glyphs for the PDF reader's line, borderless table and paragraph code, and the
parser reads the rows as it reads a borderless table of a text PDF: a grid whose columns come
from the header's positions.  Every value keeps the box of the cell it was read from, and the
recogniser's doubt.

Fixture t4-borderless.png (tests/fixtures/scans/build.py): table 四 of sanming-2023 printed with
no borders, with the first and last rows of table 三 and the headings around it, 150 dpi, black
and white.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytest.importorskip("cv2", reason="the OCR extra is not installed (pip install 'nianbao[ocr]')")
pytest.importorskip("rapidocr", reason="the OCR extra is not installed (pip install 'nianbao[ocr]')")

from nianbao import readers  # noqa: E402
from nianbao.document import RawCell, RawDocument, RawTable  # noqa: E402
from nianbao.evaluate import gold_cells  # noqa: E402
from nianbao.normalise import build_document  # noqa: E402
from nianbao.parser import parse_document  # noqa: E402
from nianbao.readers import ocr  # noqa: E402
from nianbao.readers.ocr_words import ScanWord, paragraphs  # noqa: E402

SCANS = Path(__file__).parent / "fixtures" / "scans"
GOLD = json.loads((SCANS / "sanming-gold.json").read_text(encoding="utf-8"))
T4_ROW = "1 0 1 4 6 5 0 0 2 7 1 0 0 0 1"


@pytest.fixture(scope="module")
def borderless() -> RawDocument:
    return readers.read((SCANS / "t4-borderless.png").read_bytes(), "t4-borderless.png")


def _row(raw: RawDocument) -> list[RawCell]:
    """Table 四's row of values: a grid row, its columns from the header's positions."""
    return next(row for block in raw.blocks if isinstance(block, RawTable) for row in block.rows
                if " ".join(cell.text for cell in row) == T4_ROW)


def test_a_borderless_table_is_read_as_a_grid_with_columns_from_its_header(borderless):
    row = _row(borderless)  # one value per column, each cell with its box and doubt
    assert [cell.col for cell in row] == list(range(15))
    lefts = [cell.box[0] for cell in row]
    assert lefts == sorted(lefts) and all(cell.box[0] < cell.box[2] and cell.box[1] < cell.box[3] for cell in row)
    assert all(cell.page == 1 and 0 < cell.confidence <= 1 for cell in row)


def test_borderless_scan_values_are_right_or_flagged_and_keep_their_box(borderless):
    report = parse_document(build_document(borderless))
    ocr.flag_doubtful_cells(report, borderless)
    canonical = report.canonical()
    expected = {p: v for p, v in gold_cells(GOLD).items() if p.startswith("t4.")}
    got, uncertain = gold_cells(canonical), set(canonical["uncertain"])
    wrong = [p for p, v in expected.items() if got.get(p) != v and p not in uncertain]
    assert wrong == []
    assert sum(got.get(p) == v for p, v in expected.items()) == len(expected)
    row = _row(borderless)
    for path, cell in report.cells():
        if path.startswith("t4."):
            assert cell.location["page"] == 1 and list(cell.location["box"]) in [list(c.box) for c in row]


def test_a_doubtful_word_makes_the_value_read_from_it_uncertain(borderless):
    report = parse_document(build_document(borderless))
    cell = report.cell("t4.litigation_direct.total")  # the 7, tenth cell of the row
    source = _row(borderless)[9]
    kept = source.confidence
    # A cell of its group's sum placed by a guess: the arithmetic cannot vouch for the 7.
    report.cell("t4.litigation_direct.upheld").uncertain = True
    try:
        source.confidence = ocr.DOUBT_BELOW / 3
        ocr.flag_doubtful_cells(report, borderless)
    finally:
        source.confidence = kept
    assert cell.value == 7 and cell.uncertain and "OCR" in cell.inferred
    assert cell.location["box"] == list(source.box)


def test_words_go_through_the_pdf_line_code_with_their_places():
    """Three words on one line at 72 dpi (1 px = 1 pt): a label, then two numbers a column
    apart; an indented line of running text below starts a new paragraph."""
    words = [ScanWord((100, 100, 140, 120), "规章", 0.99), ScanWord((300, 102, 320, 120), "12", 0.5),
             ScanWord((400, 102, 410, 120), "3", 0.98), ScanWord((140, 200, 340, 220), "本年度共收到申请", 0.97)]
    texts, _ = paragraphs(words, 72.0, 1, (595.0, 842.0), [])
    assert [text.text for text in texts] == ["规章12 3", "本年度共收到申请"]
    first = texts[0]
    assert [(first.text[p.start:p.end], p.confidence) for p in first.placed] == [("规章", 0.99), ("12", 0.5), ("3", 0.98)]
    assert first.placed[1].box == (300.0, 102.0, 320.0, 120.0)


def test_words_whose_characters_interleave_keep_their_doubt_as_one_piece():
    """Two boxes overlapping on one line (the detector found text twice, a little apart): their
    characters interleave in the line, so neither box can be placed; the paragraph becomes one
    piece with the least sure box's confidence, never a piece without doubt."""
    words = [ScanWord((100, 100, 140, 120), "12", 0.99), ScanWord((110, 100, 130, 120), "34", 0.4)]
    [text], _ = paragraphs(words, 72.0, 1, (595.0, 842.0), [])
    assert text.text == "1324"
    assert [(p.start, p.end, p.box, p.confidence) for p in text.placed] == [(0, 4, (100.0, 100.0, 140.0, 120.0), 0.4)]
