"""A text PDF whose table pages are images: the text pages are read from their text layer,
only the image pages by OCR, and the two merge in page order (readers/pdf.py)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

pytest.importorskip("rapidocr", reason="OCR extra not installed")
import pypdfium2  # noqa: E402

from nianbao.document import RawParagraph, RawTable  # noqa: E402
from nianbao.evaluate import _same, gold_cells  # noqa: E402
from nianbao.parser import parse_bytes  # noqa: E402
from nianbao.readers.pdf import read  # noqa: E402
from tests.conftest import CORPUS, gold  # noqa: E402

SCANS = Path(__file__).parent / "fixtures" / "scans"
TEXT_PDF = CORPUS / "dev" / "hongze-2023.pdf"
GOLD = json.loads((SCANS / "sanming-gold.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def mixed() -> bytes:
    """Page 1 of a text PDF (the opening, with a text layer), then the three image-only pages of
    a scanned report holding its tables: a text PDF with its table pages slipped in as scans."""
    if not TEXT_PDF.exists():
        pytest.skip("corpus not found (set NIANBAO_CORPUS)")
    text, scan = pypdfium2.PdfDocument(TEXT_PDF.read_bytes()), pypdfium2.PdfDocument((SCANS / "sanming-scan.pdf").read_bytes())
    out = pypdfium2.PdfDocument.new()
    out.import_pages(text, [0])
    out.import_pages(scan)
    buffer = io.BytesIO()
    out.save(buffer)
    return buffer.getvalue()


def test_only_the_image_pages_are_read_by_ocr_and_merged_in_page_order(mixed):
    doc = read(mixed)
    assert doc.machine_readable
    pages = [block.page if isinstance(block, RawParagraph) else block.rows[0][0].page for block in doc.blocks]
    assert pages == sorted(pages) and pages[0] == 1
    first_page = [b for b in doc.blocks if isinstance(b, RawParagraph) and b.page == 1]
    assert "洪泽区人民政府" in first_page[0].text  # from the text layer, as printed
    ocr_tables = [b for b in doc.blocks if isinstance(b, RawTable)
                  and any(cell.confidence is not None for row in b.rows for cell in row)]
    assert len(ocr_tables) >= 3  # tables 二, 三 and 四 of the scanned pages
    assert {cell.page for table in ocr_tables for row in table.rows for cell in row} <= {2, 3, 4}
    texts = {cell.text for table in ocr_tables for row in table.rows for cell in row}
    assert str(GOLD["t3"]["new_received"]["natural_person"]) in texts
    assert any("第 2、3、4 页为扫描图像" in w for w in doc.warnings), doc.warnings
    assert not any("只有图像" in w for w in doc.warnings)


def _with_page_as_image(pdf: bytes, number: int) -> bytes:
    """The PDF with page `number` replaced by a 200 dpi image of itself (no text layer)."""
    source = pypdfium2.PdfDocument(pdf)
    image = io.BytesIO()
    source[number - 1].render(scale=200 / 72).to_pil().save(image, format="PDF", resolution=200)
    out = pypdfium2.PdfDocument.new()
    out.import_pages(source, list(range(number - 1)))
    out.import_pages(pypdfium2.PdfDocument(image.getvalue()))
    out.import_pages(source, list(range(number, len(source))))
    buffer = io.BytesIO()
    out.save(buffer)
    return buffer.getvalue()


def test_a_scanned_page_in_the_middle_of_a_table_parses_like_the_text_pdf():
    """hongze-2023's page 3 ends table 二 and starts table 三 (both run on from the text pages
    around it): scanned, it still gives every gold cell, none wrong and unflagged."""
    if not TEXT_PDF.exists():
        pytest.skip("corpus not found (set NIANBAO_CORPUS)")
    report = parse_bytes(_with_page_as_image(TEXT_PDF.read_bytes(), 3), "mixed.pdf")
    assert any("第 3 页为扫描图像" in w.message for w in report.warnings)
    expected, got = gold_cells(gold("hongze-2023.json")), gold_cells(report.canonical())
    uncertain = set(report.uncertain)
    wrong = [p for p, v in expected.items() if p not in uncertain and not (p in got and _same(got[p], v))]
    assert wrong == []
    right = sum(1 for p, v in expected.items() if p in got and _same(got[p], v))
    assert right >= len(expected) - 3, (right, len(expected))
    ocr_cells = [c for _, c in report.cells() if (c.location or {}).get("page") == 3 and "box" in (c.location or {})]
    assert ocr_cells  # the cells read from the scanned page keep their box on it
