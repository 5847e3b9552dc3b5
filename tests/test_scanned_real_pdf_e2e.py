"""End-to-end in a real headless Chromium: a real published report, scanned (hongze-2023.pdf
rasterised into an image-only PDF), uploaded to the web app, read by OCR, and a table cell's
box drawn on the scanned page's image where the recogniser read it (fixtures of
tests/test_web_e2e.py: Debian's chromium, no download)."""

from __future__ import annotations

import pytest

from tests.e2e_support import box_drawn_over_its_cell, upload_and_open
from tests.test_scanned_real_pdf import scanned  # noqa: F401  (fixture)
from tests.test_web_e2e import browser, page, server  # noqa: F401  (fixtures)

pytest.importorskip("rapidocr", reason="OCR extra not installed")


def test_a_scanned_report_shows_each_cell_on_its_page_image(server, page, scanned):  # noqa: F811
    upload_and_open(page, server, scanned, timeout_ms=120_000)
    page.wait_for_selector("table.grid-t3")
    # The report says it was read by OCR, and a cell of table 三 and one of table 四 (on
    # another page) each show their box over the scanned page.
    assert "已用文字识别（OCR）读取" in page.locator(".read-note").first.inner_text()
    first = box_drawn_over_its_cell(page, "t3.new_received.total")
    other = box_drawn_over_its_cell(page, "t4.review.total")
    assert page.locator("#cell-box").count() == 1
    assert first["page"] != other["page"] or first["box"] != other["box"]
