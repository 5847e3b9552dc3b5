"""The CLI's per-page progress bar for OCR: told after each page, shown only on a terminal."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from rich.console import Console

from nianbao.cli import common
from nianbao.readers import ocr

SCANS = Path(__file__).parent / "fixtures" / "scans"


@pytest.mark.skipif(not ocr.available(), reason="OCR extra not installed")
def test_each_page_read_is_told():
    told = []
    with ocr.page_progress(lambda done, total: told.append((done, total))):
        ocr.read((SCANS / "t4-two-pages.tif").read_bytes())
    assert told == [(1, 2), (2, 2)]
    ocr.read((SCANS / "t4-two-pages.tif").read_bytes())  # outside the block: nobody is told
    assert told == [(1, 2), (2, 2)]


def test_bar_on_a_terminal_only(monkeypatch):
    screen = io.StringIO()
    monkeypatch.setattr(common, "stderr", Console(file=screen, force_terminal=True, width=100))
    with common.ocr_page_bar():
        tell = ocr._PAGE_PROGRESS.get()
        assert tell is not None
        tell(1, 3)
        tell(2, 3)
    assert "文字识别 OCR" in screen.getvalue() and "2/3" in screen.getvalue()
    assert ocr._PAGE_PROGRESS.get() is None  # gone with the block

    piped = io.StringIO()
    monkeypatch.setattr(common, "stderr", Console(file=piped, force_terminal=False))
    with common.ocr_page_bar():
        assert ocr._PAGE_PROGRESS.get() is None
    assert piped.getvalue() == ""
