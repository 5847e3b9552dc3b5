"""End-to-end in a real headless Chromium: upload a scan the OCR reads nothing of, set its
edition, agency and year, type table 三 into the empty grid beside the page image, and see the
typed report checked (fixtures of tests/test_web_e2e.py: Debian's chromium, no download)."""

from __future__ import annotations

import io

import pytest

from tests.e2e_support import upload_and_open
from tests.test_web_e2e import browser, page, server  # noqa: F401  (fixtures)

PIL = pytest.importorskip("PIL.Image", reason="Pillow not installed")
pytest.importorskip("rapidocr", reason="OCR extra not installed")


def test_scan_typed_in_by_hand(server, page, tmp_path):  # noqa: F811
    scan = tmp_path / "扫描件.png"
    buffer = io.BytesIO()
    PIL.new("L", (620, 877), 255).save(buffer, format="PNG")
    scan.write_bytes(buffer.getvalue())

    upload_and_open(page, server, scan)

    # Nothing read: the page image is there, no tables, and the facts form asks for the edition.
    page.wait_for_selector("#facts-form")
    assert page.locator(".pages img").count() == 1
    assert page.locator("#entry-form").count() == 0
    page.select_option("#facts-form select[name=edition]", "2021")
    page.fill("#facts-form input[name=agency]", "某某县某某镇人民政府")
    page.fill("#facts-form input[name=year]", "2023")
    page.fill("#facts-form input[name=author]", "录入员")
    page.click("#facts-form button[type=submit]")

    # The empty grid of the 2021 edition, typed in.
    page.wait_for_selector("#entry-form")
    assert "某某县某某镇人民政府" in page.locator("h1").inner_text()
    typed = {"t3.new_received.total": "7", "t3.granted.total": "5", "t3.unavailable_not_held.total": "2",
             "t3.total_handled.total": "7", "t3.carried_over.total": "0", "t3.carried_forward.total": "0"}
    for path, value in typed.items():
        page.fill(f'#entry-form input[name="{path}"]', value)
    page.fill("#entry-form input[name=author]", "录入员")
    page.click("#entry-form button[type=submit]")

    page.wait_for_selector('td.cell[data-path="t3.granted.total"].corrected')
    for path, value in typed.items():
        assert page.locator(f'td.cell[data-path="{path}"]').inner_text().strip() == value
    assert page.locator('td.cell[data-path="t3.granted.natural_person"]').inner_text().strip() == "·"  # blank stays blank
    assert "录入员" in page.locator("table.history").first.inner_text()
    facts = page.locator("#facts-history").inner_text()
    assert "格式版本" in facts and "2021" in facts and "年度" in facts
    # Table 三 is typed in now; the tables still untyped keep their empty grid.
    assert page.locator('#entry-form input[name="t3.granted.total"]').count() == 0
    assert page.locator('#entry-form input[name="t2.regulations.issued"]').count() == 1
