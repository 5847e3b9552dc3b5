"""A table printed as a picture inside a text page: OCR reads the image's region only, the rest
of the page comes from its text layer, and the blocks keep their order on the page
(readers/pdf.py table_images, _text_and_scanned)."""

from __future__ import annotations

import io

import pytest

pytest.importorskip("rapidocr", reason="OCR extra not installed")
import pypdfium2  # noqa: E402
from PIL import ImageDraw  # noqa: E402

from nianbao.document import RawDocument, RawParagraph, RawTable  # noqa: E402
from nianbao.evaluate import _same, gold_cells  # noqa: E402
from nianbao.normalise import build_document  # noqa: E402
from nianbao.parser import parse_document  # noqa: E402
from nianbao.readers.ocr import flag_doubtful_cells  # noqa: E402
from nianbao.readers.pdf import Glyph, PageContent, _page_content, _rule_groups, read, table_images  # noqa: E402
from tests.conftest import CORPUS, gold  # noqa: E402

TEXT_PDF = CORPUS / "dev" / "hongze-2023.pdf"
HEADING = "三、收到和处理政府信息公开申请情况"


def _with_table_as_image(pdf: bytes, number: int, which: int, dpi: int = 200,
                         borderless: bool = False) -> tuple[bytes, tuple[float, ...]]:
    """The PDF with the `which`-th ruled table of page `number` replaced by a picture of itself
    (its text and rules taken out of the page): the rest of the page keeps its text layer.
    `borderless`: the table's rules are painted out of the picture."""
    document = pypdfium2.PdfDocument(pdf)
    rules = _rule_groups(_page_content(document, number - 1).segments)[which]
    x0, top = min(s.x0 for s in rules) - 2, min(s.top for s in rules) - 2
    x1, bottom = max(s.x1 for s in rules) + 2, max(s.bottom for s in rules) + 2
    page = document[number - 1]
    height, scale = page.get_height(), dpi / 72
    picture = page.render(scale=scale).to_pil().convert("RGB").crop(
        (int(x0 * scale), int(top * scale), int(x1 * scale), int(bottom * scale)))
    if borderless:
        draw = ImageDraw.Draw(picture)
        for s in rules:
            draw.line(((s.x0 - x0) * scale, (s.top - top) * scale, (s.x1 - x0) * scale, (s.bottom - top) * scale),
                      fill=(255, 255, 255), width=int(2 * scale))
    for obj in list(page.get_objects(max_depth=0)):
        left, low, right, high = obj.get_bounds()
        if left >= x0 - 1 and right <= x1 + 1 and height - high >= top - 1 and height - low <= bottom + 1:
            page.remove_obj(obj)
    image = pypdfium2.PdfImage.new(document)
    image.set_bitmap(pypdfium2.PdfBitmap.from_pil(picture))
    image.set_matrix(pypdfium2.PdfMatrix().scale(x1 - x0, bottom - top).translate(x0, height - bottom))
    page.insert_obj(image)
    page.gen_content()
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue(), (x0, top, x1, bottom)


@pytest.fixture(scope="module")
def table_image_pdf() -> tuple[RawDocument, tuple[float, ...]]:
    """hongze-2023 whose page 3 prints the heading of part 三 as text and the start of table 三
    (17 rows) as a picture below it, as read (once: OCR is slow), and the picture's box."""
    if not TEXT_PDF.exists():
        pytest.skip("corpus not found (set NIANBAO_CORPUS)")
    data, box = _with_table_as_image(TEXT_PDF.read_bytes(), 3, 1)
    return read(data), box


def test_only_the_image_region_is_read_by_ocr_and_placed_where_it_lies(table_image_pdf):
    doc, (x0, top, x1, bottom) = table_image_pdf
    assert not any("大幅图像" in w for w in doc.warnings), doc.warnings
    ocr_tables = [b for b in doc.blocks if isinstance(b, RawTable) and any(c.confidence is not None for row in b.rows for c in row)]
    assert len(ocr_tables) == 1
    boxes = [c.box for row in ocr_tables[0].rows for c in row if c.box]
    assert all(x0 - 1 <= bx0 and bx1 <= x1 + 1 and top - 1 <= btop and bbottom <= bottom + 1 for bx0, btop, bx1, bbottom in boxes)
    paragraphs = [b.text for b in doc.blocks if isinstance(b, RawParagraph)]
    assert paragraphs.count(HEADING) == 1  # from the text layer, not read again by OCR
    order = [b.text if isinstance(b, RawParagraph) else b for b in doc.blocks]
    heading, table = order.index(HEADING), order.index(ocr_tables[0])
    assert table == heading + 1  # under its heading, before page 4's text


