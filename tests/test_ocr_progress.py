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


class _Stop(BaseException):
    pass


@pytest.mark.skipif(not ocr.available(), reason="OCR extra not installed")
def test_the_pages_ahead_are_told_before_the_first_is_read():
    """What a budgeted worker stops at to ask for a scan's time (budget.py)."""
    told, read = [], []

    def stop(pages: int) -> None:
        told.append(pages)
        raise _Stop

    with ocr.page_progress(lambda done, total: read.append(done)), ocr.pages_ahead(stop):
        with pytest.raises(_Stop):
            ocr.read((SCANS / "t4-two-pages.tif").read_bytes())
    assert told == [2] and read == []


def scan_read_in_a_worker(data: bytes) -> int:
    return len(ocr.read(data).blocks)


@pytest.mark.skipif(not ocr.available(), reason="OCR extra not installed")
def test_a_budgeted_worker_asks_for_a_scans_time_then_reads_it():
    from nianbao.budget import Budget, Failed, Runner, _ScanFound

    data = (SCANS / "t4-two-pages.tif").read_bytes()
    with Runner(Budget(seconds=60, memory_mb=0)) as runner:
        assert runner.submit(scan_read_in_a_worker, data).result() == _ScanFound(2)
        cells = runner.call(scan_read_in_a_worker, data)
    assert not isinstance(cells, Failed) and cells > 0, cells


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
