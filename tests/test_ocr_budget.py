"""OCR stays within the default per-file budget (budget.py) by construction: pages above an A4
page at PDF_RENDER_DPI are scaled down before cleaning and recognition (and recognition batches
are bounded by their padded width)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("cv2", reason="the OCR extra is not installed (pip install 'nianbao[ocr]')")
pytest.importorskip("rapidocr", reason="the OCR extra is not installed (pip install 'nianbao[ocr]')")

from nianbao.budget import DEFAULT_MEMORY_LIMIT, Budget, Failed, Runner  # noqa: E402
from nianbao.evaluate import gold_cells  # noqa: E402
from nianbao.readers import ocr  # noqa: E402

SCANS = Path(__file__).parent / "fixtures" / "scans"
GOLD = json.loads((SCANS / "sanming-gold.json").read_text(encoding="utf-8"))
A4_300_DPI = (2480, 3508)  # pixels, width × height
# A page must leave room in the budget, not just fit: without the pixel cap and the batches of
# 40 heights this page peaked at ≈1.0 GB of address space in a budgeted worker (and failed under
# the 1 GB budget at times), with the cap alone at ≈0.91–0.93 GB (failing at times), with both
# at ≈0.83 GB.
HEADROOM = 0.95


def _a4_png(dpi: int) -> bytes:
    """Page 2 of the scanned fixture (tables 三 and 四) as a PNG of an A4 page at `dpi`."""
    import pypdfium2

    document = pypdfium2.PdfDocument(str(SCANS / "sanming-scan.pdf"))
    try:
        image = document[1].render(scale=dpi / 72).to_pil().convert("RGB")
    finally:
        document.close()
    buffer = io.BytesIO()
    image.save(buffer, "PNG", dpi=(dpi, dpi))
    return buffer.getvalue()


def parse_png(data: bytes) -> tuple[dict, float]:
    """Run in a budgeted worker: the canonical report of an image file, OCR doubt flagged, and
    the worker's peak address space in MB (which the budget caps)."""
    from nianbao.parser import parse_bytes

    canonical = parse_bytes(data, "page.png").canonical()
    peak_kb = next(int(line.split()[1]) for line in Path("/proc/self/status").read_text().splitlines()
                   if line.startswith("VmPeak"))
    return canonical, peak_kb / 1024


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads the peak from Linux's /proc")
def test_a_300_dpi_a4_page_parses_within_the_default_budget():
    data = _a4_png(300)
    from PIL import Image

    assert abs(Image.open(io.BytesIO(data)).width - A4_300_DPI[0]) <= 4
    budget = Budget(seconds=600)  # time is not what is tested: the machine may be busy
    assert budget.memory_mb == DEFAULT_MEMORY_LIMIT
    with Runner(budget) as runner:
        outcome = runner.call(parse_png, data)
    assert not isinstance(outcome, Failed), outcome
    canonical, peak_mb = outcome
    assert peak_mb <= HEADROOM * DEFAULT_MEMORY_LIMIT, f"peaked at {peak_mb:.0f} MB"
    expected = {p: v for p, v in gold_cells(GOLD).items() if p.startswith("t3.")}
    got, uncertain = gold_cells(canonical), set(canonical["uncertain"])
    right = sum(1 for p, v in expected.items() if got.get(p) == v)
    wrong = [p for p, v in expected.items() if got.get(p) != v and p not in uncertain]
    assert not wrong and right >= 0.95 * len(expected), (right, len(expected), wrong)


def test_pages_above_the_pixel_cap_are_scaled_down_in_the_same_points():
    width, height = A4_300_DPI
    page = ocr.PageImage(1, np.full((height, width, 3), 255, np.uint8), 300.0)
    capped = ocr.within_pixel_cap(page)
    h, w = capped.rgb.shape[:2]
    assert h * w <= ocr.MAX_PAGE_PIXELS < height * width
    # The page measures the same in points (boxes land where they did): 8.27 × 11.69 in.
    assert w * 72 / capped.dpi == pytest.approx(width * 72 / 300, rel=1e-3)
    assert h * 72 / capped.dpi == pytest.approx(height * 72 / 300, rel=2e-3)
    assert capped.dpi == pytest.approx(ocr.PDF_RENDER_DPI, rel=0.01)
    small = ocr.PageImage(1, np.zeros((877, 620, 3), np.uint8), 75.0)
    assert ocr.within_pixel_cap(small) is small
    # An A4 page rendered at 200 dpi (595 × 842 pt, rounded up) is not resampled.
    rendered = ocr.PageImage(1, np.zeros((2339, 1654, 3), np.uint8), 200.0)
    assert ocr.within_pixel_cap(rendered) is rendered


def test_a_scanned_pdf_draws_each_page_as_the_reader_comes_to_it(monkeypatch):
    """A scan's pages are not held as pictures all at once (11.6 MB an A4 page at 200 dpi: a
    15-page scan went over the worker's budget): each is drawn, read and let go in turn."""
    from nianbao.readers import pdf

    events: list[str] = []
    real_image, real_read = pdf._page_image, ocr._read_page

    def drawn(data, source, pages, number):
        events.append(f"draw {number}")
        return real_image(data, source, pages, number)

    def read(page, running=None):
        events.append(f"read {page.number}")
        return real_read(page, running)

    monkeypatch.setattr(pdf, "_page_image", drawn)
    monkeypatch.setattr(ocr, "_read_page", read)
    raw = pdf.read((SCANS / "sanming-scan.pdf").read_bytes(), source="sanming-scan.pdf")
    pages = len([e for e in events if e.startswith("draw")])
    assert pages >= 3 and events == [f"{step} {n}" for n in range(1, pages + 1) for step in ("draw", "read")]
    assert "第 1、2、3" in raw.warnings[0]