def test_a_report_with_a_table_image_parses_with_no_wrong_unflagged_value(table_image_pdf):
    raw = table_image_pdf[0]
    report = parse_document(build_document(raw))
    flag_doubtful_cells(report, raw)  # as parse_bytes does
    expected, got = gold_cells(gold("hongze-2023.json")), gold_cells(report.canonical())
    uncertain = set(report.uncertain)
    assert [p for p, v in expected.items() if p not in uncertain and not (p in got and _same(got[p], v))] == []
    right = sum(1 for p, v in expected.items() if p in got and _same(got[p], v))
    assert right >= len(expected) - 3, (right, len(expected))


def _page(glyphs: int, box: tuple[float, float, float, float]) -> PageContent:
    text = [Glyph("字", 100 + 12 * (i % 30), 300 + 14 * (i // 30), 110 + 12 * (i % 30), 311 + 14 * (i // 30), 310 + 14 * (i // 30))
            for i in range(glyphs)]
    return PageContent(1, 595, 842, [Glyph("标", 80, 60, 92, 72, 71), *text], [], 0.0, 0, [box])


def test_which_images_on_a_text_page_are_read_by_ocr():
    table = (80.0, 280.0, 520.0, 700.0)
    assert table_images(_page(0, table)) == [table]
    assert table_images(_page(90, table)) == []  # a text layer over it: read already
    assert table_images(_page(0, (400.0, 600.0, 520.0, 720.0))) == []  # seal-sized


def test_a_photo_on_a_text_page_is_left_as_it_was():
    """An image with no ruled table in it is not turned into text: the page reads as before,
    with its warning that the large image is not read."""
    if not TEXT_PDF.exists():
        pytest.skip("corpus not found (set NIANBAO_CORPUS)")
    document = pypdfium2.PdfDocument(TEXT_PDF.read_bytes())
    page = document[4]  # page 5: text only, room at the bottom
    photo = pypdfium2.PdfImage.new(document)
    from PIL import Image, ImageDraw, ImageFont

    shades = bytes(range(256)) * (800 * 680 // 256 + 1)
    picture = Image.frombytes("L", (800, 680), shades[:800 * 680]).convert("RGB")
    ImageDraw.Draw(picture).text((60, 300), "OPEN DAY 2023", fill=(0, 0, 0), font=ImageFont.load_default(size=60))
    photo.set_bitmap(pypdfium2.PdfBitmap.from_pil(picture))  # a photo of a sign
    photo.set_matrix(pypdfium2.PdfMatrix().scale(400, 340).translate(100, 60))  # 27% of the page
    page.insert_obj(photo)
    page.gen_content()
    buffer = io.BytesIO()
    document.save(buffer)
    assert table_images(_page_content(pypdfium2.PdfDocument(buffer.getvalue()), 4))  # so OCR looks at it
    doc = read(buffer.getvalue())
    assert any("第 5 页有大幅图像" in w for w in doc.warnings), doc.warnings
    assert not any(c.confidence is not None for b in doc.blocks if isinstance(b, RawTable) for row in b.rows for c in row)
    assert not any("识别" in w for w in doc.warnings)
    assert not any("DAY" in b.text.upper() for b in doc.blocks if isinstance(b, RawParagraph))  # OCR reads "OPFN DAY 2023"


def test_a_huge_page_is_not_rendered_for_its_images():
    """200 dpi of a 14,400 pt page would be 1.6 Gpx: its images keep their warning instead."""
    from nianbao.readers.pdf import _scanned_pages

    huge = PageContent(1, 14400, 14400, [Glyph("标", 80, 60, 92, 72, 71)], [], 8900.0 ** 2, 0, [(100.0, 100.0, 9000.0, 9000.0)])
    assert table_images(huge)
    assert _scanned_pages([huge], b"").numbers == []  # the document is not even opened for a page
