"""Borderless tables on degraded scans: a group's name over one column, and a lone value the
text detector missed.

On the scan set's borderless `worst` scans table 三 read as lines of text, not as a grid: its
group name 申请人情况, centred over the seven columns, falls over the middle one alone and was
taken as that column's header, widening it into the gaps beside it, so the values under the
column next to it lay across the boundary.  And a lone "0" the detector passed over left its
row one value short (every cell of the row flagged); a row whose values it missed entirely, at
the top of the next page, was not found.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from nianbao.document import RawTable
from nianbao.readers import pdf
from nianbao.readers.pdf import Glyph, PageContent

from .glyph_support import SIZE
from .glyph_support import glyphs as _glyphs

# Five value columns of two-character header words, 34 pt apart as table 三's are.
CORES = [200.0, 234.0, 268.0, 302.0, 336.0]
HEADERS = ["自然", "商业", "社会", "法律", "总计"]


def _group_page(group: bool) -> PageContent:
    """Table 三's shape: a group name centred over the middle column (reaching 1.5 characters
    past its header word on both sides), the columns' header words, and rows whose values sit
    right-aligned a little past their header word's right edge."""
    glyphs = _glyphs("三、收到和处理政府信息公开申请情况", 85.0, 60.0)
    if group:
        middle = CORES[2] + SIZE  # the middle column's centre
        glyphs += _glyphs("申请人情况", middle - 2.5 * SIZE, 80.0)
    glyphs += _glyphs("申请情况", 85.0, 95.0)
    for x, word in zip(CORES, HEADERS):
        glyphs += _glyphs(word, x, 95.0)
    for r, label in enumerate(["一、本年新收", "二、上年结转"]):
        top = 112.0 + 14 * r
        glyphs += _glyphs(label, 85.0, top)
        for k, x in enumerate(CORES):
            value = str(r + k)
            glyphs += _glyphs(value, x + 2 * SIZE + 2 - len(value) * SIZE / 2, top)
    return PageContent(1, 595.0, 842.0, glyphs, [])


def _tables(raw) -> list[list[list[str]]]:
    return [[[cell.text for cell in row] for row in block.rows] for block in raw.blocks if isinstance(block, RawTable)]


EXPECTED = [["一、本年新收", "0", "1", "2", "3", "4"], ["二、上年结转", "1", "2", "3", "4", "5"]]


@pytest.mark.parametrize("group", [False, True])
def test_a_group_name_centred_over_one_column_is_not_that_columns_header(group):
    """Taken as the middle column's header, 申请人情况 moved the boundary with the column left
    of it to 1 pt past that column's header word, and the value under it lay across: no table."""
    assert _tables(pdf.layout_document([_group_page(group)])) == [EXPECTED]


# --- A value the detector missed, read from the page ----------------------------------------

FONT = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
DPI = 200


def _page_image(rows: list[list[str]]) -> tuple[np.ndarray, PageContent]:
    """Table 二's part printed at DPI (the top of an A4 page), and where its glyphs lie."""
    from PIL import Image, ImageDraw, ImageFont

    scale = DPI / 72
    font = ImageFont.truetype(str(FONT), int(SIZE * scale))
    image = Image.new("RGB", (int(595 * scale), int(300 * scale)), (255, 255, 255))
    draw = ImageDraw.Draw(image)
    glyphs: list[Glyph] = []

    def write(text: str, x: float, top: float) -> None:
        draw.text((x * scale, top * scale), text, font=font, fill=(0, 0, 0))
        glyphs.extend(_glyphs(text, x, top))

    write("第二十条第（一）项", 200.0, 60.0)
    for x, word in zip([111.0, 204.0, 317.0, 431.0], ["信息内容", "本年新制作数量", "本年新公开数量", "对外公开总数量"]):
        write(word, x, 78.0)
    for r, row in enumerate(rows):
        top = 96.0 + 18 * r
        write(row[0], 85.0, top)
        for value, right in zip(row[1:], [289.0, 402.0, 516.0]):
            if value:
                write(value, right - len(value) * SIZE / 2, top)
    return np.asarray(image), PageContent(1, 595.0, 842.0, glyphs, [])


