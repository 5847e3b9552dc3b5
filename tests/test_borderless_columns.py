"""Borderless tables: columns from the header's positions (readers/borderless.py).

A table printed without rules has blank cells only as gaps.  The generator below prints table
二's first part with blank cells — as positioned glyphs (the PDF reader's library-independent
input), as a Word document printed to PDF by LibreOffice with no borders, and as a 200 dpi scan
for the OCR reader — and the cells must come back in their columns: blank cells empty, and the
parser's blank None and not flagged.  Where the columns are in doubt the lines stay text.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from nianbao.document import RawDocument, RawTable
from nianbao.errors import MissingDependency
from nianbao.evaluate import corpus_pairs, gold_cells, score
from nianbao.normalise import build_document
from nianbao.parser import parse_document
from nianbao.readers import pdf
from nianbao.readers.pdf import PageContent
from nianbao.readers.word_legacy import find_soffice
from nianbao.render import render

from .conftest import CORPUS
from .glyph_support import SIZE
from .glyph_support import glyphs as _glyphs

sys.path.insert(0, str(Path(__file__).parents[1] / "benchmarks"))
from scans import without_borders  # noqa: E402 — the scan set prints its borderless reports the same way

HEADINGS = ["二、主动公开政府信息情况", "第二十条第（一）项"]
HEADER = ["信息内容", "本年新制作数量", "本年新公开数量", "对外公开总数量"]
# Rows of table 二 (2019 edition) with blank cells; None is a blank cell.
ROWS = [["规章", "3", None, "7"], ["规范性文件", None, "2", None]]
# Where each column's text sits (points): the label's left edge, then each header word's.
COLUMN_X = [85.0, 204.0, 317.0, 431.0]
# Values sit right-aligned in their cells, right of the header word's centre, as Word prints them.
VALUE_RIGHT = [0.0, 289.0, 402.0, 516.0]


def _value_x(text: str, column: int) -> float:
    return VALUE_RIGHT[column] - len(text) * SIZE / 2


def _page(rows: list[list[str | None]], value_x=_value_x) -> PageContent:
    glyphs, top = [], 100.0
    for heading in HEADINGS:
        glyphs += _glyphs(heading, 200.0 if heading.startswith("第") else 85.0, top)
        top += 15
    for x, word in zip(COLUMN_X, HEADER):
        glyphs += _glyphs(word, x + (0 if x > 100 else 26), top)
    for row in rows:
        top += 15
        glyphs += _glyphs(row[0] or "", COLUMN_X[0], top)
        for column, value in enumerate(row[1:], 1):
            if value is not None:
                glyphs += _glyphs(value, value_x(value, column), top)
    return PageContent(1, 595.0, 842.0, glyphs, [])


def _tables(raw: RawDocument) -> list[list[list[str]]]:
    return [[[cell.text for cell in row] for row in block.rows] for block in raw.blocks if isinstance(block, RawTable)]


def _expected(rows: list[list[str | None]]) -> list[list[str]]:
    return [[cell or "" for cell in row] for row in rows]


def test_blank_cells_of_a_borderless_table_are_empty_cells_in_their_columns():
    raw = pdf.layout_document([_page(ROWS)])
    assert _tables(raw) == [_expected(ROWS)]
    [table] = [block for block in raw.blocks if isinstance(block, RawTable)]
    for row in table.rows:
        assert [cell.col for cell in row] == [0, 1, 2, 3]
        assert all(cell.page == 1 and cell.box is not None and cell.box[0] < cell.box[2] for cell in row)
    boxes = [cell.box for cell in table.rows[0]]
    assert [box[0] for box in boxes] == sorted(box[0] for box in boxes)  # columns left to right
    texts = [block.text for block in raw.blocks if not isinstance(block, RawTable)]
    assert "".join(HEADER) in texts  # the header stays text, as before


def test_the_parser_reads_blank_cells_as_blank_and_does_not_flag_them():
    report = parse_document(build_document(pdf.layout_document([_page(ROWS)])))
    canonical = report.canonical()
    t2 = canonical["t2"]
    assert t2["regulations"] == {"new_made": 3, "new_published": None, "total_published": 7}
    assert t2["normative_documents"] == {"new_made": None, "new_published": 2, "total_published": None}
    assert not [p for p in canonical["uncertain"] if p.startswith(("t2.regulations", "t2.normative_documents"))]


def test_a_short_label_with_blank_cells_above_the_next_row_is_a_row_of_its_own():
    """规章 with every cell blank, then 规范性文件 1 0 0: not one label wrapped over two lines
    (规章 stops far short of the label column's edge), so 规章 is blank and unflagged and the values
    are 规范性文件's."""
    rows = [["规章", None, None, None], ["规范性文件", "1", "0", "0"]]
    raw = pdf.layout_document([_page(rows)])
    assert _tables(raw) == [_expected(rows)]
    canonical = parse_document(build_document(raw)).canonical()
    assert canonical["t2"]["regulations"] == {"new_made": None, "new_published": None, "total_published": None}
    assert canonical["t2"]["normative_documents"] == {"new_made": 1, "new_published": 0, "total_published": 0}
    assert not [p for p in canonical["uncertain"] if p.startswith(("t2.regulations", "t2.normative_documents"))]


def test_a_label_wrapped_short_of_the_edge_keeps_its_values():
    """A label whose first line stops short of the label column's edge, but not far short (eight
    characters of nine), its values by its second line: one row."""
    rows = [["规范性文件的制作", None, None, None], ["情况", "1", "0", "0"], ["规范性文件制作总数", "2", "0", "2"]]
    assert [row[0] for row in _tables(pdf.layout_document([_page(rows)]))[0]] == ["规范性文件的制作情况", "规范性文件制作总数"]


def test_a_value_between_two_columns_leaves_the_lines_as_text():
    def straddling(text: str, column: int) -> float:
        # The 2 of 规范性文件 printed across the middle of the gap between the header words of
        # columns 2 (317–380) and 3 (431–494).
        return 403.0 if text == "2" else _value_x(text, column)

    raw = pdf.layout_document([_page(ROWS, straddling)])
    assert _tables(raw) == []
    assert any(getattr(block, "text", "").startswith("规章3 7") for block in raw.blocks)


def test_a_value_outside_every_header_column_leaves_the_lines_as_text():
    """A header giving fewer columns than the table has: the last value has no column."""
    rows = [["规章", "3", None, "7"], ["规范性文件", "1", "2", "5"]]

    def beyond(text: str, column: int) -> float:
        return 600.0 if text == "5" else _value_x(text, column)

    assert _tables(pdf.layout_document([_page(rows, beyond)])) == []


def test_two_values_in_one_cell_leave_the_lines_as_text():
    def crowded(text: str, column: int) -> float:
        return _value_x(text, 2) - (12 if text == "3" else 0)  # 3 and 7 both under column 2

    assert _tables(pdf.layout_document([_page(ROWS, crowded)])) == []


# --- Printed by LibreOffice -----------------------------------------------------------------

try:
    SOFFICE = find_soffice()
except MissingDependency:
    SOFFICE = None
needs_soffice = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice not installed (apt-get install libreoffice-writer)")
# A gold report whose table 三 is mostly blank cells: borderless, every such cell was flagged.
MOSTLY_BLANK = "002_785ebbaa410aaa3a"


def _docx_with_blank_cells() -> bytes:
    import docx

    document = docx.Document()
    for heading in HEADINGS:
        document.add_paragraph(heading)
    table = document.add_table(rows=1 + len(ROWS), cols=len(HEADER))
    for row, texts in zip(table.rows, [HEADER, *ROWS]):
        for cell, text in zip(row.cells, texts):
            cell.text = text or ""
    out = io.BytesIO()
    document.save(out)
    return without_borders(out.getvalue())


@pytest.fixture(scope="module")
def printed(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("borderless")
    (folder / "blank-cells.docx").write_bytes(_docx_with_blank_cells())
    gold = dict(corpus_pairs(CORPUS))
    source = next(s for s in gold if s.stem == MOSTLY_BLANK)
    (folder / f"{MOSTLY_BLANK}.docx").write_bytes(without_borders(render(json.loads(json.dumps(gold[source])), "docx")))
    subprocess.run([SOFFICE, "--headless", "--norestore", f"-env:UserInstallation={(folder / 'profile').as_uri()}",
                    "--convert-to", "pdf", "--outdir", str(folder), str(folder / "blank-cells.docx"),
                    str(folder / f"{MOSTLY_BLANK}.docx")], check=True, capture_output=True, timeout=300)
    return folder


@needs_soffice
def test_a_borderless_word_table_printed_to_pdf_keeps_its_blank_cells(printed):
    raw = pdf.read((printed / "blank-cells.pdf").read_bytes())
    assert _tables(raw) == [_expected(ROWS)]


@needs_soffice
def test_a_report_of_blank_cells_printed_borderless_reads_every_cell_without_a_flag(printed):
    gold = dict(corpus_pairs(CORPUS))
    source = next(s for s in gold if s.stem == MOSTLY_BLANK)
    assert None in gold_cells(gold[source]).values()
    result = score(printed / f"{MOSTLY_BLANK}.pdf", gold[source])
    assert result.error is None and result.wrong == [], result.wrong
    assert result.right == result.cells and result.flagged == 0  # before: 188 of 199 flagged


# --- Scanned ------------------------------------------------------------------------------------

FONT = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
SCAN_DPI = 200


def _scan_png(rows: list[list[str | None]]) -> bytes:
    """The generator's table printed at SCAN_DPI as a black-and-white page image (the top of an
    A4 page): the headings, the header, and the rows with their values right-aligned."""
    from PIL import Image, ImageDraw, ImageFont

    scale = SCAN_DPI / 72
    font = ImageFont.truetype(str(FONT), int(SIZE * scale))
    page = Image.new("L", (int(595 * scale), int(300 * scale)), 255)
    draw = ImageDraw.Draw(page)

    def write(text: str, x: float, top: float, right_aligned: bool = False) -> None:
        x_px = x * scale - (draw.textlength(text, font=font) if right_aligned else 0)
        draw.text((x_px, top * scale), text, font=font, fill=0)

    top = 60.0
    for heading in HEADINGS:
        write(heading, 200.0 if heading.startswith("第") else 85.0, top)
        top += 18
    for x, word in zip(COLUMN_X, HEADER):
        write(word, x + (0 if x > 100 else 26), top)
    for row in rows:
        top += 18
        write(row[0] or "", COLUMN_X[0], top)
        for column, value in enumerate(row[1:], 1):
            if value is not None:
                write(value, VALUE_RIGHT[column], top, right_aligned=True)
    out = io.BytesIO()
    page.point(lambda v: 255 if v > 128 else 0).save(out, "PNG", dpi=(SCAN_DPI, SCAN_DPI))
    return out.getvalue()


@pytest.mark.skipif(not FONT.exists(), reason="needs the Debian package fonts-wqy-microhei")
def test_a_scanned_borderless_table_keeps_its_blank_cells_and_their_boxes():
    pytest.importorskip("rapidocr", reason="the OCR extra is not installed (pip install 'nianbao[ocr]')")
    from nianbao import readers
    from nianbao.readers import ocr

    raw = readers.read(_scan_png(ROWS), "blank-cells.png")
    assert _tables(raw) == [_expected(ROWS)]
    [table] = [block for block in raw.blocks if isinstance(block, RawTable)]
    blank = [cell for row in table.rows for cell in row if not cell.text]
    assert blank and all(cell.confidence == 1.0 and cell.box is not None for cell in blank)  # no ink there
    report = parse_document(build_document(raw))
    ocr.flag_doubtful_cells(report, raw)
    canonical = report.canonical()
    assert canonical["t2"]["regulations"] == {"new_made": 3, "new_published": None, "total_published": 7}
    assert canonical["t2"]["normative_documents"] == {"new_made": None, "new_published": 2, "total_published": None}
    assert not [p for p in canonical["uncertain"] if p.startswith(("t2.regulations", "t2.normative_documents"))]


def test_a_blank_cell_with_ink_in_it_is_doubtful():
    """The OCR detector may miss a lone 0: where the page has ink in a cell that reads as
    nothing, the cell is not a blank but doubtful (confidence 0), and its value is flagged."""
    from nianbao.readers.ocr_words import ScanGrid, ScanWord, paragraphs

    page = _page(ROWS)
    words = [ScanWord((round(g.x0), round(g.top), round(g.x1), round(g.bottom)), g.text, 0.99) for g in page.glyphs]
    for inked, blank_confidence in ((lambda box: False, 1.0), (lambda box: True, 0.0)):
        blocks, _ = paragraphs(words, 72.0, 1, (595.0, 842.0), [], inked)
        [grid] = [block for block in blocks if isinstance(block, ScanGrid)]
        blanks = [cell for cell in grid.table.cells if not cell.text]
        assert len(blanks) == 3 and all(cell.confidence == blank_confidence for cell in blanks)
        assert all(cell.confidence == 0.99 for cell in grid.table.cells if cell.text)


def test_a_wrapped_label_with_its_values_by_the_second_line_is_one_row():
    """The label's first line ends short of the column's edge, so it does not look wrapped; its
    values sit by the second line.  Read apart, the label would have blank cells (None, not
    flagged: wrong) and the values no label: they are one row."""
    glyphs, top = _glyphs("第二十条第（五）项", 200.0, 100.0), 115.0
    for x, word in zip(COLUMN_X, ["信息内容", "上一年项目数量", "本年增/减", "处理决定数量"]):
        glyphs += _glyphs(word, x + (0 if x > 100 else 26), top)
    glyphs += _glyphs("其他对外管理服", COLUMN_X[0], top + 15) + _glyphs("务事项", COLUMN_X[0], top + 27)
    glyphs += _glyphs("4", 270.0, top + 27) + _glyphs("1", 360.0, top + 27)
    raw = pdf.layout_document([PageContent(1, 595.0, 842.0, glyphs, [])])
    assert _tables(raw) == [[["其他对外管理服务事项", "4", "1", ""]]]
