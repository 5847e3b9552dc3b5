"""A borderless table printed as a picture inside a text page: with no rules to find, the
picture is still read when OCR finds a table's row in it (a line of numbers), and its values
parse (readers/pdf.py _text_and_scanned, readers/ocr.py reads_as_table_row)."""

from __future__ import annotations

import pytest

pytest.importorskip("rapidocr", reason="OCR extra not installed")
from nianbao.document import RawParagraph  # noqa: E402
from nianbao.evaluate import _same, gold_cells  # noqa: E402
from nianbao.normalise import build_document  # noqa: E402
from nianbao.parser import parse_document  # noqa: E402
from nianbao.readers.ocr import flag_doubtful_cells, reads_as_table_row  # noqa: E402
from nianbao.readers.pdf import read  # noqa: E402
from tests.conftest import CORPUS, gold  # noqa: E402
from tests.test_table_images import _with_table_as_image  # noqa: E402

TEXT_PDF = CORPUS / "dev" / "hongze-2023.pdf"


def test_a_borderless_table_image_in_a_text_page_is_read_and_parses():
    """hongze-2023 with table 四 (page 4) printed as a borderless picture under its heading."""
    if not TEXT_PDF.exists():
        pytest.skip("corpus not found (set NIANBAO_CORPUS)")
    raw = read(_with_table_as_image(TEXT_PDF.read_bytes(), 4, 1, borderless=True)[0])
    read_by_ocr = [b for b in raw.blocks if isinstance(b, RawParagraph) and b.placed]
    assert read_by_ocr and all(b.page == 4 for b in read_by_ocr)
    texts = [b.text for b in raw.blocks if isinstance(b, RawParagraph)]
    heading = texts.index("四、政府信息公开行政复议、行政诉讼情况")
    assert texts.index(read_by_ocr[0].text) == heading + 1  # under its heading, from the text layer
    report = parse_document(build_document(raw))
    flag_doubtful_cells(report, raw)  # as parse_bytes does
    expected = {p: v for p, v in gold_cells(gold("hongze-2023.json")).items() if p.startswith("t4.")}
    got, uncertain = gold_cells(report.canonical()), set(report.uncertain)
    assert [p for p, v in expected.items() if p not in uncertain and not (p in got and _same(got[p], v))] == []
    right = sum(1 for p, v in expected.items() if p in got and _same(got[p], v))
    assert right == len(expected), (right, len(expected))


@pytest.mark.parametrize(("text", "row"), [
    ("10 1 0 0 0 0 0 0 0 0 5 0 0 0 0", True),
    ("行政许可 0 12 7730.28", True),
    ("OPEN DAY 2023", False),
    ("2023 年 5 月 1 日", False),  # a date: words between its numbers
    ("第 1 页 2", False),
])
def test_a_table_row_is_a_line_of_three_numbers_or_more(text, row):
    assert reads_as_table_row(RawParagraph(text)) is row