@pytest.mark.skipif(not FONT.exists(), reason="needs the Debian package fonts-wqy-microhei")
def test_a_value_the_detector_missed_is_read_from_its_cell_on_the_page():
    """The words of a row without its lone "0" (as the detector gave them on a worst scan): the
    cell has ink, so it is recognised on its own and reads 0, surely; an empty cell stays a
    sure blank.  Before, the cell stayed blank with confidence 0 and its value was flagged."""
    pytest.importorskip("rapidocr", reason="the OCR extra is not installed (pip install 'nianbao[ocr]')")
    from nianbao.readers.ocr import DOUBT_BELOW, _inked, _reread_inked_blanks
    from nianbao.readers.ocr_words import ScanGrid, ScanWord, paragraphs
    from nianbao.readers.page_image import clean_page

    rgb, content = _page_image([["规章", "3", "", "7"], ["规范性文件", "0", "2", "5"]])
    clean = clean_page(rgb, DPI)
    to_px = DPI / 72
    words = [ScanWord(tuple(round(v * to_px) for v in (g.x0, g.top, g.x1, g.bottom)), g.text, 0.99)  # type: ignore[misc]
             for g in content.glyphs if not (g.text == "0" and g.top > 100)]  # the detector missed the 0
    blocks, _ = paragraphs(words, DPI, 1, (595.0, 842.0), [], lambda box: _inked(clean, box))
    [grid] = [block for block in blocks if isinstance(block, ScanGrid)]
    cells = {(cell.row, round(cell.left)): cell for cell in grid.table.cells}
    missed = [cell for cell in grid.table.cells if cell.row == 1 and not cell.text]
    blank = [cell for cell in grid.table.cells if cell.row == 0 and not cell.text]
    assert len(missed) == 1 and missed[0].confidence == 0.0  # ink, no word: doubtful
    assert len(blank) == 1 and blank[0].confidence == 1.0
    _reread_inked_blanks([grid], clean)
    assert missed[0].text == "0" and missed[0].confidence >= DOUBT_BELOW
    assert blank[0].text == "" and blank[0].confidence == 1.0
    assert len(cells) == len(grid.table.cells)


def test_a_row_of_the_outer_labels_at_the_next_pages_top_goes_on_with_the_table():
    """Table 三 ends a page with its grouped rows ((三) 1.… 2.…, labels starting right of the
    group's) and its last row, 四、结转下年度继续办理, starts the next page at the outer labels'
    edge.  It goes on with the table (so a value missing from it is looked for on the page);
    before, only rows starting where the innermost labels start went on, and this one was text."""
    first = _group_page(False)
    glyphs = list(first.glyphs)
    glyphs += _glyphs("（三）", 95.0, 140.0)
    for r, label in enumerate(["1.国家秘密", "2.法律禁止", "3.危及稳定"]):
        top = 140.0 + 14 * r
        glyphs += _glyphs(label, 128.0, top)
        for k, x in enumerate(CORES):
            glyphs += _glyphs("0", x + 2 * SIZE + 2 - SIZE / 2, top)
    second = _glyphs("四、结转下年度继续办理", 85.0, 60.0)
    for k, x in enumerate(CORES):
        second += _glyphs(str(k), x + 2 * SIZE + 2 - SIZE / 2, 60.0)
    second += _glyphs("四、政府信息公开行政复议、行政诉讼情况", 85.0, 90.0)
    raw = pdf.layout_document([PageContent(1, 595.0, 842.0, glyphs, []), PageContent(2, 595.0, 842.0, second, [])])
    rows = [row for table in _tables(raw) for row in table]
    assert ["四、结转下年度继续办理", "0", "1", "2", "3", "4"] in rows


def test_a_speck_read_as_a_figure_between_two_rows_leaves_the_table_a_table():
    """A 1 pt dot of noise between two rows, read as "8", lies beside no row: before, it left
    the whole table as text.  It is no printed value."""
    page = _group_page(True)
    speck = Glyph("8", CORES[1] + 5, 122.5, CORES[1] + 6, 123.6, 123.6)
    assert _tables(pdf.layout_document([PageContent(1, 595.0, 842.0, [*page.glyphs, speck], [])])) == [EXPECTED]
